/**
 * What every continuous learner shares: the one-state game as tensors, the batch format,
 * the settings every learner has, the deterministic actor, and the contract a learner
 * fulfils for the training loop (`train.ts`).
 *
 * All tensors carry a leading replica dimension S (one replica per seed), each replica
 * with its own weights. Every agent has its own networks (no parameter sharing): a
 * per-agent layer holds N weight matrices and runs as one batched matMul over S·N
 * (`src/nn/perAgent.ts`).
 *
 * Actions are normalised, a_i = u_i / bound ∈ [−1, 1], wherever they enter a network or
 * the replay buffer; the environment sees u_i = bound · a_i.
 *
 * Targets. The game is one step long (done = 1), so every TD target here is the reward:
 * y = r + γ(1 − done)(…) = r, for FSV's soft target of Eq. 16 and the DDPG critics alike.
 * Target networks and twin critics, which exist to tame bootstrapped targets, are
 * therefore never needed and are not kept.
 */
import * as tf from "@tensorflow/tfjs"
import type { Learner } from "./Learner.ts"
import { Schema } from "effect"
import { ParamLayout, type ParamSpec } from "../nn/params.ts"
import { perAgentMlp, perAgentMlpSpecs } from "../nn/perAgent.ts"

export const CONTINUOUS_ALGOS = ["fsv", "maddpg", "vdn-ddpg", "qmix-ddpg"] as const
export type ContinuousAlgo = (typeof CONTINUOUS_ALGOS)[number]

/** Settings every continuous learner has. */
export const ContinuousTrainingFields = {
  /** Transitions per update, drawn uniformly with replacement from the replay buffer. */
  batchSize: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Replay buffer capacity in transitions, oldest dropped first. */
  bufferSize: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Environment steps with uniformly random actions before the first update (SAC/TD3 "learning starts"). */
  warmupSteps: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Hidden units of every agent network (Table 8: 64): two layers, in → hidden → out. */
  hidden: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Adam learning rate of the actors / policies (Table 8: 3e-4). */
  actorLr: Schema.Number,
  /** Adam learning rate of the critics and mixers (the paper is silent; see docs/quadratics.md for the choice). */
  criticLr: Schema.Number
}

export interface ContinuousTrainingSettings {
  readonly batchSize: number
  readonly bufferSize: number
  readonly warmupSteps: number
  readonly hidden: number
  readonly actorLr: number
  readonly criticLr: number
}

/**
 * Defaults: Table 8 where it speaks (64 hidden units, actor learning rate 3e-4); PyMARL's
 * batch of 32; SAC/TD3's uniform warm-up and large buffer; critic learning rate 3e-3, ten
 * times SAC's 3e-4, chosen by the experiments recorded in docs/quadratics.md (with 3e-4,
 * FSV's individual Q_i barely move within the budget and no seed reaches the optimum).
 */
export const defaultContinuousTraining: ContinuousTrainingSettings = {
  batchSize: 32,
  bufferSize: 100_000,
  warmupSteps: 500,
  hidden: 64,
  actorLr: 3e-4,
  criticLr: 3e-3
}

/** The game's sizes as the networks see them. */
export interface ContinuousShape {
  /** N. */
  readonly agents: number
  /** Size of the state features s (also each agent's observation τ_i). */
  readonly stateDim: number
}

/** The game's constant inputs, built once per run by the training loop. */
export interface ContinuousGameTensors {
  /** The one state s: [S, 1, stateDim]. */
  readonly state: tf.Tensor
  /** Each agent's observation τ_i: [S, N, 1, stateDim]. */
  readonly obs: tf.Tensor
}

/** One update's data. */
export interface ContinuousBatch {
  /** Normalised joint actions a = u / bound: [S, B, N]. */
  readonly actions: tf.Tensor
  /** The shared reward r(u), which is also the TD target (done = 1): [S, B]. */
  readonly reward: tf.Tensor
  /** Standard normal draws for reparameterised policy samples: [S, noiseDraws] (empty when noiseDraws = 0). */
  readonly noise: tf.Tensor
}

/** Parameters of every group, as named views. */
export type GroupParams = Readonly<Record<string, Readonly<Record<string, tf.Tensor>>>>

