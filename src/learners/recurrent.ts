/**
 * What every recurrent learner shares (PyMARL's QLearner shape): a batch of padded episodes as
 * tensors, the shared GRU agent unrolled over it, the PyMARL settings, and the contract a
 * learner fulfils for the training loop (`pipelines/smac/train.ts`).
 *
 * One learner run is one (algo, map, seed): the replica dimension S of `src/nn` is 1, and the
 * mixers of the matrix issue are reused with every (t, b) pair as one row M = T·B of states.
 *
 * Loss (PyMARL): the masked mean of the squared TD error over real steps,
 *   L = Σ_{t,b} mask · (Q_tot(τ_t, u_t) − y_t)² / Σ mask,
 * with y_t built from the target network (copied every `targetUpdateEpisodes` episodes) and
 * no gradient through it.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { gruAgentSpecs, gruAgentUnroll, type GruAgentShape } from "../nn/gru.ts"
import type { ParamLayout, ParamSpec } from "../nn/params.ts"
import { UNAVAILABLE } from "../nn/softValue.ts"
import { lambdaReturns } from "../core/bellman.ts"
import { chosenQ } from "../nn/chosenQ.ts"
import { withoutTape } from "../nn/stopGradient.ts"
import { type ArraySource, fresh } from "../nn/scratch.ts"
import { defaultTraining, type Learner, TrainingFields, type TrainingSettings } from "./Learner.ts"

/** The sizes of a SMAC-lite task as the agents and the mixers see them. */
export interface EpisodeShape {
  /** N. */
  readonly agents: number
  /** A. */
  readonly actions: number
  readonly obsDim: number
  readonly stateDim: number
}

/** Width of an agent's network input: obs ⊕ last action ⊕ id. */
export const inputDim = (s: EpisodeShape): number => s.obsDim + s.actions + s.agents

/** A padded, time-major batch of episodes as flat arrays (what the buffer samples, what `batchTensors` reads). */
export interface EpisodeBatchData {
  readonly T: number
  readonly B: number
  /** Agent inputs, [(T + 1), B, N, inputDim]. */
  readonly inputs: Float32Array
  /** States, [(T + 1), B, stateDim]. */
  readonly state: Float32Array
  /** 1 where available, [(T + 1), B, N, A]. */
  readonly avail: Uint8Array
  /** Actions, [T, B, N]. */
  readonly actions: Int32Array
  /** Rewards, [T, B]. */
  readonly reward: Float32Array
  /** 1 at a step that ended its episode for real, [T, B]. */
  readonly terminated: Float32Array
  /** 1 on real steps, 0 on padding, [T, B]. */
  readonly mask: Float32Array
}

export const RECURRENT_ALGOS = ["vdn", "qmix", "qtran", "fsv"] as const
export type RecurrentAlgo = (typeof RECURRENT_ALGOS)[number]

export const RECURRENT_OPTIMIZERS = ["rmsprop", "adam"] as const
export type RecurrentOptimizer = (typeof RECURRENT_OPTIMIZERS)[number]

/** PyMARL's SMAC defaults (src/config/default.yaml and the algorithms' yaml files). */
export const RecurrentTrainingFields = {
  ...TrainingFields,
  /** Discount γ (PyMARL gamma). */
  gamma: Schema.Number,
  /** Episodes between copies of the network into the target network (PyMARL target_update_interval). */
  targetUpdateEpisodes: Schema.Int,
  /**
   * λ of the TD(λ) targets over each episode (pymarl2 td_lambda; `lambdaReturns` in
   * src/core/bellman.ts). 0, the default, is PyMARL's one-step target; pymarl2 uses 0.6 for
   * QMIX.
   */
  tdLambda: Schema.Number.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  /**
   * "rmsprop" (PyMARL's, with rmsAlpha and rmsEps) or "adam" (pymarl2's: PyTorch's Adam, β
   * 0.9/0.999, ε 1e-8, at `lr`); both after clipping the gradient to `gradNormClip`.
   */
  optimizer: Schema.Literals(RECURRENT_OPTIMIZERS)
}

export const defaultRecurrentTraining = {
  ...defaultTraining,
  gamma: 0.99,
  targetUpdateEpisodes: 200,
  tdLambda: 0,
  optimizer: "rmsprop"
} as const

export interface RecurrentTraining extends TrainingSettings {
  readonly gamma: number
  readonly targetUpdateEpisodes: number
  readonly tdLambda: number
  readonly optimizer: RecurrentOptimizer
}

/** How a learner acts while training (testing is always greedy). */
export type RecurrentExploration =
  | { readonly kind: "epsilon-greedy" }
  /**
   * FSV: u_i ~ π_i ∝ exp((Q_i − V_i)/α) over available actions (Eq. 5), with α = `alphaAt(tEnv)`
   * after tEnv environment steps (FSV owns its schedule: `./fsv/temperature.ts`).
   */
  | { readonly kind: "energy"; readonly alphaAt: (tEnv: number) => number }

