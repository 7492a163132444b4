/**
 * Adam (Kingma & Ba 2015, PyTorch's `torch.optim.Adam` with default β and ε) over S
 * independent replicas held in one [S, P] tensor. Every operation is element-wise, so each
 * replica is updated exactly as it would be alone.
 *
 *   m ← β1 m + (1 − β1) g
 *   v ← β2 v + (1 − β2) g²
 *   θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 *
 * `adamStep` runs on tensors (the quadratics learners); `adamStepArrays` on plain arrays with
 * PyTorch's `clip_grad_norm_` first, in float64 stored as float32, as `rmspropStep` does (the
 * SMAC learners with `optimizer: "adam"`, pymarl2's choice).
 */
import * as tf from "@tensorflow/tfjs"
import type { ParamLayout } from "./params.ts"
import { clipCoefficient } from "./rmsprop.ts"

export interface AdamSettings {
  readonly lr: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
}

export const defaultAdam = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const

/**
 * One update (the t-th, t ≥ 1) of `params` [S, P] with first and second moments `m`, `v`
 * [S, P] from `grad` [S, P]. Call inside tf.tidy.
 */
export const adamStep = (
  params: tf.Variable,
  m: tf.Variable,
  v: tf.Variable,
  grad: tf.Tensor,
  t: number,
  { lr, beta1, beta2, eps }: AdamSettings
): void => {
  const m1 = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1)) // [S, P]
  const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2)) // [S, P]
  m.assign(m1)
  v.assign(v1)
  const mHat = tf.div(m1, 1 - beta1 ** t) // [S, P]
  const vHat = tf.div(v1, 1 - beta2 ** t) // [S, P]
  params.assign(tf.sub(params, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), lr))) // [S, P]
}

/**
 * The t-th update (t ≥ 1), in place, of the flat parameters and moments `m`, `v` of S replicas
 * laid out by `layout`, from gradients in the same layout, each replica's gradient clipped to
 * 2-norm `gradNormClip` first. Returns each replica's gradient norm before clipping.
 */
export const adamStepArrays = (
  layout: ParamLayout,
  S: number,
  params: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grad: ArrayLike<number>,
  t: number,
  { lr, beta1, beta2, eps, gradNormClip }: AdamSettings & { readonly gradNormClip: number }
): Array<number> => {
  const norms: Array<number> = []
  const correction1 = 1 - beta1 ** t
  const correction2 = 1 - beta2 ** t
  for (let s = 0; s < S; s++) {
    const blocks = layout.blocks(S, s)
    const { norm, coef } = clipCoefficient(blocks, grad, gradNormClip)
    norms.push(norm)
    for (const [start, n] of blocks) {
      for (let j = start; j < start + n; j++) {
        const g = grad[j]! * coef
        const mj = beta1 * m[j]! + (1 - beta1) * g
        const vj = beta2 * v[j]! + (1 - beta2) * g * g
        m[j] = mj
        v[j] = vj
        params[j] = params[j]! - lr * ((mj / correction1) / (Math.sqrt(vj / correction2) + eps))
      }
    }
  }
  return norms
}
