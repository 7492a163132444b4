/**
 * Fully connected networks with separate weights per agent, over S replicas at once.
 *
 * A per-agent layer stores W [N, in, out] and b [N, out] for one replica, so the flat
 * layout's view is [S, N, in, out]; the forward pass folds (replica, agent) into one
 * leading dimension S·N and runs one batched matMul (see `linear` in dense.ts). Agent i
 * of replica s only ever reads its own slice, so agents and replicas stay independent.
 */
import * as tf from "@tensorflow/tfjs"
import { linear } from "./dense.ts"
import type { ParamSpec } from "./params.ts"

/** One per-agent layer: `${name}.w` [N, in, out], `${name}.b` [N, out], PyTorch's default U(±1/√in) init. */
export const perAgentLinearSpecs = (name: string, agents: number, inputs: number, outputs: number): Array<ParamSpec> => {
  const bound = 1 / Math.sqrt(inputs)
  return [
    { name: `${name}.w`, shape: [agents, inputs, outputs], bound },
    { name: `${name}.b`, shape: [agents, outputs], bound }
  ]
}

/** A per-agent MLP, layers `${name}.0`, `${name}.1`, …: sizes = [in, hidden…, out]. */
export const perAgentMlpSpecs = (name: string, agents: number, sizes: ReadonlyArray<number>): Array<ParamSpec> =>
  sizes.slice(1).flatMap((out, l) => perAgentLinearSpecs(`${name}.${l}`, agents, sizes[l]!, out))

/**
 * Agent i's MLP applied to its own inputs: x [S, N, M, in] → [S, N, M, out] (ReLU between
 * layers, none after the last). M is any batch of inputs per agent.
 */
export const perAgentMlp = (
  x: tf.Tensor,
  params: Readonly<Record<string, tf.Tensor>>,
  name: string,
  layers: number
): tf.Tensor => {
  const [S, N, M, inputs] = x.shape as [number, number, number, number]
  let h = tf.reshape(x, [S * N, M, inputs]) // [S·N, M, in]
  for (let l = 0; l < layers; l++) {
    const w = params[`${name}.${l}.w`]!
    const [, , fanIn, fanOut] = w.shape as [number, number, number, number]
    h = linear(h, tf.reshape(w, [S * N, fanIn, fanOut]), tf.reshape(params[`${name}.${l}.b`]!, [S * N, fanOut])) // [S·N, M, out]
    if (l < layers - 1) h = tf.relu(h)
  }
  return tf.reshape(h, [S, N, M, h.shape[2]!]) // [S, N, M, out]
}