/** The batch as tensors (time-major, S = 1 folded away where `src/nn` does not need it). */
export interface SeqBatch {
  readonly T: number
  readonly B: number
  /** Agent inputs, t = 0 … T: [T + 1, B·N, inputDim]. */
  readonly inputs: tf.Tensor
  /** States at t = 0 … T − 1 (rows t·B + b): [1, T·B, stateDim]. */
  readonly state: tf.Tensor
  /** States at t = 1 … T: [1, T·B, stateDim]. */
  readonly nextState: tf.Tensor
  /** 0 where available, UNAVAILABLE elsewhere, t = 0 … T: [T + 1, B, N, A]. */
  readonly unavailable: tf.Tensor
  /** One-hot actions: [T, B, N, A]. */
  readonly actions: tf.Tensor
  readonly reward: tf.Tensor
  readonly terminated: tf.Tensor
  /** [T, B]. */
  readonly mask: tf.Tensor
}

/** Per-update settings that change during a run. */
export interface UpdateContext {
  /** FSV's temperature α at this point of the run. */
  readonly alpha: number
  /**
   * Gumbel(0, 1) noise for sampling next actions u' ~ π (FSV's Eq. 16 target), [T, B, N, A],
   * drawn from the run's seeded "learn" stream; undefined for learners that do not sample.
   */
  readonly gumbel: tf.Tensor | undefined
}

/** A function of the network's parameters, the target network's, a batch and the update's context. */
export type OnBatch<R> = (
  params: Readonly<Record<string, tf.Tensor>>,
  target: Readonly<Record<string, tf.Tensor>>,
  batch: SeqBatch,
  ctx: UpdateContext
) => R

export interface RecurrentLearner extends Learner<RecurrentAlgo, RecurrentTraining> {
  readonly layout: ParamLayout
  readonly exploration: RecurrentExploration
  /** Whether `UpdateContext.gumbel` is needed. */
  readonly samplesNextActions: boolean
  /** The per-step TD targets y [T, B] (no gradient). */
  readonly targets: OnBatch<tf.Tensor>
  /** The loss to minimise (call inside variableGrads). */
  readonly loss: OnBatch<tf.Scalar>
}

export const agentShape = (shape: EpisodeShape, hidden: number): GruAgentShape => ({
  inputs: inputDim(shape),
  hidden,
  actions: shape.actions
})

export const recurrentAgentSpecs = (shape: EpisodeShape, hidden: number): Array<ParamSpec> =>
  gruAgentSpecs("agent", agentShape(shape, hidden))

/**
 * Upload a batch. The caller disposes (e.g. inside tf.tidy), before `arrays` (a `Scratch`,
 * whose memory the uploaded arrays may share on the native backend) is used again.
 */
export const batchTensors = (shape: EpisodeShape, data: EpisodeBatchData, arrays: ArraySource = fresh): SeqBatch => {
  const { T, B } = data
  const { agents: N, actions: A, stateDim: SD } = shape
  const unavailable = arrays.f32("tensors.unavailable", data.avail.length)
  for (let k = 0; k < unavailable.length; k++) unavailable[k] = data.avail[k] === 1 ? 0 : UNAVAILABLE
  const oneHot = arrays.f32("tensors.oneHot", T * B * N * A)
  for (let k = 0; k < data.actions.length; k++) oneHot[k * A + data.actions[k]!] = 1
  return {
    T,
    B,
    inputs: tf.tensor3d(data.inputs, [T + 1, B * N, inputDim(shape)]),
    state: tf.tensor3d(data.state.subarray(0, T * B * SD), [1, T * B, SD]),
    nextState: tf.tensor3d(data.state.subarray(B * SD), [1, T * B, SD]),
    unavailable: tf.tensor4d(unavailable, [T + 1, B, N, A]),
    actions: tf.tensor4d(oneHot, [T, B, N, A]),
    reward: tf.tensor2d(data.reward, [T, B]),
    terminated: tf.tensor2d(data.terminated, [T, B]),
    mask: tf.tensor2d(data.mask, [T, B])
  }
}

export const disposeBatch = (b: SeqBatch): void =>
  tf.dispose([b.inputs, b.state, b.nextState, b.unavailable, b.actions, b.reward, b.terminated, b.mask])

/** Q_i(τ_i^t, ·) for t = 0 … T and the hidden states h_i^t: [T + 1, B, N, A] and [T + 1, B, N, H]. */
export const agentQs = (
  params: Readonly<Record<string, tf.Tensor>>,
  batch: SeqBatch,
  shape: EpisodeShape,
  hidden: number
): { readonly q: tf.Tensor; readonly hidden: tf.Tensor } => {
  const { T, B } = batch
  const { agents: N, actions: A } = shape
  const out = gruAgentUnroll(batch.inputs, params, "agent", agentShape(shape, hidden)) // [T+1, B·N, ·]
  return {
    q: tf.reshape(out.q, [T + 1, B, N, A]), // [T+1, B, N, A]
    hidden: tf.reshape(out.hidden, [T + 1, B, N, hidden]) // [T+1, B, N, H]
  }
}

