/**
 * The learner contract: what every learner of every experiment is.
 *
 * A learner is the algorithm alone: its parameters' layout, its training settings and its
 * losses as pure functions of tensors. It never steps an environment, owns no buffer and
 * draws no random numbers of its own: the experiment's trainer (`pipelines/<experiment>/train.ts`)
 * does, and calls the learner. The data it learns from has three forms, each a contract that
 * extends this one:
 *
 * | contract | data | experiments | file |
 * |---|---|---|---|
 * | `DiscreteLearner` | one-step episodes of S replicas side by side, one loss | matrix games | `./discrete.ts` |
 * | `ContinuousLearner` | one-step episodes, actor-critic parameter groups, one loss per group | Max of Two Quadratics | `./continuous.ts` |
 * | `RecurrentLearner` | padded batches of whole episodes, GRU agents, a target network | SMAC-lite | `./recurrent.ts` |
 *
 * Each algorithm has one folder (`./fsv/`, `./qmix/`, `./qtran/`, `./vdn/`, `./maddpg/`) with one
 * file per data form, and what is the algorithm's own (FSV's factorization, QMIX's mixer,
 * QTRAN's joint networks) written once in that folder.
 */
import { Schema } from "effect"
import type { RmsPropSettings } from "../nn/rmsprop.ts"

/** What every learner is. */
export interface Learner<Algo extends string, Training> {
  /** The algorithm's name, as the CLI and the artifacts spell it. */
  readonly algo: Algo
  /** Its training settings (optimiser, batch, buffer, network width). */
  readonly training: Training
}

/**
 * PyMARL's defaults, shared by the matrix and SMAC learners (Appendix 7.2: "others are the
 * default settings in PyMARL"; PyMARL src/config/default.yaml).
 */
export const TrainingFields = {
  /** RMSProp learning rate (PyMARL lr). */
  lr: Schema.Number,
  /** RMSProp squared-gradient decay (PyMARL optim_alpha). */
  rmsAlpha: Schema.Number,
  /** RMSProp ε, added outside the square root as in PyTorch (PyMARL optim_eps). */
  rmsEps: Schema.Number,
  /** Largest gradient 2-norm, per seed (PyMARL grad_norm_clip). */
  gradNormClip: Schema.Number,
  /** Episodes per update (PyMARL batch_size). */
  batchSize: Schema.Int,
  /** Replay buffer capacity in episodes, oldest dropped first (PyMARL buffer_size). */
  bufferSize: Schema.Int,
  /** Hidden units of the shared agent network (PyMARL rnn_hidden_dim). */
  agentHidden: Schema.Int
}

export const defaultTraining = {
  lr: 5e-4,
  rmsAlpha: 0.99,
  rmsEps: 1e-5,
  gradNormClip: 10,
  batchSize: 32,
  bufferSize: 5000,
  agentHidden: 64
} as const

export interface TrainingSettings {
  readonly lr: number
  readonly rmsAlpha: number
  readonly rmsEps: number
  readonly gradNormClip: number
  readonly batchSize: number
  readonly bufferSize: number
  readonly agentHidden: number
}

export const rmspropSettings = (c: TrainingSettings): RmsPropSettings => ({
  lr: c.lr,
  rho: c.rmsAlpha,
  eps: c.rmsEps,
  gradNormClip: c.gradNormClip
})
