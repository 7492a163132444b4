/**
 * Q_i(τ_i, u_i) of one-hot actions: Σ_u Q_i(u) · onehot(u_i)(u) over the last axis.
 */
import * as tf from "@tensorflow/tfjs"

/** q [..., A] and one-hot actions [..., A], broadcastable to each other → [...]. */
export const chosenQ = (q: tf.Tensor, actions: tf.Tensor): tf.Tensor => tf.sum(tf.mul(q, actions), -1) // [...]