/** Steps 0 … T − 1 and 1 … T of a [T + 1, …] tensor. */
export const current = (x: tf.Tensor, T: number): tf.Tensor => tf.slice(x, 0, T)
export const next = (x: tf.Tensor, T: number): tf.Tensor => tf.slice(x, 1, T)

/** One-hot of argmax over available actions (ties: lowest index): q, unavailable [T, B, N, A] → [T, B, N, A]. */
export const greedyOneHot = (q: tf.Tensor, unavailable: tf.Tensor): tf.Tensor =>
  tf.oneHot(tf.argMax(tf.add(q, unavailable), 3), q.shape[3]!) // [T, B, N, A]

/**
 * The TD targets from the bootstrap values `nextValue` (of the state after each step), all [T, B]:
 * y = r + γ (1 − terminated) · next for λ = 0, else the λ-return over each episode
 * (`lambdaReturns`, computed in float64 on the CPU from the values read back; no gradient).
 */
export const tdTarget = (batch: SeqBatch, gamma: number, nextValue: tf.Tensor, lambda: number): tf.Tensor => {
  if (lambda === 0) return tf.add(batch.reward, tf.mul(tf.mul(tf.sub(1, batch.terminated), gamma), nextValue)) // [T, B]
  const { T, B } = batch
  const returns = lambdaReturns({
    T,
    B,
    reward: batch.reward.dataSync(),
    terminated: batch.terminated.dataSync(),
    mask: batch.mask.dataSync(),
    next: nextValue.dataSync(),
    gamma,
    lambda
  })
  return tf.tensor2d(Float32Array.from(returns), [T, B]) // G_t^λ: [T, B]
}

/** Σ mask (x − y)² / Σ mask: the masked mean squared TD error. */
export const maskedMse = (x: tf.Tensor, y: tf.Tensor, mask: tf.Tensor): tf.Scalar =>
  tf.div(tf.sum(tf.mul(tf.square(tf.sub(x, y)), mask)), tf.sum(mask)) as tf.Scalar

/** [T, B] from a mixer's [1, T·B] output. */
export const unfold = (x: tf.Tensor, batch: SeqBatch): tf.Tensor => tf.reshape(x, [batch.T, batch.B])

/** Chosen Q_i [T, B, N] as the mixers' rows [1, T·B, N]. */
export const fold = (x: tf.Tensor, batch: SeqBatch): tf.Tensor => tf.reshape(x, [1, batch.T * batch.B, x.shape[2]!])

/**
 * A value-factorization learner trained on PyMARL's double-Q TD target through `mix` (VDN and
 * QMIX on episodes; `mixer: vdn | qmix`, `double_q: True`):
 *
 *   y_t = r_t + γ (1 − terminated_t) Q̄_tot(τ_{t+1}, ū_{t+1}; s_{t+1}),
 *   ū_{t+1,i} = argmax over available u of Q_i(τ_{t+1,i}, u)       (the current network picks)
 */
export const makeDoubleQLearner = (
  algo: "vdn" | "qmix",
  shape: EpisodeShape,
  config: RecurrentTraining & { readonly agentHidden: number },
  layout: ParamLayout,
  mix: (params: Readonly<Record<string, tf.Tensor>>, chosen: tf.Tensor, state: tf.Tensor, batch: SeqBatch) => tf.Tensor
): RecurrentLearner => {
  const H = config.agentHidden
  const build = (params: Readonly<Record<string, tf.Tensor>>, target: Readonly<Record<string, tf.Tensor>>, batch: SeqBatch) => {
    const { T } = batch
    const q = agentQs(params, batch, shape, H).q // [T+1, B, N, A]
    const y = withoutTape(() => {
      const qTarget = agentQs(target, batch, shape, H).q // Q̄_i: [T+1, B, N, A]
      const greedy = greedyOneHot(next(q, T), next(batch.unavailable, T)) // ū_{t+1}: [T, B, N, A]
      const nextChosen = chosenQ(next(qTarget, T), greedy) // Q̄_i(τ_{t+1}, ū_{t+1}): [T, B, N]
      return tdTarget(batch, config.gamma, mix(target, nextChosen, batch.nextState, batch), config.tdLambda) // [T, B]
    })
    const qTot = mix(params, chosenQ(current(q, T), batch.actions), batch.state, batch) // Q_tot(τ_t, u_t): [T, B]
    return { qTot, y }
  }
  return {
    algo,
    layout,
    training: config,
    exploration: { kind: "epsilon-greedy" },
    samplesNextActions: false,
    targets: (params, target, batch) => build(params, target, batch).y,
    loss: (params, target, batch) => {
      const { qTot, y } = build(params, target, batch)
      return maskedMse(qTot, y, batch.mask)
    }
  }
}
