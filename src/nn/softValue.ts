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

/** Added to Q/α of an unavailable action: exp of it is exactly 0 in float32. */
export const UNAVAILABLE = -1e30

/** V = α log Σ exp(Q/α) over the last axis: Q [..., A], α broadcastable to [...] → [...]. */
export const softValue = (q: tf.Tensor, alpha: tf.Tensor, mask?: tf.Tensor): tf.Tensor => {
  const a = tf.expandDims(alpha, -1) // [..., 1]
  const logits = tf.div(q, a) // Q/α: [..., A]
  return tf.mul(alpha, tf.logSumExp(mask ? tf.add(logits, mask) : logits, -1)) // Eq. 5's partition function: [...]
}