/** A set of parameters with its own Adam optimizer. */
export interface ParamGroup {
  readonly name: string
  readonly layout: ParamLayout
  readonly lr: number
}

/**
 * One gradient step of an update: `loss` is differentiated with respect to `group` only
 * (every other group is a constant), and that group is updated before the next step runs.
 * A loss is Σ_s of replica s's loss, so that each replica's gradient is its own loss's.
 */
export interface UpdateStep {
  readonly group: string
  readonly loss: (params: GroupParams, game: ContinuousGameTensors, batch: ContinuousBatch) => tf.Scalar
}

/** How a learner acts in the environment. */
export type ContinuousExploration =
  /** Sample a = tanh(μ + σ ε) from the learner's squashed Gaussian (FSV). */
  | { readonly kind: "policy" }
  /** a = clip(tanh(μ) + σ_noise ε, −1, 1), Gaussian action noise around the deterministic actor (DDPG). */
  | { readonly kind: "gaussian"; readonly std: number }

/** The actors' outputs for the one observation. */
export interface PolicyOutput {
  /** Pre-squash mean μ_i: [S, N]; the deterministic action is tanh(μ_i). */
  readonly mean: tf.Tensor
  /** log σ_i of the squashed Gaussian: [S, N]; undefined for deterministic actors. */
  readonly logStd: tf.Tensor | undefined
}

/** One learner, built for a game and a config. */
export interface ContinuousLearner extends Learner<ContinuousAlgo, ContinuousTrainingSettings> {
  /** Parameter groups, in initialisation order. */
  readonly groups: ReadonlyArray<ParamGroup>
  /** The gradient steps of one update, in order. */
  readonly steps: ReadonlyArray<UpdateStep>
  /** Standard normal draws per replica per update (FSV's reparameterised samples). */
  readonly noiseDraws: number
  readonly exploration: ContinuousExploration
  /** The actors, at the current parameters. */
  readonly policy: (params: GroupParams, game: ContinuousGameTensors) => PolicyOutput
  /** Scalars worth logging per replica (e.g. α): name → [S]. */
  readonly diagnostics: (params: GroupParams, game: ContinuousGameTensors) => Readonly<Record<string, tf.Tensor>>
}

/**
 * An agent network: two layers, in → `hidden` → out, ReLU between. Table 8 gives the
 * actor "2 layers, 64 hidden units" and λ's embeddings "2 layers, 64 hidden units", which
 * `src/nn/attentionLambda.ts` reads as in → 64 → embed; the same reading applies here,
 * and the critics and value networks, on which the paper is silent, get the same size.
 */
export const AGENT_NET_LAYERS = 2

export const agentNetSpecs = (name: string, shape: ContinuousShape, inputs: number, outputs: number, hidden: number): Array<ParamSpec> =>
  perAgentMlpSpecs(name, shape.agents, [inputs, hidden, outputs])

/** A deterministic actor μ_i(τ_i) per agent: its pre-tanh output [S, N]. */
export const actorSpecs = (shape: ContinuousShape, hidden: number): Array<ParamSpec> =>
  agentNetSpecs("actor", shape, shape.stateDim, 1, hidden)

export const actorMean = (actor: Readonly<Record<string, tf.Tensor>>, game: ContinuousGameTensors): tf.Tensor => {
  const [S, N] = game.obs.shape as [number, number, number, number]
  return tf.reshape(perAgentMlp(game.obs, actor, "actor", AGENT_NET_LAYERS), [S, N]) // μ_i(τ_i): [S, N]
}

/**
 * Per-agent inputs [τ_i ⊕ x_i] for a per-agent network: obs [S, N, 1, d] repeated over the
 * batch and concatenated with x [S, N, B, k] → [S, N, B, d + k].
 */
export const withObs = (game: ContinuousGameTensors, x: tf.Tensor): tf.Tensor => {
  const [S, N, B] = x.shape as [number, number, number, number]
  const d = game.obs.shape[3]!
  return tf.concat([tf.broadcastTo(game.obs, [S, N, B, d]), x], 3) // [S, N, B, d + k]
}

