/**
 * FSV's factorization of Q_tot, written once for the matrix, quadratics and SMAC learners:
 *
 *   V_tot = Σ_i w_i(s) V_i + b(s),  w ≥ 0                                 (Eq. 13)
 *   Q_tot = Σ_i λ_i (Q_i − V_i) + V_tot                                   (Eq. 7)
 *
 * trained through the stop-gradient form of Eq. 33,
 *
 *   Q_tot = Σ_i λ_i (Q_i − V_i) + V_tot − Σ_i Q_i + Σ_i Q_i,
 *
 * whose value is Eq. 7's and whose gradient is ∂Q_tot/∂Q_i = 1, ∂Q_tot/∂λ_i = Q_i − V_i.
 * "Stop all the gradients except for λ_i and the last term Q_i", read literally, leaves w and
 * b of V_tot without any gradient, so which parameters the stop-gradients spare is a choice,
 * `gradients`:
 *   "eq33"        λ_i · sg(Q_i − V_i) + Σ_i w_i sg(V_i) + b − sg(Σ Q_i) + Σ Q_i: gradients reach
 *                 λ, w, b and (through the last term only) Q_i. FOP's published code trains
 *                 its V(s) the same way. The default of every learner.
 *   "eq33-strict" as "eq33" with V_tot stopped as well: w and b keep their initial values.
 *   "eq7"         no stop-gradient at all (gradients through V_i and V_tot into Q_i too).
 *
 * The float64 reference of Eq. 7 and Eq. 33 term by term, with no tensors, is
 * `src/core/factorization.ts`; the tests hold this function to it.
 */
import * as tf from "@tensorflow/tfjs"
import { stopGradient } from "../../nn/stopGradient.ts"

/** Where Eq. 33's stop-gradients apply (see the file header). */
export const FSV_GRADIENTS = ["eq33", "eq33-strict", "eq7"] as const
export type FsvGradients = (typeof FSV_GRADIENTS)[number]

/**
 * The terms of Eq. 7 for a batch of joint actions, over any leading axes `[...]` (the matrix
 * learner's [S, M], the quadratics learner's [S, B], the SMAC learner's [T, B]) and N agents.
 */
export interface FsvMixInputs {
  /** Q_i(τ_i, u_i) of the chosen actions: [..., N]. */
  readonly chosen: tf.Tensor
  /** V_i(τ_i): broadcastable to [..., N]. */
  readonly v: tf.Tensor
  /** λ_i(s, u) > 0 (Eq. 14–15): [..., N]. */
  readonly lambda: tf.Tensor
  /** w_i(s) ≥ 0 of V_tot (Eq. 13): broadcastable to [..., N]. */
  readonly w: tf.Tensor
  /** b(s) of V_tot (Eq. 13): broadcastable to [...]. */
  readonly b: tf.Tensor
  readonly gradients: FsvGradients
}

/** Q_tot (Eq. 7, trained through Eq. 33 unless gradients = "eq7"): [...]. */
export const fsvMix = ({ chosen, v, lambda, w, b, gradients }: FsvMixInputs): tf.Tensor => {
  const stop = gradients !== "eq7"
  const sg = (t: tf.Tensor): tf.Tensor => (stop ? stopGradient(t) : t)
  const advantage = sg(tf.sub(chosen, v)) // Q_i − V_i: [..., N]
  const vTotFull = tf.add(tf.sum(tf.mul(w, sg(v)), -1), b) // Eq. 13: [...] or broadcastable to it
  const vTot = gradients === "eq33-strict" ? stopGradient(vTotFull) : vTotFull
  const lambdaTerm = tf.sum(tf.mul(lambda, advantage), -1) // Σ_i λ_i (Q_i − V_i): [...]
  if (!stop) return tf.add(lambdaTerm, vTot) // Eq. 7: [...]
  const sumQ = tf.sum(chosen, -1) // Σ_i Q_i: [...]
  return tf.add(tf.add(lambdaTerm, vTot), tf.sub(sumQ, stopGradient(sumQ))) // Eq. 33: Eq. 7's value, ∂/∂Q_i = 1: [...]
}
