/**
 * FSV in its discrete form (Section 3.3; Appendix 7.2).
 *
 *   V_i     = α log Σ_u exp(Q_i(u)/α),  α_i = α                         (Eq. 5, Section 3.3)
 *   λ_i     = Σ_h λ_{i,h}(s, u) > 0, multi-head attention               (Eq. 14–15)
 *   Q_tot   = Σ_i λ_i (Q_i − V_i) + V_tot, V_tot = Σ_i w_i V_i + b        (Eq. 7, 13: `./factorization.ts`)
 *   J_Qtot  = (Q_tot(s, u) − y)²,  y = r (one-step episodes)             (Eq. 16)
 *
 * with α annealed linearly from `alphaStart` (1) to α0 over `alphaAnnealSteps` environment
 * steps (Table 8). Replicas may differ in α0 (the three α0 variants train side by side).
 *
 * Choices the paper leaves open, each a config field:
 * - `gradients`: which parameters the stop-gradients spare; see `./factorization.ts`.
 * - `lambdaNormalization`: see `src/nn/attentionLambda.ts`; "none" (λ_{i,h} = exp(·)) is the
 *   one that can represent the matrix game.
 * - w ≥ 0 by |·| of a one-layer hypernetwork, b from one layer (Table 8: 1 layer, 0 hidden).
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import {
  attentionLambda,
  AttentionLambdaFields,
  attentionLambdaShape,
  attentionLambdaSpecs,
  defaultAttentionLambdaFields
} from "../../nn/attentionLambda.ts"
import { linear } from "../../nn/dense.ts"
import { linearSpecs, ParamLayout } from "../../nn/params.ts"
import { softValues } from "../../nn/softValue.ts"
import { chosenQ } from "../../nn/chosenQ.ts"
import { alphaAt, AlphaAnnealFields } from "./temperature.ts"
import { agentQ, agentSpecs, type DiscreteLearner, type DiscreteShape, type DiscreteGameTensors, weightedSquares } from "../discrete.ts"
import { FSV_GRADIENTS, type FsvGradients, fsvMix } from "./factorization.ts"
import { TrainingFields, defaultTraining } from "../Learner.ts"

export const DiscreteFsvConfig = Schema.Struct({
  ...TrainingFields,
  /** α from alphaStart (Table 8: 1) to the replica's α0 over alphaAnnealSteps (Table 8: the whole run). */
  ...AlphaAnnealFields,
  ...AttentionLambdaFields,
  /** Where the stop-gradients apply (`./factorization.ts`). */
  gradients: Schema.Literals(FSV_GRADIENTS)
})
export type DiscreteFsvConfig = typeof DiscreteFsvConfig.Type

/** Defaults; `alphaAnnealSteps` is the run's step budget, set by the pipeline. */
export const defaultDiscreteFsvConfig = (steps: number): DiscreteFsvConfig => ({
  ...defaultTraining,
  alphaStart: 1,
  alphaAnnealSteps: steps,
  ...defaultAttentionLambdaFields,
  gradients: "eq33"
})

/** The inputs of FSV's mixing for M joint actions, from Q_i over every action. */
export interface DiscreteFsvMixInputs {
  /** Q_i(τ_i, ·): [S, N, A]. */
  readonly q: tf.Tensor
  /** One-hot joint actions: [S, M, N, A]. */
  readonly actions: tf.Tensor
  /** α per replica: [S, 1]. */
  readonly alpha: tf.Tensor
  /** λ_i(s, u) > 0: [S, M, N]. */
  readonly lambda: tf.Tensor
  /** w_i(s) ≥ 0: [S, 1, N]. */
  readonly w: tf.Tensor
  /** b(s): [S, 1]. */
  readonly b: tf.Tensor
  /** 0 for available actions, UNAVAILABLE otherwise: [1, N, A], or undefined. */
  readonly unavailable: tf.Tensor | undefined
  readonly gradients: FsvGradients
}

