/**
 * Plain-loop float64 forward passes of the discrete learners' networks, written from the
 * paper's equations and the parameter layout, independent of the tensor code. The learners'
 * tensor computations are tested against these (with the core's softValue, qmixMix,
 * vdnMix and qTotFactored for the mixing itself).
 */
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { jointActions } from "../../src/core/factorization.ts"
import { observation, type MatrixGame, stateFeatures } from "../../src/envs/matrix.ts"
import type { ParamLayout } from "../../src/nn/params.ts"
import { stream } from "../../src/rng/Rng.ts"

export type Named = Record<string, Float32Array>

export const useWasm = async (): Promise<void> => {
  await tf.setBackend("wasm")
  await tf.ready()
}

/** y[o] = b[o] + Σ_k x[k] W[k, o], W row-major [in, out]. */
export const linearRef = (x: ReadonlyArray<number>, w: ArrayLike<number>, b: ArrayLike<number>): Array<number> => {
  const out = b.length
  return Array.from({ length: out }, (_, o) => {
    let y = b[o]!
    for (let k = 0; k < x.length; k++) y += x[k]! * w[k * out + o]!
    return y
  })
}

export const relu = (x: ReadonlyArray<number>): Array<number> => x.map((v) => Math.max(0, v))

/** An MLP of `layers` layers `${name}.${l}` with ReLU between. */
export const mlpRef = (x: ReadonlyArray<number>, p: Named, name: string, layers: number): Array<number> => {
  let h = [...x]
  for (let l = 0; l < layers; l++) {
    h = linearRef(h, p[`${name}.${l}.w`]!, p[`${name}.${l}.b`]!)
    if (l < layers - 1) h = relu(h)
  }
  return h
}

/** Q_i(a) for every agent of the game: [N][A] (A = max count; the network outputs all A). */
export const agentQRef = (game: MatrixGame, p: Named): Array<Array<number>> =>
  game.actionCounts.map((_, i) => mlpRef(observation(game, i), p, "agent", 2))

export const stateRef = (game: MatrixGame): ReadonlyArray<number> => stateFeatures(game)

export const oneHot = (a: number, n: number): Array<number> => Array.from({ length: n }, (_, k) => (k === a ? 1 : 0))

/** Every joint action of the game, in joint-index order. */
export const jointsOf = (game: MatrixGame): Array<Array<number>> => jointActions(game.actionCounts)

/** The flat parameters of S replicas initialised from seeds 0 … S−1 under a test label. */
export const randomParams = (layout: ParamLayout, S: number, label: string): Float32Array =>
  layout.stack(Array.from({ length: S }, (_, s) => layout.init(stream(7, ["spec", label, `replica ${s}`]))))

/** One-hot tensor [S, J, N, A] of every joint action, for every replica. */
export const jointTensor = (game: MatrixGame, S: number): tf.Tensor => {
  const N = game.actionCounts.length
  const A = Math.max(...game.actionCounts)
  const joint = jointsOf(game)
  const hot = new Float32Array(S * joint.length * N * A)
  for (let s = 0; s < S; s++) joint.forEach((u, j) => u.forEach((a, i) => (hot[((s * joint.length + j) * N + i) * A + a] = 1)))
  return tf.tensor4d(hot, [S, joint.length, N, A])
}

/** max |a − b| / (1 + |b|) over two equal-length arrays. */
export const relErr = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let e = 0
  for (let k = 0; k < a.length; k++) e = Math.max(e, Math.abs(a[k]! - b[k]!) / (1 + Math.abs(b[k]!)))
  return e
}
