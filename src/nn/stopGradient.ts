/**
 * sg(x): the value of x with no gradient flowing back through it. tfjs has no such op;
 * a custom gradient of zeros stands in for it (used by Eq. 33's stop-gradient form).
 */
import * as tf from "@tensorflow/tfjs"

const sg = tf.customGrad((...inputs) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)]
}))

/** The value of `x`, seen as a constant by tf.grad. */
export const stopGradient = <T extends tf.Tensor>(x: T): T => sg(x) as T
