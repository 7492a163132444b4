/**
 * Soft values over a discrete action set, as tensors (Eq. 5 and Section 3.3's discrete
 * simplification):
 *
 *   V_i = α · log Σ_u exp(Q_i(u) / α)
 *
 * α may differ per replica (FSV's α0 variants are trained side by side): pass it with a
 * shape that broadcasts against Q without its last axis, e.g. [S, 1] for Q [S, N, A].
 * Unavailable actions are excluded by an additive mask on Q/α (0 for available,
 * `UNAVAILABLE` for not), so they carry no probability.
 */
import * as tf from "@tensorflow/tfjs"
import { withoutTape } from "./stopGradient.ts"

/** Added to Q/α of an unavailable action: exp of it is exactly 0 in float32. */
export const UNAVAILABLE = -1e30

/**
 * log Σ exp(x) over the last axis, as tf.logSumExp computes it (m + log Σ exp(x − m), m the
 * max), with m a constant to the gradient. The gradient is then exactly softmax(x); tfjs's
 * own routes a term that cancels to zero through max's gradient, an Equal on the broadcast
 * max that the wasm backend runs element by element (20 ms on a SMAC batch's Q values).
 */
const logSumExp = (x: tf.Tensor): tf.Tensor => {
  const m = withoutTape(() => tf.max(x, -1, true)) // [..., 1]
  const d = tf.log(tf.sum(tf.exp(tf.sub(x, m)), -1)) // [...]
  return tf.add(tf.reshape(m, d.shape), d)
}

/** V = α log Σ exp(Q/α) over the last axis: Q [..., A], α broadcastable to [...] → [...]. */
export const softValues = (q: tf.Tensor, alpha: tf.Tensor, mask?: tf.Tensor): tf.Tensor => {
  const a = tf.expandDims(alpha, -1) // [..., 1]
  const logits = tf.div(q, a) // Q/α: [..., A]
  return tf.mul(alpha, logSumExp(mask ? tf.add(logits, mask) : logits)) // Eq. 5's partition function: [...]
}
