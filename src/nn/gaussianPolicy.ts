/**
 * The squashed Gaussian policy of SAC (Haarnoja et al. 2018, Appendix C), as FSV's
 * individual policy network π_i(u_i | τ_i) for bounded continuous actions (Section 3.3,
 * Figure 2: the policy network "produces a distribution (e.g. mean and standard deviation
 * of Gaussian distribution)").
 *
 *   z ~ N(μ, σ²),   u = bound · tanh(z)
 *   log π(u) = log N(z; μ, σ²) − log(bound · (1 − tanh²(z)))        (change of variables)
 *
 * log(1 − tanh²(z)) is computed as 2 (log 2 − z − softplus(−2z)), which is exact and
 * does not underflow for large |z|. The network's raw log σ output is squashed into
 * [LOG_STD_MIN, LOG_STD_MAX] with tanh (CleanRL's SAC), so σ stays in [e⁻⁵, e²].
 *
 * Actions are handled in normalised units a = tanh(z) ∈ (−1, 1) everywhere in the
 * learners; the `bound` term of the Jacobian makes log π a density over the environment's
 * actions u = bound · a, so that entropies and the target entropy are in those units.
 */
import * as tf from "@tensorflow/tfjs"

export const LOG_STD_MIN = -5
export const LOG_STD_MAX = 2

/** log σ from the network's raw output: LOG_STD_MIN + (LOG_STD_MAX − LOG_STD_MIN)(tanh(raw) + 1)/2. */
export const squashLogStd = (raw: tf.Tensor): tf.Tensor =>
  tf.add(LOG_STD_MIN, tf.mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN), tf.add(tf.tanh(raw), 1)))

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI)

export interface SquashedSample {
  /** a = tanh(z), the action in normalised units (−1, 1). */
  readonly action: tf.Tensor
  /** log π(u) of u = bound · a, per action dimension. */
  readonly logProb: tf.Tensor
}

/**
 * Reparameterised samples z = μ + σ ε (so that gradients reach μ and σ) and their
 * log-densities. μ, log σ and ε broadcast against each other; every output has their
 * broadcast shape.
 */
export const squashedGaussian = (mean: tf.Tensor, logStd: tf.Tensor, eps: tf.Tensor, bound: number): SquashedSample => {
  const z = tf.add(mean, tf.mul(tf.exp(logStd), eps)) // z = μ + σ ε
  const gaussian = tf.sub(tf.sub(tf.mul(tf.square(eps), -0.5), logStd), HALF_LOG_2PI) // log N(z; μ, σ²) = −ε²/2 − log σ − log √(2π)
  const logOneMinusTanh2 = tf.mul(tf.sub(tf.sub(Math.log(2), z), tf.softplus(tf.mul(z, -2))), 2) // log(1 − tanh² z)
  return {
    action: tf.tanh(z),
    logProb: tf.sub(gaussian, tf.add(logOneMinusTanh2, Math.log(bound))) // log π(u), u = bound · tanh z
  }
}
