/**
 * `matrix-evaluate`: what a `matrix-train` artifact's parameters have learned. For every seed:
 * Q_i over each agent's actions, Q_tot of every joint action (at the final α for FSV), each
 * agent's greedy action, whether the greedy joint action is optimal, and max |Q_tot − payoff|;
 * for FSV also the trained mixing at the game's state, λ_i(s, u) for every joint action,
 * w_i(s), b(s) and α (Eq. 13–15), which `fsvMixer` and `checkIgm` (fsv-ts/theory) take as is.
 *
 * Its one input is the training artifact, bound as `training`; its config is empty, so its
 * key is the training artifact's digest. The replicas are evaluated together as they were
 * trained, which gives the numbers the `matrix` stage reports for them, bit for bit.
 */
import { Effect, Schema } from "effect"
import { DISCRETE_ALGOS } from "../../src/learners/discrete.ts"
import { isFsvLearner } from "../../src/learners/fsv/discrete.ts"
import { fsvMixingOf } from "./fsvMixing.ts"
import { evaluateParameters, SliceResult } from "./train.ts"
import { defineStage } from "../../src/store/Stage.ts"
import {
  alpha0Of,
  builtOf,
  float32FromBytes,
  layoutJson,
  MatrixLearner,
  MatrixTrainConfig,
  matrixTrainStage,
  PARAMETERS,
  TRAINED,
  TrainedFile
} from "./trainStage.ts"
import { readInputBytes, readInputJson, StageInputInvalid, stageInput } from "../../src/store/StageInput.ts"

/** Nothing to choose: the numbers follow from the training artifact. */
export const MatrixEvaluateConfig = Schema.Struct({})
export type MatrixEvaluateConfig = typeof MatrixEvaluateConfig.Type

/** FSV's trained mixing at the game's state (`FsvMixing` of fsv-ts/theory). */
export const FsvMixingSchema = Schema.Struct({
  actionCounts: Schema.Array(Schema.Int),
  /** λ_i(s, u) for every joint action: lambda[j][i] (Eq. 14–15). */
  lambda: Schema.Array(Schema.Array(Schema.Finite)),
  /** w_i(s) ≥ 0 (Eq. 13). */
  w: Schema.Array(Schema.Finite),
  /** b(s) (Eq. 13). */
  b: Schema.Finite,
  /** The final temperature α. */
  alpha: Schema.Finite
})

/** evaluation.json. */
export const EvaluationFile = Schema.Struct({
  algo: Schema.Literals(DISCRETE_ALGOS),
  alpha0: Schema.NullOr(Schema.Finite),
  actionCounts: Schema.Array(Schema.Int),
  payoff: Schema.Array(Schema.Finite),
  steps: Schema.Int,
  seeds: Schema.Array(Schema.Int),
  /** The learner and its hyperparameters, as trained. */
  learner: MatrixLearner,
  /** One entry per seed, in the order of `seeds`. */
  runs: Schema.Array(SliceResult),
  /** FSV only: each seed's trained mixing, in the order of `seeds`. */
  mixing: Schema.NullOr(Schema.Array(FsvMixingSchema))
})
export type EvaluationFile = typeof EvaluationFile.Type

export const EVALUATION = "evaluation.json"

const STAGE = "matrix-evaluate"
const INPUT = "training"

export const matrixEvaluateStage = defineStage({
  name: STAGE,
  version: 1,
  description: "Q_i, Q_tot, greedy joint action and errors (and FSV's λ, w, b) of a matrix-train artifact (evaluation.json).",
  config: MatrixEvaluateConfig,
  run: (_config, ctx) =>
    Effect.gen(function*() {
      const invalid = (reason: string) => new StageInputInvalid({ stage: STAGE, input: INPUT, reason })
      const ref = yield* stageInput(ctx, STAGE, INPUT, matrixTrainStage.name)
      const trained = yield* readInputJson(STAGE, INPUT, ref, TRAINED, TrainedFile)
      const config = yield* Schema.decodeUnknownEffect(MatrixTrainConfig)(trained.config).pipe(
        Effect.mapError((e) => invalid(`has a training config in ${TRAINED} that does not decode:\n${e.message}`))
      )
      const { game, learner, slices } = builtOf(config)
      if (JSON.stringify(layoutJson(learner.layout)) !== JSON.stringify(trained.layout)) {
        return yield* invalid(`was trained with another parameter layout than this ${config.learner.algo} builds`)
      }
      const parameters = float32FromBytes(yield* readInputBytes(ref, PARAMETERS))
      if (parameters.length !== slices.length * learner.layout.size) {
        return yield* invalid(`has ${parameters.length} values in ${PARAMETERS}, expected ${slices.length} × ${learner.layout.size}`)
      }
      const step = config.steps
      const runs = evaluateParameters({ game, learner, slices, parameters, step })
      const mixing = isFsvLearner(learner) ? fsvMixingOf({ game, learner, slices, parameters, step }) : null
      const evaluation: EvaluationFile = {
        algo: config.learner.algo,
        alpha0: alpha0Of(config.learner),
        actionCounts: config.actionCounts,
        payoff: config.payoff,
        steps: config.steps,
        seeds: config.seeds,
        learner: config.learner,
        runs,
        mixing
      }
      return { [EVALUATION]: JSON.stringify(evaluation, null, 2) + "\n" }
    })
})
