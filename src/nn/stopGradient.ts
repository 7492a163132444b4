/**
 * sg(x): the value of x with no gradient flowing back through it. tfjs has no such op;
 * a custom gradient of zeros stands in for it (used by FSV's factorization, `src/learners/fsv/factorization.ts`).
 *
 * `withoutTape(f)` is sg for a whole computation, and cheaper: tfjs records nothing on its
 * gradient tape while it runs a custom op's forward function, so the ops of `f` keep none of
 * the copies (an Identity per saved input) that a backward pass would need. For targets built
 * from the target network, which never has a backward pass.
 */
import * as tf from "@tensorflow/tfjs"

const sg = tf.customGrad((...inputs) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)]
}))

/** The value of `x`, seen as a constant by tf.grad. */
export const stopGradient = <T extends tf.Tensor>(x: T): T => sg(x) as T

/** f(), computed off the gradient tape: seen as a constant by tf.grad, and recording nothing. */
export const withoutTape = <T extends tf.Tensor>(f: () => T): T =>
  tf.customGrad(() => ({ value: f(), gradFunc: () => [] }))() as T
