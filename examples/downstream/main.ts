/**
 * A downstream experiment built from fsv-ts stages:
 *  1. a new cooperative game (Claus & Boutilier's climbing game, 2 agents × 3 actions);
 *  2. FSV and QMIX trained on it by fsv-ts's matrix stage;
 *  3. a stage of our own that compares them, keyed by the training artifact's digest;
 *  4. fsv-ts's IGM check on a mixer of our own.
 * Prints one JSON line: the artifact directories and the IGM report.
 */
import { Effect, Layer, Schema } from "effect"
import { Backend } from "fsv-ts/backend"
import { matrix } from "fsv-ts/envs"
import { matrixConfig, matrixStage } from "fsv-ts/pipelines"
import { Progress } from "fsv-ts/progress"
import { ArtifactStore, defineStage, readArtifactText, runStage } from "fsv-ts/store"
import { checkIgm } from "fsv-ts/theory"

const store = process.argv[2] ?? "artifacts"

// 1. The climbing game: optimum 11 at (A, A), guarded by −30 penalties.
const climbing = matrix.gameFromFlat([3, 3], [11, -30, 0, -30, 7, 6, 0, 0, 5])

// 2. FSV (α0 = 0.01) and QMIX, 2 seeds, a short budget.
const training = {
  ...matrixConfig({ seeds: 2, steps: 600, game: climbing }),
  runs: [{ algo: "fsv", alpha0: 0.01 }, { algo: "qmix", alpha0: null }] as const
}

// 3. Our own stage: which learner found the optimum, per seed.
const CompareConfig = Schema.Struct({ learners: Schema.Array(Schema.String) })
interface MatrixResult {
  readonly runs: ReadonlyArray<{ algo: string; seed: number; optimal: boolean; maxAbsError: number }>
}
const compareStage = defineStage({
  name: "compare-learners",
  version: 1,
  description: "per learner: seeds that found the optimal joint action, and the worst max |Q_tot − payoff|",
  config: CompareConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const result = JSON.parse(yield* readArtifactText(ctx.inputs["training"]!.dir, "result.json")) as MatrixResult
      const rows = config.learners.map((algo) => {
        const runs = result.runs.filter((r) => r.algo === algo)
        return {
          algo,
          optimal: runs.filter((r) => r.optimal).length,
          seeds: runs.length,
          worstError: Math.max(...runs.map((r) => r.maxAbsError))
        }
      })
      return { "comparison.json": JSON.stringify(rows, null, 2) + "\n" }
    })
})

const layers = Layer.mergeAll(ArtifactStore.layer(store), Backend.layer("wasm"), Progress.silent)

const program = Effect.gen(function*() {
  const trained = yield* runStage(matrixStage, training)
  const compared = yield* runStage(compareStage, { learners: ["fsv", "qmix"] }, { inputs: { training: trained } })
  // 4. A mixer that is not IGM: Q_tot = Q1 + Q2 − 2·Q1·Q2 on values in [0, 1].
  const igm = checkIgm((q) => q[0]! + q[1]! - 2 * q[0]! * q[1]!, {
    agents: 2,
    actions: 2,
    values: { min: 0, max: 1 },
    runs: 500,
    seed: 1
  })
  return { training: trained.dir, comparison: compared.dir, igm }
})

const out = await Effect.runPromise(program.pipe(Effect.provide(layers)))
process.stdout.write(JSON.stringify(out) + "\n")
