/**
 * `fsv reproduce matrix` as a stage: the protocol of Section 5.1 for VDN, QMIX, QTRAN-base,
 * QTRAN-alt and FSV (α0 ∈ {1, 0.1, 0.01}) on a cooperative matrix game, every learner over
 * every seed. The config holds everything that determines the bytes: the game, the seeds,
 * the step budget, which learners run and all their hyperparameters.
 *
 * Each learner trains all its seeds (and FSV all its α0 values) as one batched program with
 * a leading replica dimension; the programs run on up to `FSV_JOBS` worker threads (default:
 * up to 2), which changes the wall time, not the bytes.
 */
import { Effect, Schema } from "effect"
import type { BackendName } from "../../src/backend/Backend.ts"
import { type MatrixGame, nestFlat, nonMonotonicGame } from "../../src/envs/matrix.ts"
import type { DiscreteFsvConfig } from "../../src/learners/fsv/discrete.ts"
import { DISCRETE_ALGOS, type DiscreteAlgo } from "../../src/learners/discrete.ts"
import { matrixProgramModule, type MatrixProgram } from "./program.ts"
import { jobsFromEnv, trainPrograms } from "../../src/runtime/pool.ts"
import { defaultMatrixLearnerConfigs, MatrixLearnerConfigs } from "./learners.ts"
import {
  type MatrixReportContext,
  type MatrixResult,
  type MatrixRun,
  qTotSvg,
  matrixReportMarkdown,
  matrixResultJson,
  toRun
} from "./report.ts"
import type { StageFiles } from "../../src/store/ArtifactStore.ts"
import { defineStage } from "../../src/store/Stage.ts"
import type { TrainingSettings } from "../../src/learners/Learner.ts"

export const RunSpec = Schema.Struct({
  /** The learner. */
  algo: Schema.Literals(DISCRETE_ALGOS),
  /** FSV's final temperature α0 (α falls linearly from alphaStart to it); null for the other learners. */
  alpha0: Schema.NullOr(Schema.Finite)
})
export type RunSpec = typeof RunSpec.Type

/** A config's game and seeds: at least 2 agents, one payoff entry per joint action, distinct seeds. */
export const gameAndSeedIssues = (c: {
  readonly actionCounts: ReadonlyArray<number>
  readonly payoff: ReadonlyArray<number>
  readonly seeds: ReadonlyArray<number>
}): Array<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  if (c.actionCounts.length < 2) issues.push({ path: ["actionCounts"], issue: "needs at least 2 agents" })
  const J = c.actionCounts.reduce((a, b) => a * b, 1)
  if (c.payoff.length !== J) issues.push({ path: ["payoff"], issue: `has ${c.payoff.length} entries, action counts give ${J}` })
  if (c.seeds.length === 0) issues.push({ path: ["seeds"], issue: "needs at least one seed" })
  if (new Set(c.seeds).size !== c.seeds.length) issues.push({ path: ["seeds"], issue: "seeds must be distinct" })
  return issues
}

export const MatrixConfig = Schema.Struct({
  /** n_i, the number of actions of agent i (at least 2 agents). */
  actionCounts: Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /** The payoff, row-major: payoff[jointIndex(u)] with agent 1 the most significant digit. */
  payoff: Schema.Array(Schema.Finite),
  /** Seeds, one replica each (each seed's streams are its own). */
  seeds: Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Root seed of every random stream. */
  rootSeed: Schema.Int,
  /** Environment steps per run (Section 5.1: 20,000), one update per step once a batch is buffered. */
  steps: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** The learner variants to run, in report order. */
  runs: Schema.Array(RunSpec),
  /** Every learner's hyperparameters. */
  learners: MatrixLearnerConfigs
}).check(
  Schema.makeFilter((c) => {
    const issues = gameAndSeedIssues(c)
    c.runs.forEach((r, k) => {
      if (r.algo === "fsv" && !(r.alpha0 !== null && r.alpha0 > 0)) {
        issues.push({ path: ["runs", k, "alpha0"], issue: "FSV needs α0 > 0" })
      }
      if (r.algo !== "fsv" && r.alpha0 !== null) issues.push({ path: ["runs", k, "alpha0"], issue: `${r.algo} takes no α0 (null)` })
    })
    return issues
  })
)
export type MatrixConfig = typeof MatrixConfig.Type

/** Section 5.1: VDN, QMIX, QTRAN-alt, QTRAN-base and FSV with α0 = 1, 0.1, 0.01 (Tables 2–6). */
export const defaultRuns: ReadonlyArray<RunSpec> = [
  { algo: "vdn", alpha0: null },
  { algo: "qmix", alpha0: null },
  { algo: "qtran-alt", alpha0: null },
  { algo: "qtran-base", alpha0: null },
  { algo: "fsv", alpha0: 1 },
  { algo: "fsv", alpha0: 0.1 },
  { algo: "fsv", alpha0: 0.01 }
]

/** The default reproduction, with `seeds` seeds (0 … seeds − 1) and `steps` steps, on `game`. */
export const matrixConfig = (
  { seeds = 5, steps = 20000, game = nonMonotonicGame }: { seeds?: number; steps?: number; game?: MatrixGame } = {}
): MatrixConfig => ({
  actionCounts: [...game.actionCounts],
  payoff: [...game.flat],
  seeds: Array.from({ length: seeds }, (_, k) => k),
  rootSeed: 0,
  steps,
  runs: defaultRuns,
  learners: defaultMatrixLearnerConfigs(steps)
})

