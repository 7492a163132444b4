/**
 * PyMARL's recurrent agent network (`RNNAgent`): fc → ReLU → GRUCell → fc, shared by all
 * agents, over S replicas, unrolled over whole episodes.
 *
 *   e_t = relu(x_t W1 + b1)                                        [R, H]
 *   r   = σ(e_t W_ir + b_ir + h W_hr + b_hr)                        (PyTorch GRUCell)
 *   z   = σ(e_t W_iz + b_iz + h W_hz + b_hz)
 *   n   = tanh(e_t W_in + b_in + r ⊙ (h W_hn + b_hn))
 *   h'  = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
 *   Q_t = h' W2 + b2                                               [R, A]
 *
 * Speed: per-op overhead dominates at these sizes, so the gates are fused — W_i = [W_ir
 * W_iz W_in] and W_h = [W_hr W_hz W_hn] are stored as [H, 3H] — every op runs on all rows R
 * (episodes × agents) at once, the input projections of all steps are one matMul before the
 * recurrence, and the recurrence is one op with a hand-written backward pass. On the wasm
 * backend, fc1 and the GRU run as one op on the backend's C kernels (`gruWasm.ts`), on the
 * native backend as one op of TensorFlow eager calls (`gruNative.ts`); this file's tfjs-op
 * recurrence serves the cpu backend. Both are tested against the same references.
 */
import * as tf from "@tensorflow/tfjs"
import { gruAgentLayersNative, gruNativeAvailable } from "./gruNative.ts"
import { gruAgentLayersGraph, gruGraphAvailable } from "./gruGraph.ts"
import { gruAgentLayersWasm, gruWasmAvailable } from "./gruWasm.ts"
import type { ParamSpec } from "./params.ts"

export interface GruAgentShape {
  /** Size of an agent's input (observation ⊕ last action one-hot ⊕ agent id one-hot). */
  readonly inputs: number
  /** H (PyMARL rnn_hidden_dim, 64). */
  readonly hidden: number
  /** A, the number of actions. */
  readonly actions: number
}

/** `${name}.fc1`, `${name}.gru` (fused gates r|z|n), `${name}.fc2`; PyTorch's default U(±1/√fan_in) init. */
export const gruAgentSpecs = (name: string, { inputs, hidden: H, actions }: GruAgentShape): Array<ParamSpec> => {
  const inBound = 1 / Math.sqrt(inputs)
  const hBound = 1 / Math.sqrt(H) // nn.GRUCell and the fc2 layer both use 1/√H
  return [
    { name: `${name}.fc1.w`, shape: [inputs, H], bound: inBound },
    { name: `${name}.fc1.b`, shape: [H], bound: inBound },
    { name: `${name}.gru.wi`, shape: [H, 3 * H], bound: hBound },
    { name: `${name}.gru.bi`, shape: [3 * H], bound: hBound },
    { name: `${name}.gru.wh`, shape: [H, 3 * H], bound: hBound },
    { name: `${name}.gru.bh`, shape: [3 * H], bound: hBound },
    { name: `${name}.fc2.w`, shape: [H, actions], bound: hBound },
    { name: `${name}.fc2.b`, shape: [actions], bound: hBound }
  ]
}

export interface GruUnroll {
  /** Q_i(τ_i^t, ·) for every step: [T, R, A]. */
  readonly q: tf.Tensor
  /** The hidden state after each step, h_t: [T, R, H]. */
  readonly hidden: tf.Tensor
}

/** y = x W + b for one replica: x [M, in], W [1, in, out], b [1, out] → [M, out]. */
const dense = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor => {
  const [, inputs, outputs] = w.shape as [number, number, number]
  return tf.add(tf.matMul(x, tf.reshape(w, [inputs, outputs])), tf.reshape(b, [outputs]))
}

/** Rows of a [T, R, X] array as T tensors [R, X], uploaded step by step. */
const perStep = (data: Float32Array, T: number, R: number, X: number): Array<tf.Tensor2D> =>
  Array.from({ length: T }, (_, t) => tf.tensor2d(data.subarray(t * R * X, (t + 1) * R * X), [R, X]))

/**
 * tanh x = 2σ(2x) − 1. The wasm backend's Tanh is scalar C (about 100 µs on [160, 64]), its
 * Sigmoid is XNNPACK's vectorised one (about 20 µs); the four ops together take half as long.
 */
const tanh = (x: tf.Tensor): tf.Tensor => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1)

