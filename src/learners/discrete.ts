/**
 * What every discrete learner shares: the shape of a one-state game as tensors, the batch
 * format, the agent network, and the contract a learner fulfils for the matrix trainer
 * (`pipelines/matrix/train.ts`); the PyMARL training settings are every learner's (`./Learner.ts`).
 *
 * All tensors carry a leading replica dimension S: one replica per (seed, variant) slice,
 * each with its own weights, trained side by side in one program.
 *
 * Targets. In a matrix game every episode is one step and ends (done = 1), so every TD
 * target here is the reward: y = r + γ(1 − done)(…) = r, for VDN/QMIX/QTRAN's
 * y^dqn and FSV's soft target of Eq. 16 alike. Target networks are therefore never read
 * and are not kept; a multi-step environment would need them.
 */
import * as tf from "@tensorflow/tfjs"
import { mlp } from "../nn/dense.ts"
import type { Learner, TrainingSettings } from "./Learner.ts"
import { mlpSpecs, type ParamLayout, type ParamSpec } from "../nn/params.ts"

export const DISCRETE_ALGOS = ["vdn", "qmix", "qtran-base", "qtran-alt", "fsv"] as const
export type DiscreteAlgo = (typeof DISCRETE_ALGOS)[number]

/** A one-state game's sizes. Agents with fewer than A actions have the rest masked out. */
export interface DiscreteShape {
  /** N. */
  readonly agents: number
  /** A = max_i n_i, the width of every Q_i vector. */
  readonly actions: number
  /** n_i. */
  readonly actionCounts: ReadonlyArray<number>
  /** Size of the state features. */
  readonly stateDim: number
  /** Size of an agent's observation. */
  readonly obsDim: number
}

/** The game's constant inputs, built once per run by the training loop. */
export interface DiscreteGameTensors {
  /** The one state s: [S, 1, stateDim]. */
  readonly state: tf.Tensor
  /** Each agent's observation: [S, N, obsDim]. */
  readonly obs: tf.Tensor
  /** 0 for an available action, UNAVAILABLE otherwise: [1, N, A]; undefined when every agent has A actions. */
  readonly unavailable: tf.Tensor | undefined
}

/**
 * One update's data, as M weighted rows: the loss is Σ_m weight[s, m] · loss(row m).
 *
 * Either the B sampled episodes themselves (M = B, weight 1/B), or, when the game has no
 * more joint actions than a batch has episodes, every joint action once with weight
 * (its count in the batch)/B (M = J). Both give the batch mean of the loss exactly; the
 * second evaluates every network on J ≤ B rows instead of B (for the 3×3 game, 9 instead of 32).
 */
export interface DiscreteBatch {
  /** One-hot of each agent's action: [S, M, N, A]. */
  readonly actions: tf.Tensor
  /** The shared reward r(u), which is also the TD target (done = 1): [S, M]. */
  readonly reward: tf.Tensor
  /** Each row's share of the batch mean: [S, M], rows of a replica sum to 1. */
  readonly weight: tf.Tensor
}

/** Learned values to report, for every joint action. */
export interface Evaluation {
  /** Q_i(u_i): [S, N, A]. */
  readonly agentQ: tf.Tensor
  /** The learner's joint value for each joint action given as one-hots: [S, J]. */
  readonly qTot: tf.Tensor
}

/** One learner, built for a game, a config and its replicas. */
export interface DiscreteLearner extends Learner<DiscreteAlgo, TrainingSettings> {
  /** One replica's parameters. */
  readonly layout: ParamLayout
  /**
   * The loss to minimise at `step` (environment steps so far): Σ_s of replica s's mean loss
   * over its batch, so that each replica's gradient is its own loss's.
   */
  readonly loss: (params: Readonly<Record<string, tf.Tensor>>, game: DiscreteGameTensors, batch: DiscreteBatch, step: number) => tf.Scalar
  /** Q_i and Q_tot for joint actions [S, J, N, A] (one-hot) at `step`. */
  readonly evaluate: (
    params: Readonly<Record<string, tf.Tensor>>,
    game: DiscreteGameTensors,
    jointActions: tf.Tensor,
    step: number
  ) => Evaluation
}

/**
 * The shared agent network (parameter sharing across agents, told apart by the one-hot id
 * in the observation). PyMARL's agent is fc → GRU → fc; an episode here is one step from
 * h = 0, where the GRU is a fixed function of its input, so a two-layer MLP stands in for it.
 */
export const agentSpecs = (shape: DiscreteShape, hidden: number): Array<ParamSpec> =>
  mlpSpecs("agent", [shape.obsDim, hidden, shape.actions])

/** Q_i(τ_i, ·) for every agent: [S, N, A]. */
export const agentQ = (params: Readonly<Record<string, tf.Tensor>>, game: DiscreteGameTensors): tf.Tensor =>
  mlp(game.obs, params, "agent", 2) // [S, N, A]

/** Σ_s Σ_m weight · err², the sum over replicas of each one's batch mean: err, weight [S, M] → scalar. */
export const weightedSquares = (err: tf.Tensor, weight: tf.Tensor): tf.Scalar =>
  tf.sum(tf.mul(weight, tf.square(err))) as tf.Scalar

/** Σ of err² over everything: for terms that are one value per replica. */
export const sumOfSquares = (err: tf.Tensor): tf.Scalar => tf.sum(tf.square(err)) as tf.Scalar
