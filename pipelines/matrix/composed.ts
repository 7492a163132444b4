/**
 * The matrix reproduction built from its stages: for every learner variant a `matrix-train`
 * artifact and a `matrix-evaluate` artifact, then one `matrix-report` over them. Each step is
 * its own artifact in the store, so a variant already trained is a cache hit, a downstream
 * program can put a stage of its own after any of them, and `fsv rerun` re-executes any one.
 *
 * With two or more seeds, its result.json is byte-identical to the `matrix` stage's for the
 * same config (spec/pipelines/matrixStages.test.ts); report.md differs only in its notes.
 */
import { Effect } from "effect"
import { learnerOf, type MatrixTrainConfig, matrixTrainStage } from "./trainStage.ts"
import { matrixEvaluateStage } from "./evaluateStage.ts"
import { matrixReportStage } from "./reportStage.ts"
import type { MatrixConfig } from "./stage.ts"
import { runStage } from "../../src/store/Stage.ts"

/** One training config per learner variant of `config`, in its report order. */
export const trainConfigsOf = (config: MatrixConfig): Array<MatrixTrainConfig> =>
  config.runs.map((r) => ({
    actionCounts: config.actionCounts,
    payoff: config.payoff,
    learner: learnerOf(r.algo, r.alpha0, config.learners),
    seeds: config.seeds,
    rootSeed: config.rootSeed,
    steps: config.steps
  }))

/** The input name of a variant in the report: "qmix", "fsv-0.01". */
export const variantKey = (train: MatrixTrainConfig): string =>
  train.learner.algo === "fsv" ? `fsv-${train.learner.alpha0}` : train.learner.algo

/** Train one variant, then evaluate it: the two artifacts. */
export const trainAndEvaluate = (train: MatrixTrainConfig) =>
  Effect.gen(function*() {
    const training = yield* runStage(matrixTrainStage, train)
    const evaluation = yield* runStage(matrixEvaluateStage, {}, { inputs: { training } })
    return { training, evaluation }
  })

/** Every variant of `config` trained and evaluated, and the report over them. */
export const matrixFromStages = (config: MatrixConfig) =>
  Effect.gen(function*() {
    const trains = trainConfigsOf(config)
    const variants = yield* Effect.forEach(trains, trainAndEvaluate)
    const names = trains.map(variantKey)
    const inputs = Object.fromEntries(variants.map((v, k) => [names[k]!, v.evaluation]))
    const report = yield* runStage(matrixReportStage, { evaluations: names }, { inputs })
    return { report, variants: variants.map((v, k) => ({ name: names[k]!, ...v })) }
  })