/**
 * The GRU recurrence over T steps from h = 0, as one differentiable op with a hand-written
 * backward pass (back-propagation through time), given the input projections of every step
 * gi [T, R, 3H] (= e_t W_i + b_i), W_h [H, 3H] and b_h [3H]; returns h [T, R, H].
 *
 * Why by hand: on wasm, any op that reads part of a big [T, …] tensor (slice, gather, split)
 * copies the whole tensor first, and tfjs's tape adds bookkeeping to every op. Here a step's
 * inputs are separate uploads, the gates are separate matMuls (no split), and the weight
 * gradients are one matMul over all steps:  dW_h = Σ_t h_{t−1}ᵀ dgh_t,  db_h = Σ_t Σ_rows dgh_t.
 * Per step, with dh the gradient reaching h_t:
 *   dn = dh ⊙ (1 − z) ⊙ (1 − n²)      dz = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)
 *   dr = dn ⊙ gh_n ⊙ r(1 − r)         dgi = [dr, dz, dn],  dgh = [dr, dz, dn ⊙ r]
 *   dh_{t−1} = dh ⊙ z + dgh W_hᵀ
 */
const gruRecurrence = tf.customGrad((...args) => {
  const [gi, wh, bh, save] = args as unknown as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  const [T, R, H3] = gi.shape
  const H = H3 / 3
  // Per-gate inputs of every step, with b_h of r and z folded in (they only ever appear summed).
  const giData = gi.dataSync() as Float32Array
  const bhData = bh.dataSync() as Float32Array
  const gates = [new Float32Array(T * R * H), new Float32Array(T * R * H), new Float32Array(T * R * H)]
  for (let row = 0; row < T * R; row++) {
    for (let g = 0; g < 3; g++) {
      const dst = gates[g]!
      for (let j = 0; j < H; j++) dst[row * H + j] = giData[row * H3 + g * H + j]! + (g < 2 ? bhData[g * H + j]! : 0)
    }
  }
  const [giR, giZ, giN] = gates.map((d) => perStep(d, T, R, H)) as [Array<tf.Tensor>, Array<tf.Tensor>, Array<tf.Tensor>]
  const [whR, whZ, whN] = tf.split(wh, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor] // [H, H] each
  const bhN = tf.slice(bh, 2 * H, H) // [H]
  const saved: Array<tf.Tensor> = [] // per step: r, z, n, gh_n, h_{t−1}
  const hs: Array<tf.Tensor> = []
  let h: tf.Tensor | undefined = undefined
  for (let t = 0; t < T; t++) {
    const r: tf.Tensor = tf.sigmoid(h === undefined ? giR[t]! : tf.add(giR[t]!, tf.matMul(h, whR))) // [R, H]
    const z: tf.Tensor = tf.sigmoid(h === undefined ? giZ[t]! : tf.add(giZ[t]!, tf.matMul(h, whZ))) // [R, H]
    const ghN: tf.Tensor = h === undefined ? tf.broadcastTo(bhN, [R, H]) : tf.add(tf.matMul(h, whN), bhN) // h W_hn + b_hn: [R, H]
    const n: tf.Tensor = tanh(tf.add(giN[t]!, tf.mul(r, ghN))) // [R, H]
    const hPrev = h ?? tf.zeros([R, H])
    saved.push(r, z, n, ghN, hPrev)
    h = h === undefined ? tf.sub(n, tf.mul(z, n)) : tf.add(n, tf.mul(z, tf.sub(h, n))) // h_t = n + z (h_{t−1} − n): [R, H]
    hs.push(h)
  }
  save([wh, ...saved])
  return {
    value: tf.stack(hs) as tf.Tensor3D, // [T, R, H]
    gradFunc: (dy: tf.Tensor, kept: Array<tf.Tensor>) => {
      const [whKept, ...steps] = kept as [tf.Tensor, ...Array<tf.Tensor>]
      const whT = tf.transpose(whKept) // [3H, H]
      const dys = perStep(dy.dataSync() as Float32Array, T, R, H)
      const dgi: Array<tf.Tensor> = new Array(T)
      const dgh: Array<tf.Tensor> = new Array(T)
      let carry: tf.Tensor | undefined = undefined
      for (let t = T - 1; t >= 0; t--) {
        const [r, z, n, ghN, hPrev] = steps.slice(5 * t, 5 * t + 5) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
        const dh: tf.Tensor = carry === undefined ? dys[t]! : tf.add(dys[t]!, carry) // [R, H]
        const dn = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n))) // through tanh: [R, H]
        const dz = tf.mul(tf.mul(dh, tf.sub(hPrev, n)), tf.mul(z, tf.sub(1, z))) // through σ: [R, H]
        const dr = tf.mul(tf.mul(dn, ghN), tf.mul(r, tf.sub(1, r))) // through σ: [R, H]
        dgi[t] = tf.concat([dr, dz, dn], 1) // [R, 3H]
        dgh[t] = tf.concat([dr, dz, tf.mul(dn, r)], 1) // [R, 3H]
        if (t > 0) carry = tf.add(tf.mul(dh, z), tf.matMul(dgh[t]!, whT)) // dh_{t−1}: [R, H]
      }
      const dghAll = tf.concat(dgh, 0) // [T·R, 3H]
      const hPrevAll = tf.concat(Array.from({ length: T }, (_, t) => steps[5 * t + 4]!), 0) // [T·R, H]
      const dWh = tf.transpose(tf.matMul(tf.transpose(dghAll), hPrevAll)) // Σ_t h_{t−1}ᵀ dgh_t, as (dghᵀ h)ᵀ so the narrow h is the packed operand: [H, 3H]
      const dBh = tf.sum(dghAll, 0) // [3H]
      return [tf.reshape(tf.concat(dgi, 0), [T, R, H3]), dWh, dBh]
    }
  }
})