/** Σ_s mean_b err²: err [S, B] → scalar. */
export const sumOfMeanSquares = (err: tf.Tensor): tf.Scalar =>
  tf.mul(tf.sum(tf.square(err)), 1 / err.shape[1]!) as tf.Scalar

/** Individual critics Q_i(τ_i, a_i) for per-agent actions a [S, B, N] → [S, B, N]. */
export const individualQ = (critic: Readonly<Record<string, tf.Tensor>>, game: ContinuousGameTensors, actions: tf.Tensor): tf.Tensor => {
  const [S, B, N] = actions.shape as [number, number, number]
  const perAgent = tf.reshape(tf.transpose(actions, [0, 2, 1]), [S, N, B, 1]) // a_i: [S, N, B, 1]
  const q = perAgentMlp(withObs(game, perAgent), critic, "q", AGENT_NET_LAYERS) // [S, N, B, 1]
  return tf.transpose(tf.reshape(q, [S, N, B]), [0, 2, 1]) // Q_i(τ_i, a_i): [S, B, N]
}

/** The individual critics' parameters: Q_i(τ_i, a_i), input [τ_i ⊕ a_i]. */
export const individualQSpecs = (shape: ContinuousShape, hidden: number): Array<ParamSpec> =>
  agentNetSpecs("q", shape, shape.stateDim + 1, 1, hidden)

/** Settings of the DDPG-style learners (MADDPG, VDN-DDPG, QMIX-DDPG). */
export const DdpgFields = {
  ...ContinuousTrainingFields,
  /** σ of the Gaussian exploration noise on normalised actions (TD3/CleanRL: 0.1, i.e. 1.0 on [−10, 10]). */
  explorationNoise: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))
}

export const defaultDdpg = { ...defaultContinuousTraining, explorationNoise: 0.1 } as const

/** A deterministic policy's output: μ_i and no σ. */
export const deterministicPolicy = (actor: Readonly<Record<string, tf.Tensor>>, game: ContinuousGameTensors): PolicyOutput => ({
  mean: actorMean(actor, game),
  logStd: undefined
})

/**
 * The actor step of VDN-DDPG and QMIX-DDPG (Appendix 7.2: "an actor for individual agents
 * to maximise the Q-values from their own critic like DDPG"): J = −Σ_i Q_i(τ_i, μ_i(τ_i)).
 */
export const individualActorLoss = (p: GroupParams, game: ContinuousGameTensors): tf.Scalar => {
  const [S, N] = game.obs.shape as [number, number]
  const a = tf.reshape(tf.tanh(actorMean(p["actor"]!, game)), [S, 1, N]) // a_i = tanh(μ_i(τ_i)): [S, 1, N]
  return tf.neg(tf.sum(individualQ(p["critic"]!, game, a))) as tf.Scalar // −Σ_s Σ_i Q_i(τ_i, a_i)
}

/** The settings of a DDPG-style learner. */
export interface DdpgSettings extends ContinuousTrainingSettings {
  readonly explorationNoise: number
}

/**
 * A DDPG-style learner (MADDPG, VDN-DDPG, QMIX-DDPG): a critic group trained by `criticLoss`,
 * then deterministic actors μ_i(τ_i) trained by `actorLoss`, exploring with Gaussian noise of
 * σ = explorationNoise on normalised actions.
 */
export const makeDdpgLearner = (
  algo: ContinuousAlgo,
  shape: ContinuousShape,
  config: DdpgSettings,
  critic: ReadonlyArray<ParamSpec>,
  criticLoss: UpdateStep["loss"],
  actorLoss: UpdateStep["loss"] = individualActorLoss
): ContinuousLearner => ({
  algo,
  training: config,
  groups: [
    { name: "critic", layout: new ParamLayout([...critic]), lr: config.criticLr },
    { name: "actor", layout: new ParamLayout(actorSpecs(shape, config.hidden)), lr: config.actorLr }
  ],
  noiseDraws: 0,
  exploration: { kind: "gaussian", std: config.explorationNoise },
  steps: [
    { group: "critic", loss: criticLoss },
    { group: "actor", loss: actorLoss }
  ],
  policy: (p, game) => deterministicPolicy(p["actor"]!, game),
  diagnostics: () => ({})
})
