/**
 * Fully connected layers over S replicas at once: replica s multiplies its inputs by its
 * own weights (a batched matMul over the leading S dimension).
 *
 * Inputs are [S, ...rest, in]; any number of middle dimensions (batch, agents, …) is
 * folded into one for the matMul and unfolded afterwards.
 */
import * as tf from "@tensorflow/tfjs"

export type Activation = "relu" | "none"

/** y = x W + b for each replica: x [S, ...rest, in], W [S, in, out], b [S, out] → [S, ...rest, out]. */
export const linear = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => {
  const [S, inputs, outputs] = w.shape as [number, number, number]
  const rest = x.shape.slice(1, -1)
  const folded = rest.length === 1 ? x : tf.reshape(x, [S, -1, inputs]) // [S, M, in]
  const y = tf.add(tf.matMul(folded, w), tf.reshape(b, [S, 1, outputs])) // [S, M, out]
  return rest.length === 1 ? y : tf.reshape(y, [S, ...rest, outputs])
}

/**
 * An MLP whose layers are `${name}.0`, `${name}.1`, … in `params` (see `mlpSpecs`):
 * ReLU between layers, `last` after the final one.
 */
export const mlp = (
  x: tf.Tensor,
  params: Readonly<Record<string, tf.Tensor>>,
  name: string,
  layers: number,
  last: Activation = "none"
): tf.Tensor => {
  let h = x
  for (let l = 0; l < layers; l++) {
    h = linear(h, params[`${name}.${l}.w`]!, params[`${name}.${l}.b`]!)
    if (l < layers - 1 || last === "relu") h = tf.relu(h)
  }
  return h
}