/** Q_tot for each joint action: V_i from Q_i by Eq. 5, then `fsvMix` (Eq. 13, 7): [S, M]. */
export const discreteFsvMix = ({ q, actions, alpha, lambda, w, b, unavailable, gradients }: DiscreteFsvMixInputs): tf.Tensor =>
  fsvMix({
    chosen: chosenQ(tf.expandDims(q, 1), actions), // Q_i(u_i): [S, M, N]
    v: tf.expandDims(softValues(q, alpha, unavailable), 1), // V_i = α log Σ exp(Q_i/α): [S, 1, N]
    lambda, // [S, M, N]
    w, // [S, 1, N]
    b, // [S, 1]
    gradients
  }) // [S, M]

/** FSV's mixing network's outputs for M joint actions: everything of Eq. 7 but the Q_i. */
export interface FsvMixingTensors {
  /** α per replica: [S, 1]. */
  readonly alpha: tf.Tensor
  /** λ_i(s, u) > 0 (Eq. 14–15): [S, M, N]. */
  readonly lambda: tf.Tensor
  /** w_i(s) ≥ 0 of V_tot (Eq. 13): [S, 1, N]. */
  readonly w: tf.Tensor
  /** b(s) of V_tot (Eq. 13): [S, 1]. */
  readonly b: tf.Tensor
}

/** A discrete FSV learner; `mixing` exposes λ, w, b and α, e.g. to check a trained mixer against the theory. */
export interface DiscreteFsvLearner extends DiscreteLearner {
  readonly algo: "fsv"
  readonly training: DiscreteFsvConfig
  /** λ, w, b and α for one-hot joint actions [S, M, N, A] at `step`. */
  readonly mixing: (
    params: Readonly<Record<string, tf.Tensor>>,
    game: DiscreteGameTensors,
    actions: tf.Tensor,
    step: number
  ) => FsvMixingTensors
}

export const isFsvLearner = (learner: DiscreteLearner): learner is DiscreteFsvLearner => learner.algo === "fsv" && "mixing" in learner

/** `alpha0s[s]` is replica s's α0. */
export const makeDiscreteFsv = (shape: DiscreteShape, config: DiscreteFsvConfig, alpha0s: ReadonlyArray<number>): DiscreteFsvLearner => {
  const { agents: N, actions: A } = shape
  const lambdaShape = attentionLambdaShape(shape.stateDim, N * A, N, config)
  const layout = new ParamLayout([
    ...agentSpecs(shape, config.agentHidden),
    ...attentionLambdaSpecs("lambda", lambdaShape),
    ...linearSpecs("hyperW", shape.stateDim, N),
    ...linearSpecs("hyperB", shape.stateDim, 1)
  ])
  const mixing = (params: Readonly<Record<string, tf.Tensor>>, game: DiscreteGameTensors, actions: tf.Tensor, step: number): FsvMixingTensors => {
    const [S, M] = actions.shape as [number, number]
    if (S !== alpha0s.length) throw new Error(`fsv: ${S} replicas but ${alpha0s.length} α0 values`)
    return {
      alpha: tf.tensor2d(alpha0s.map((a0) => alphaAt(config, a0, step)), [S, 1]), // α per replica: [S, 1]
      lambda: attentionLambda(game.state, tf.reshape(actions, [S, M, N * A]), params, "lambda", lambdaShape), // Eq. 14–15: [S, M, N]
      w: tf.abs(linear(game.state, params["hyperW.w"]!, params["hyperW.b"]!)), // w_i(s) ≥ 0: [S, 1, N]
      b: tf.reshape(linear(game.state, params["hyperB.w"]!, params["hyperB.b"]!), [S, 1]) // b(s): [S, 1]
    }
  }
  /** Q_tot for one-hot joint actions [S, M, N, A] at `step`: [S, M]. */
  const qTotOf = (params: Readonly<Record<string, tf.Tensor>>, game: DiscreteGameTensors, actions: tf.Tensor, step: number) => {
    const q = agentQ(params, game) // [S, N, A]
    return discreteFsvMix({ q, actions, ...mixing(params, game, actions, step), unavailable: game.unavailable, gradients: config.gradients })
  }

  return {
    algo: "fsv",
    layout,
    training: config,
    mixing,
    loss: (params, game, batch, step) =>
      weightedSquares(tf.sub(qTotOf(params, game, batch.actions, step), batch.reward), batch.weight), // Eq. 16
    evaluate: (params, game, jointActions, step) => ({
      agentQ: agentQ(params, game),
      qTot: qTotOf(params, game, jointActions, step)
    })
  }
}