/** One program per learner: its runs' replicas (FSV's α0 values side by side), heaviest first. */
export const matrixPrograms = (config: MatrixConfig): Array<MatrixProgram> => {
  const order: ReadonlyArray<DiscreteAlgo> = ["fsv", "qtran-alt", "qtran-base", "qmix", "vdn"]
  return order.flatMap((algo) => {
    const runs = config.runs.filter((r) => r.algo === algo)
    if (runs.length === 0) return []
    return [{
      actionCounts: config.actionCounts,
      payoff: config.payoff,
      learners: config.learners,
      algo,
      slices: runs.flatMap((r) => config.seeds.map((seed) => ({ seed, alpha0: r.alpha0 }))),
      rootSeed: config.rootSeed,
      label: ["matrix", algo],
      steps: config.steps
    }]
  })
}

/** Whether the game is the paper's (Table 1), where the report's acceptance checks apply. */
export const isPaperGame = (config: { readonly actionCounts: ReadonlyArray<number>; readonly payoff: ReadonlyArray<number> }): boolean =>
  config.actionCounts.length === 2 &&
  config.actionCounts.every((n, i) => n === nonMonotonicGame.actionCounts[i]) &&
  config.payoff.every((x, j) => x === nonMonotonicGame.flat[j])

/** The report's paragraph on the training protocol, from a learner's PyMARL settings. */
export const protocolNote = (t: TrainingSettings): string =>
  `Protocol: every step each agent acts uniformly at random (ε = 1); the one-step episode enters a FIFO buffer of ` +
  `${t.bufferSize} episodes and, once a batch of ${t.batchSize} is buffered, one ` +
  `RMSProp update (lr ${t.lr}, gradient norm clipped at ${t.gradNormClip} per seed) ` +
  `is made on a batch drawn uniformly without replacement. Every episode ends after one step, so every TD target is the reward.`

/** The report's paragraph on FSV's choices. */
export const fsvNote = (f: DiscreteFsvConfig): string =>
  `FSV: α falls linearly from ${f.alphaStart} to α0 over ${f.alphaAnnealSteps} steps; ` +
  `λ normalization "${f.lambdaNormalization}", stop-gradients "${f.gradients}" ` +
  `(see docs/matrix.md). Q_tot is reported at the final α.`

/** The report's paragraph on what QTRAN's Q_tot is. */
export const qtranNote =
  `QTRAN: the reported Q_tot is the joint network Q_jt (QTRAN-alt: the mean of its counterfactual heads); greedy actions are argmax Q_i.`

const notes = (config: MatrixConfig): Array<string> => [
  protocolNote(config.learners.vdn),
  fsvNote(config.learners.fsv),
  qtranNote,
  `Batching: each learner trains all its seeds (FSV also its α0 values) as one program with a leading replica dimension. ` +
  `A replica draws only from its own streams and its optimizer step reads only its own gradient. Measured on the wasm ` +
  `backend: a seed's numbers are bit-identical in any batch of two or more replicas, whichever the others are; a seed ` +
  `trained alone (a batch of one, e.g. --seeds 1) differs in the last bits, because tfjs-wasm multiplies matrices with ` +
  `XNNPACK for a batch of one and with its own loop otherwise (spec/learners/train.test.ts).`
]

/** The artifact's files, result.json, report.md and qtot.svg, from the runs in report order. */
export const matrixFiles = (
  runs: ReadonlyArray<MatrixRun>,
  setup: {
    readonly actionCounts: ReadonlyArray<number>
    readonly payoff: ReadonlyArray<number>
    readonly steps: number
    readonly seeds: ReadonlyArray<number>
    readonly notes: ReadonlyArray<string>
  }
): Effect.Effect<StageFiles> =>
  Effect.gen(function*() {
    const result: MatrixResult = { experiment: "matrix", payoff: nestFlat(setup.payoff, setup.actionCounts), runs }
    const context: MatrixReportContext = {
      actionCounts: setup.actionCounts,
      flat: setup.payoff,
      steps: setup.steps,
      seeds: setup.seeds,
      paperGame: isPaperGame(setup),
      notes: setup.notes
    }
    const svg = yield* Effect.promise(() => qTotSvg(result, context))
    return { "result.json": matrixResultJson(result), "report.md": matrixReportMarkdown(result, context), "qtot.svg": svg }
  })

export const matrixStage = defineStage({
  name: "matrix",
  version: 1,
  description: "Section 5.1: VDN, QMIX, QTRAN-base/alt and FSV on a cooperative matrix game (result.json, report.md, qtot.svg).",
  config: MatrixConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const programs = matrixPrograms(config)
      const task = ctx.progress.task(`matrix: ${programs.length} programs`, programs.length * config.steps, "steps")
      const done = programs.map(() => 0)
      const outcomes = yield* trainPrograms(matrixProgramModule, programs, {
        jobs: jobsFromEnv(),
        backend: ctx.backend as BackendName,
        onProgress: (i, steps) => {
          done[i] = steps
          task.update(done.reduce((a, b) => a + b, 0))
        }
      })
      task.done()
      const perProgram = outcomes.map((o) => o.results)
      const runs: Array<MatrixRun> = config.runs.flatMap((r) => {
        const k = programs.findIndex((p) => p.algo === r.algo)
        return perProgram[k]!
          .filter((s) => s.alpha0 === r.alpha0)
          .map((s) => toRun(r.algo, s, config.actionCounts))
      })
      return yield* matrixFiles(runs, { ...config, notes: notes(config) })
    })
})