let nativePath: "graph" | "eager" = "graph"

/**
 * Which of the native backend's two implementations of the agent's layers runs: TensorFlow
 * graphs, a chunk of time steps per call (`gruGraph.ts`, the default), or one eager op per call
 * (`gruNative.ts`). They give the same bits (spec/smac-train/gruGraph.test.ts); the eager one is kept
 * as the graphs' reference and for the benchmark's side-by-side figure.
 */
export const setNativeGruPath = (path: "graph" | "eager"): void => {
  nativePath = path
}

const nativeLayers = () =>
  !gruNativeAvailable() ? undefined : nativePath === "graph" && gruGraphAvailable() ? gruAgentLayersGraph : gruAgentLayersNative

/**
 * Run the agent over T steps from h = 0, one replica (S = 1): inputs x [T, R, in] (time-major;
 * R rows, e.g. episodes × agents) → Q and hidden states. The layers before and after the
 * recurrence run on all T·R rows at once. Differentiate inside `withFastMatMulGradient`. On
 * wasm, x gets no gradient (it is data).
 */
export const gruAgentUnroll = (
  x: tf.Tensor,
  params: Readonly<Record<string, tf.Tensor>>,
  name: string,
  { hidden: H, actions: A }: GruAgentShape
): GruUnroll => {
  const [T, R, inputs] = x.shape as [number, number, number]
  const p = (k: string) => params[`${name}.${k}`]!
  if (p("fc1.w").shape[0] !== 1) throw new Error("gruAgentUnroll: one replica (S = 1) only")
  const [wh, bh] = [tf.reshape(p("gru.wh"), [H, 3 * H]), tf.reshape(p("gru.bh"), [3 * H])]
  const layers = gruWasmAvailable() ? gruAgentLayersWasm : nativeLayers()
  const hidden = layers !== undefined
    ? layers(T, tf.engine().isTapeOn(), tf.reshape(x, [T * R, inputs]))(
      tf.reshape(p("fc1.w"), [inputs, H]),
      tf.reshape(p("fc1.b"), [H]),
      tf.reshape(p("gru.wi"), [H, 3 * H]),
      tf.reshape(p("gru.bi"), [3 * H]),
      wh,
      bh
    ) // the wasm backend's kernels, or TensorFlow's ops as graphs or eager calls: [T, R, H]
    : gruRecurrence(
      tf.reshape(dense(tf.relu(dense(tf.reshape(x, [T * R, inputs]), p("fc1.w"), p("fc1.b"))), p("gru.wi"), p("gru.bi")), [T, R, 3 * H]), // gi_t = e_t W_i + b_i, e_t = relu(x_t W1 + b1): [T, R, 3H]
      wh,
      bh
    ) // [T, R, H]
  const q = tf.reshape(dense(tf.reshape(hidden, [T * R, H]), p("fc2.w"), p("fc2.b")), [T, R, A]) // [T, R, A]
  return { q, hidden }
}
