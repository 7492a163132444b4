/** Shared by `smac-train.ts` and its worker: a synthetic batch on the comparison shape, and one learner updating on it. */
import * as tf from "@tensorflow/tfjs"
import { type RecurrentAlgo, type EpisodeShape, inputDim, type EpisodeBatchData } from "../src/learners/recurrent.ts"
import { buildSmacLearner, defaultSmacLearnerConfigs } from "../pipelines/smac/learners.ts"
import { stream } from "../src/rng/Rng.ts"
import { gumbelNoise, learnerUpdate } from "../pipelines/smac/train.ts"

/** A full batch of B episodes of T steps with random features (no padding); `part` picks the stream. */
export const syntheticBatch = (shape: EpisodeShape, T: number, B: number, part = 0): EpisodeBatchData => {
  const rng = stream(part, ["bench", "smac-train", "batch"])
  const { agents: N, actions: A, stateDim } = shape
  const f = (n: number) => Float32Array.from({ length: n }, () => rng.float())
  const avail = Uint8Array.from({ length: (T + 1) * B * N * A }, () => (rng.float() < 0.7 ? 1 : 0))
  for (let k = 0; k < avail.length; k += A) avail[k + 1] = 1 // stop always available
  const actions = new Int32Array(T * B * N)
  for (let k = 0; k < actions.length; k++) {
    const o = k * A
    do actions[k] = rng.int(A)
    while (avail[o + actions[k]!] === 0)
  }
  return {
    T, B,
    inputs: f((T + 1) * B * N * inputDim(shape)),
    state: f((T + 1) * B * stateDim),
    avail,
    actions,
    reward: f(T * B),
    terminated: new Float32Array(T * B),
    mask: new Float32Array(T * B).fill(1)
  }
}

/**
 * A freshly initialised `algo` learner (default config) whose `update()` runs one full update
 * (forward, backward, RMSProp) on `data`; `part` picks the Gumbel stream; `hidden` sets the agent's
 * GRU width (the default config's, PyMARL's 64, when absent). `dispose()` frees its target network.
 */
export const benchUpdater = (algo: RecurrentAlgo, shape: EpisodeShape, data: EpisodeBatchData, part = 0, hidden?: number) => {
  const configs = hidden === undefined ? defaultSmacLearnerConfigs : { ...defaultSmacLearnerConfigs, [algo]: { ...defaultSmacLearnerConfigs[algo], agentHidden: hidden } }
  const learner = buildSmacLearner(algo, shape, configs)
  const params = learner.layout.init(stream(0, ["bench", algo]))
  const squareAvg = new Float32Array(params.length)
  const target = learner.layout.tensors(params, 1)
  const gumbel = learner.samplesNextActions
    ? gumbelNoise(stream(part, ["bench", algo, "gumbel"]), data.T * data.B * shape.agents * shape.actions)
    : undefined
  return {
    /** The flat parameters, updated in place by `update()`. */
    params,
    update: (): void => learnerUpdate(learner, shape, params, squareAvg, target, data, 0.5, gumbel),
    dispose: (): void => tf.dispose(target)
  }
}
