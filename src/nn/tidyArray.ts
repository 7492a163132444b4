/**
 * Run `f` in a tf.tidy and return the plain array it read out. tf.tidy only passes tensors
 * through; given a typed array as its result it walks every element looking for tensors
 * (about 15 ms for the 10⁵ gradients of a SMAC update), so the array leaves by closure instead.
 */
import * as tf from "@tensorflow/tfjs"

export const tidyArray = <A extends Float32Array | Int32Array | Uint8Array>(f: () => A): A => {
  let out: A | undefined
  tf.tidy(() => {
    out = f()
  })
  return out!
}
