/**
 * `npm run bench -- matrixChoices [--steps N] [--seeds N]`
 *
 * FSV's open choices on the paper's matrix game (docs/matrix.md): every combination of the
 * stop-gradient mode (Eq. 33) and λ's normalization (Eq. 15), each trained with α0 ∈ {0.1,
 * 0.01} over the seeds, printing how often the greedy joint action is (A,A) and
 * maxAbsError ≤ 0.5. Not a timing; it is the evidence for the defaults.
 */
import { Effect, Layer } from "effect"
import { matrixConfig } from "../pipelines/matrix/stage.ts"
import { Backend } from "../src/backend/Backend.ts"
import { FSV_GRADIENTS } from "../src/learners/fsv/factorization.ts"
import { matrixProgramModule, type MatrixProgram } from "../pipelines/matrix/program.ts"
import { trainPrograms, jobsFromEnv } from "../src/runtime/pool.ts"
import { flag } from "./_util.ts"

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const steps = Number(flag(args, "--steps") ?? 20000)
  const seeds = Number(flag(args, "--seeds") ?? 5)
  await Effect.runPromise(Effect.scoped(Layer.build(Backend.layer("wasm"))))
  const base = matrixConfig({ steps, seeds })
  const variants = FSV_GRADIENTS.flatMap((gradients) =>
    (["none", "agents"] as const).map((lambdaNormalization) => ({ gradients, lambdaNormalization }))
  )
  const alpha0s = [0.1, 0.01]
  const specs: Array<MatrixProgram> = variants.map((v) => ({
    actionCounts: base.actionCounts,
    payoff: base.payoff,
    learners: { ...base.learners, fsv: { ...base.learners.fsv, ...v } },
    algo: "fsv",
    slices: alpha0s.flatMap((alpha0) => base.seeds.map((seed) => ({ seed, alpha0 }))),
    rootSeed: base.rootSeed,
    label: ["matrix", "fsv"],
    steps
  }))
  const results = (await Effect.runPromise(trainPrograms(matrixProgramModule, specs, { jobs: jobsFromEnv(), backend: "wasm" }))).map((o) => o.results)
  process.stdout.write(`FSV choices, ${steps} steps, ${seeds} seeds: (A,A) greedy / maxAbsError ≤ 0.5 / both, and the errors\n`)
  variants.forEach((v, k) => {
    for (const a0 of alpha0s) {
      const rs = results[k]!.filter((r) => r.alpha0 === a0)
      const opt = rs.filter((r) => r.optimal).length
      const acc = rs.filter((r) => r.maxAbsError <= 0.5).length
      const both = rs.filter((r) => r.optimal && r.maxAbsError <= 0.5).length
      process.stdout.write(
        `gradients=${v.gradients.padEnd(11)} λ=${v.lambdaNormalization.padEnd(6)} α0=${String(a0).padEnd(4)} ` +
          `${opt}/${rs.length} ${acc}/${rs.length} ${both}/${rs.length}  errors ${rs.map((r) => r.maxAbsError.toFixed(2)).join(" ")}\n`
      )
    }
  })
}
