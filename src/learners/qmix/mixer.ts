/**
 * QMIX's monotonic mixer (Rashid et al. 2018; PyMARL's QMixer) over S replicas.
 *
 * Hypernetworks of the state give the mixing weights, made non-negative by |·| so that
 * ∂Q_tot/∂Q_i ≥ 0 (Eq. 2):
 *
 *   hidden = elu(Σ_i Q_i |W1(s)|_{i,·} + b1(s))      [E]
 *   Q_tot  = hidden · |w2(s)| + b2(s)
 *
 * W1 and w2 come from hypernetworks with `hypernetLayers` layers (2 in PyMARL's SMAC
 * configs: state → hypernetEmbed → ReLU → out), b1 from one linear layer and b2 (PyMARL's
 * `V`) from state → embed → ReLU → 1.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { linear, mlp } from "../../nn/dense.ts"
import { linearSpecs, mlpSpecs, type ParamSpec } from "../../nn/params.ts"

export interface QmixMixerShape {
  /** N, the number of agents. */
  readonly agents: number
  /** Size of the state features. */
  readonly stateDim: number
  /** E, the mixing embedding (PyMARL mixing_embed_dim). */
  readonly embed: number
  /** Hidden units of the weight hypernetworks (PyMARL hypernet_embed). */
  readonly hypernetEmbed: number
  /** 1 (state → weights) or 2 (state → hypernetEmbed → ReLU → weights). */
  readonly hypernetLayers: 1 | 2
}

const hyperSizes = (shape: QmixMixerShape, out: number): Array<number> =>
  shape.hypernetLayers === 1 ? [shape.stateDim, out] : [shape.stateDim, shape.hypernetEmbed, out]

/** The QMIX mixer's hyperparameters, as config fields of every learner that mixes with it. */
export const QmixMixerFields = {
  /** Width of the mixing layer (PyMARL mixing_embed_dim). */
  mixingEmbed: Schema.Int,
  /** Hidden units of the weight hypernetworks (PyMARL hypernet_embed). */
  hypernetEmbed: Schema.Int,
  /** Layers of the weight hypernetworks, 1 or 2 (PyMARL hypernet_layers). */
  hypernetLayers: Schema.Literals([1, 2])
}

/** PyMARL's defaults for those fields. */
export const defaultQmixMixerFields = { mixingEmbed: 32, hypernetEmbed: 64, hypernetLayers: 2 } as const

/** The mixer's shape for `agents` agents over a state of `stateDim` features. */
export const qmixMixerShape = (
  agents: number,
  stateDim: number,
  config: { readonly mixingEmbed: number; readonly hypernetEmbed: number; readonly hypernetLayers: 1 | 2 }
): QmixMixerShape => ({
  agents,
  stateDim,
  embed: config.mixingEmbed,
  hypernetEmbed: config.hypernetEmbed,
  hypernetLayers: config.hypernetLayers
})

export const qmixMixerSpecs = (name: string, shape: QmixMixerShape): Array<ParamSpec> => [
  ...mlpSpecs(`${name}.hyperW1`, hyperSizes(shape, shape.agents * shape.embed)),
  ...linearSpecs(`${name}.hyperB1`, shape.stateDim, shape.embed),
  ...mlpSpecs(`${name}.hyperW2`, hyperSizes(shape, shape.embed)),
  ...mlpSpecs(`${name}.hyperB2`, [shape.stateDim, shape.embed, 1])
]

/** The hypernetworks' outputs for M states (M = 1 broadcasts over the batch). */
export interface QmixWeights {
  /** |W1(s)|: [S, M, N, E]. */
  readonly w1: tf.Tensor
  /** b1(s): [S, M, E]. */
  readonly b1: tf.Tensor
  /** |w2(s)|: [S, M, E]. */
  readonly w2: tf.Tensor
  /** b2(s): [S, M]. */
  readonly b2: tf.Tensor
}

/** The mixing weights for states [S, M, stateDim]. */
export const qmixWeights = (
  state: tf.Tensor,
  params: Readonly<Record<string, tf.Tensor>>,
  name: string,
  shape: QmixMixerShape
): QmixWeights => {
  const [S, M] = state.shape as [number, number, number]
  const layers = shape.hypernetLayers
  const w1 = tf.reshape(tf.abs(mlp(state, params, `${name}.hyperW1`, layers)), [S, M, shape.agents, shape.embed]) // [S, M, N, E]
  const b1 = linear(state, params[`${name}.hyperB1.w`]!, params[`${name}.hyperB1.b`]!) // [S, M, E]
  const w2 = tf.abs(mlp(state, params, `${name}.hyperW2`, layers)) // [S, M, E]
  const b2 = tf.reshape(mlp(state, params, `${name}.hyperB2`, 2), [S, M]) // [S, M]
  return { w1, b1, w2, b2 }
}

/** Q_tot [S, B] from chosen Q_i [S, B, N] and weights for M = 1 or M = B states. */
export const qmixMixBatched = (q: tf.Tensor, weights: QmixWeights): tf.Tensor => {
  const [S, B, N] = q.shape as [number, number, number]
  const M = weights.w1.shape[1]!
  const E = weights.w1.shape[3]!
  const preact = M === 1
    ? tf.matMul(q, tf.reshape(weights.w1, [S, N, E])) // [S, B, E]
    : tf.sum(tf.mul(tf.reshape(q, [S, B, N, 1]), weights.w1), 2) // [S, B, E]
  const hidden = tf.elu(tf.add(preact, weights.b1)) // [S, B, E]
  return tf.add(tf.sum(tf.mul(hidden, weights.w2), 2), weights.b2) // [S, B]
}
