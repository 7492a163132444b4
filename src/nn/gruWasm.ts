/**
 * The agent's fc1 and GRU layers (`gru.ts`) on the wasm backend, run on the backend's C kernels.
 *
 * Why: the recurrence is 121 steps of small ops on [R, H] = [160, 64] tensors, about 35 per
 * step forward and backward. Through tfjs's engine each op costs about 8 µs (scope and tape
 * bookkeeping, tensor tracking, an allocation for its output); the C kernel itself 1–3 µs; and
 * every tensor saved for the backward pass is copied once more. Here:
 *
 * - the kernels are the wasm backend's own exported C functions (the ones `tf.add`, `tf.sigmoid`
 *   and `tf.matMul` call), so they do the same arithmetic; they are called with tensor ids
 *   chosen here, so a step writes into a few scratch buffers allocated once, and r, z, n, g and
 *   h_t land straight in their place in big [T, R, H] buffers (views: ids registered at an
 *   offset inside a buffer; a tfjs slice on wasm would copy the whole buffer first);
 * - only the op's outputs and what the backward pass needs are handed to tfjs, as whole
 *   buffers; with no gradient tape running (the target network) nothing is kept for backward;
 * - everything allocated or registered here is freed before the op returns, also when a kernel
 *   throws (`spec/smac-train/gru.test.ts` checks the backend's data count).
 *
 * The maths is gru.ts's (PyTorch's GRUCell), gate-major: each gate's e W_ig + b_ig is one
 * matMul over all steps, so a gate's step is a contiguous block.
 *   r = σ(gi_r + h W_hr + b_hr)    z = σ(gi_z + h W_hz + b_hz)    g = h W_hn + b_hn
 *   n = tanh(gi_n + r ⊙ g) = 2σ(2(gi_n + r ⊙ g)) − 1              h' = n + z ⊙ (h − n)
 * and the backward pass of gru.ts's comment, with db = Σ_{t,rows} of the gate gradients.
 *
 * The C functions' signatures are internal to tfjs-backend-wasm: they were read from version
 * 4.22.0 (pinned in package.json), and with any other version the tfjs-op path runs instead.
 */
import * as tf from "@tensorflow/tfjs"
import { checkGruLayerArgs, installedVersion } from "./gruLayerArgs.ts"

type CFunction = (...args: Array<number | Uint8Array>) => void

/** What this file uses of tfjs-backend-wasm's BackendWasm (its .d.ts names these members). */
interface WasmBackend extends tf.KernelBackend {
  readonly dataIdMap: { get(dataId: object): { readonly id: number; readonly memoryOffset: number } | undefined; delete(dataId: object): boolean }
  readonly wasm: {
    readonly HEAPU8: Uint8Array
    readonly tfjs: { disposeData(id: number): void }
    cwrap(name: string, returns: null, args: Array<"number" | "array">): CFunction
  }
  makeOutput(shape: Array<number>, dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo
  disposeData(dataId: object, force?: boolean): boolean
}

const FLOAT32 = 0 // tfjs-backend-wasm's CppDType.float32
const LINEAR = 0 // its FusableActivation.linear
const RELU = 1 // and .relu
const shapeBytes = (shape: ReadonlyArray<number>): Uint8Array => new Uint8Array(new Int32Array(shape).buffer)
const BINARY: Array<"number" | "array"> = ["number", "array", "number", "number", "array", "number", "number", "number"]

/** The backend's C functions, wrapped once per backend. */
const cFunctions = new WeakMap<WasmBackend, Record<"sigmoid" | "step" | "transpose" | "add" | "sub" | "mul" | "matMul", CFunction>>()
const cFunctionsOf = (backend: WasmBackend) => {
  let c = cFunctions.get(backend)
  if (c === undefined) {
    const w = backend.wasm
    c = {
      sigmoid: w.cwrap("Sigmoid", null, ["number", "number"]),
      step: w.cwrap("Step", null, ["number", "number", "number", "number"]),
      transpose: w.cwrap("Transpose", null, ["number", "array", "number", "number", "number", "array", "number"]),
      add: w.cwrap("Add", null, BINARY),
      sub: w.cwrap("Sub", null, BINARY),
      mul: w.cwrap("Multiply", null, BINARY),
      matMul: w.cwrap("_FusedMatMul", null, ["number", "array", "number", "number", "array", "number", "number", "number", "number", "number", "number", "number", "number"])
    }
    cFunctions.set(backend, c)
  }
  return c
}

type Id = number

/**
 * Kernel calls on ids, and the memory they use: allocations and views made through one
 * `Kernels` are freed by its `release()`, except allocations handed to tfjs with `take`.
 */
class Kernels {
  readonly backend: WasmBackend
  private readonly c: ReturnType<typeof cFunctionsOf>
  private readonly owned = new Map<Id, tf.TensorInfo>()
  private readonly views: Array<tf.TensorInfo> = []
  private readonly shapes = new Map<number, Uint8Array>()
  private readonly scalar = shapeBytes([])
  constructor(backend: WasmBackend) {
    this.backend = backend
    this.c = cFunctionsOf(backend)
  }

  private data(info: tf.TensorInfo): { readonly id: number; readonly memoryOffset: number } {
    const d = this.backend.dataIdMap.get(info.dataId)
    if (d === undefined) throw new Error("gruWasm: a tensor is not on the wasm backend")
    return d
  }
  id(info: tf.TensorInfo): Id {
    return this.data(info).id
  }
  /** A new float32 buffer (`values`, or uninitialised). */
  alloc(shape: Array<number>, values?: Float32Array): { readonly info: tf.TensorInfo; readonly id: Id } {
    const info = this.backend.makeOutput(shape, "float32", undefined, values)
    const id = this.id(info)
    this.owned.set(id, info)
    return { info, id }
  }
  /** Elements [start, start + size) of `base`, as an id (no copy). */
  view(base: tf.TensorInfo, start: number, size: number): Id {
    const v = this.backend.makeOutput([size], "float32", this.data(base).memoryOffset + 4 * start)
    this.views.push(v)
    return this.id(v)
  }
  /** Hand an allocation to tfjs: a tensor of `shape` that the engine tracks from here on. */
  take(a: { readonly info: tf.TensorInfo; readonly id: Id }, shape: Array<number>): tf.Tensor {
    this.owned.delete(a.id)
    return tf.engine().makeTensorFromTensorInfo({ ...a.info, shape }, this.backend)
  }
  release(): void {
    for (const info of this.owned.values()) this.backend.disposeData(info.dataId)
    this.owned.clear()
    for (const v of this.views.splice(0)) {
      const id = this.id(v)
      this.backend.dataIdMap.delete(v.dataId)
      this.backend.wasm.tfjs.disposeData(id) // forget the id; the memory is its base's
    }
  }

  private flat(n: number): Uint8Array {
    let s = this.shapes.get(n)
    if (s === undefined) this.shapes.set(n, (s = shapeBytes([n])))
    return s
  }
  /** out = σ(x). */
  sigmoid(x: Id, out: Id): void {
    this.c.sigmoid(x, out)
  }
  /** out = a ∘ b elementwise over n elements; `b` may be a scalar id (n = 0 for its shape). */
  private binary(f: CFunction, a: Id, an: number, b: Id, bn: number, out: Id): void {
    const as = an === 0 ? this.scalar : this.flat(an)
    const bs = bn === 0 ? this.scalar : this.flat(bn)
    f(a, as, an === 0 ? 0 : 1, b, bs, bn === 0 ? 0 : 1, FLOAT32, out)
  }
  add(a: Id, b: Id, out: Id, n: number): void {
    this.binary(this.c.add, a, n, b, n, out)
  }
  sub(a: Id, b: Id, out: Id, n: number): void {
    this.binary(this.c.sub, a, n, b, n, out)
  }
  mul(a: Id, b: Id, out: Id, n: number): void {
    this.binary(this.c.mul, a, n, b, n, out)
  }
  /** out = a · s for a scalar id s. */
  scale(a: Id, s: Id, out: Id, n: number): void {
    this.binary(this.c.mul, a, n, s, 0, out)
  }
  /** out = a − s for a scalar id s. */
  minus(a: Id, s: Id, out: Id, n: number): void {
    this.binary(this.c.sub, a, n, s, 0, out)
  }
  /** out = s − a for a scalar id s. */
  from(s: Id, a: Id, out: Id, n: number): void {
    this.binary(this.c.sub, s, 0, a, n, out)
  }
  /** out [rows, n] = a [rows, k] · b [k, n] (+ bias [n], or 0 for none), then ReLU if asked. */
  matMul(a: Id, rows: number, k: number, b: Id, n: number, bias: Id | 0, out: Id, relu = false): void {
    this.c.matMul(a, shapeBytes([1, rows, k]), 3, b, shapeBytes([1, k, n]), 3, 0, 0, relu ? RELU : LINEAR, bias, 0, 0, out)
  }
  /** out = 1 where x > 0, else 0. */
  positive(x: Id, out: Id): void {
    this.c.step(x, 0, FLOAT32, out)
  }
  /** out [cols, rows] = xᵀ for x [rows, cols]. */
  transpose(x: Id, rows: number, cols: number, out: Id): void {
    this.c.transpose(x, shapeBytes([rows, cols]), 2, FLOAT32, out, shapeBytes([1, 0]), 2)
  }
  /** n elements of `src` from `srcStart` into `dst` from `dstStart`. */
  copy(src: tf.TensorInfo, srcStart: number, dst: tf.TensorInfo, dstStart: number, n: number): void {
    const heap = new Float32Array(this.backend.wasm.HEAPU8.buffer)
    const s = this.data(src).memoryOffset / 4 + srcStart
    heap.copyWithin(this.data(dst).memoryOffset / 4 + dstStart, s, s + n)
  }
}

/** The tfjs-backend-wasm version whose C signatures this file calls. */
export const GRU_WASM_VERSION = "4.22.0"

/** Whether the C-kernel layers can run: the active backend is wasm, of the version they were written against. */
export const gruWasmAvailable = (): boolean =>
  tf.getBackend() === "wasm" && installedVersion("@tensorflow/tfjs-backend-wasm") === GRU_WASM_VERSION

/**
 * The agent's layers up to the GRU over T steps from h = 0, for inputs x [T·R, I] (rows t·R + r):
 *   e_t = relu(x_t W1 + b1)      gates from e_t W_i + b_i and h W_h + b_h (r | z | n)
 * with W1 [I, H], b1 [H], W_i, W_h [H, 3H], b_i, b_h [3H] → h [T, R, H], differentiable in the
 * seven parameters (x is data: it gets no gradient). Each gate's e W_ig + b_ig is one matMul over
 * all steps, so the gates come out gate-major. `forBackward`: whether the gradient tape is
 * running, i.e. whether to keep what the backward pass needs.
 */
export const gruAgentLayersWasm = (T: number, forBackward: boolean, x: tf.Tensor2D) => tf.customGrad((...args) => {
  const [w1, b1, wi, bi, wh, bh, save] = args as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  // The C kernels read whatever memory the shapes say: check them all before any call.
  const { R, H, I } = checkGruLayerArgs("gruAgentLayersWasm", T, x, [w1, b1, wi, bi, wh, bh])
  const TR = T * R
  const RH = R * H
  const k = new Kernels(tf.backend() as unknown as WasmBackend)
  const wis = tf.split(wi, 3, 1) as Array<tf.Tensor>
  const [wiR, wiZ, wiN] = wis.map((w) => k.id(w)) as [Id, Id, Id] // [H, H] each
  const [biR, biZ, biN] = (tf.split(bi, 3) as Array<tf.Tensor>).map((b) => k.id(b)) as [Id, Id, Id] // [H] each
  const whs = tf.split(wh, 3, 1) as Array<tf.Tensor>
  const [whR, whZ, whN] = whs.map((w) => k.id(w)) as [Id, Id, Id]
  const [bhR, bhZ, bhN] = (tf.split(bh, 3) as Array<tf.Tensor>).map((b) => k.id(b)) as [Id, Id, Id]
  const outputs: Array<tf.Tensor> = []
  try {
    const e = k.alloc([TR, H])
    k.matMul(k.id(x), TR, I, k.id(w1), H, k.id(b1), e.id, true) // e = relu(x W1 + b1): [T·R, H]
    const two = k.alloc([], Float32Array.of(2)).id
    const one = k.alloc([], Float32Array.of(1)).id
    const h0 = k.alloc([R, H], new Float32Array(RH))
    // e W_ig + b_ig for every step, per gate: [T·R, H] each.
    const gis = [[wiR, biR], [wiZ, biZ], [wiN, biN]].map(([w, b]) => {
      const g = k.alloc([TR, H])
      k.matMul(e.id, TR, H, w!, H, b!, g.id)
      return g.info
    }) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo]
    // h_t, and for a backward pass r, z, n, g = h W_hn + b_hn and h_{t−1}: [T, R, H] each.
    const HS = k.alloc([T, R, H])
    const kept = forBackward ? Array.from({ length: 5 }, () => k.alloc([T, R, H])) : []
    const [RS, ZS, NS, GS, HP] = kept.map((b) => b.info)
    const [s0, s1, s2, s3, s4, s5] = Array.from({ length: 6 }, () => k.alloc([R, H]).id) // scratch
    if (HP !== undefined) k.copy(h0.info, 0, HP, 0, RH)
    for (let t = 0; t < T; t++) {
      const at = t * RH
      const hPrev = t === 0 ? h0.id : k.view(HS.info, at - RH, RH) // h_{t−1}: [R, H]
      const [r, z, n, g] = RS === undefined ? [s2, s3, s4, s5] : [RS, ZS!, NS!, GS!].map((b) => k.view(b, at, RH)) as [Id, Id, Id, Id]
      k.matMul(hPrev, R, H, whR, H, bhR, s0)
      k.add(k.view(gis[0], at, RH), s0, s1, RH)
      k.sigmoid(s1, r) // r = σ(gi_r + h W_hr + b_hr)
      k.matMul(hPrev, R, H, whZ, H, bhZ, s0)
      k.add(k.view(gis[1], at, RH), s0, s1, RH)
      k.sigmoid(s1, z) // z = σ(gi_z + h W_hz + b_hz)
      k.matMul(hPrev, R, H, whN, H, bhN, g) // g = h W_hn + b_hn
      k.mul(r, g, s0, RH)
      k.add(k.view(gis[2], at, RH), s0, s1, RH) // a = gi_n + r ⊙ g
      k.scale(s1, two, s0, RH)
      k.sigmoid(s0, s1)
      k.scale(s1, two, s0, RH)
      k.minus(s0, one, n, RH) // n = tanh a = 2σ(2a) − 1
      k.sub(hPrev, n, s0, RH)
      k.mul(z, s0, s1, RH)
      const h = k.view(HS.info, at, RH)
      k.add(n, s1, h, RH) // h_t = n + z (h_{t−1} − n)
      if (HP !== undefined && t + 1 < T) k.copy(HS.info, at, HP, at + RH, RH)
    }
    outputs.push(k.take(HS, [T, R, H]), ...(forBackward ? [k.take(e, [TR, H]), ...kept.map((b) => k.take(b, [T, R, H]))] : []))
  } finally {
    k.release()
  }
  const [hs, ...forGrad] = outputs as [tf.Tensor, ...Array<tf.Tensor>]
  if (forBackward) save([x, ...forGrad, ...wis, ...whs])
  return {
    value: hs as tf.Tensor3D, // [T, R, H]
    gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
      if (saved.length === 0) throw new Error("gruAgentLayersWasm: a backward pass through a forward run with forBackward = false")
      const [xK, eK, rsK, zsK, nsK, gsK, hpK, ...ws] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, ...Array<tf.Tensor>]
      const wT = ws.map((w) => tf.transpose(w)) // W_iᵀ and W_hᵀ per gate: [H, H] each
      const [wiRT, wiZT, wiNT, whRT, whZT, whNT] = wT.map((w) => k.id(w)) as [Id, Id, Id, Id, Id, Id]
      const block = TR * H
      const grads: Array<tf.Tensor> = []
      try {
        const one = k.alloc([], Float32Array.of(1)).id
        // The gate gradients, gate-major [dn | dr | dz | dn ⊙ r]: [4, T·R, H]. Blocks 0–2 are dgi
        // (n, r, z) and blocks 1–3 are dgh (r, z, n), so each is one contiguous [3, T·R, H].
        const D = k.alloc([4, TR, H])
        const [s0, s1, s2, s3, sDh, cA, cB] = Array.from({ length: 7 }, () => k.alloc([R, H]).id) // scratch
        let carry: Id | undefined // the gradient reaching h_t from step t + 1: [R, H]
        for (let t = T - 1; t >= 0; t--) {
          const at = t * RH
          const [r, z, n, g, hPrev] = [rsK, zsK, nsK, gsK, hpK].map((b) => k.view(b, at, RH)) as [Id, Id, Id, Id, Id]
          const [dn, dr, dz, dg] = [0, 1, 2, 3].map((j) => k.view(D.info, j * block + at, RH)) as [Id, Id, Id, Id]
          const dyT = k.view(dy, at, RH)
          let dh = dyT
          if (carry !== undefined) {
            k.add(dyT, carry, sDh, RH)
            dh = sDh
          }
          k.from(one, z, s1, RH) // 1 − z
          k.mul(n, n, s2, RH)
          k.from(one, s2, s3, RH) // 1 − n²
          k.mul(dh, s1, s2, RH)
          k.mul(s2, s3, dn, RH) // dn = dh (1 − z)(1 − n²)
          k.sub(hPrev, n, s2, RH)
          k.mul(dh, s2, s3, RH)
          k.mul(z, s1, s2, RH)
          k.mul(s3, s2, dz, RH) // dz = dh (h_{t−1} − n) z(1 − z)
          k.from(one, r, s1, RH)
          k.mul(r, s1, s2, RH)
          k.mul(dn, g, s3, RH)
          k.mul(s3, s2, dr, RH) // dr = dn g r(1 − r)
          k.mul(dn, r, dg, RH) // dn ⊙ r
          if (t > 0) {
            // dh_{t−1} = dh ⊙ z + [dr, dz, dn ⊙ r] W_hᵀ: [R, H]
            k.mul(dh, z, s0, RH)
            k.matMul(dr, R, H, whRT, H, 0, s1)
            k.add(s0, s1, s2, RH)
            k.matMul(dz, R, H, whZT, H, 0, s0)
            k.matMul(dg, R, H, whNT, H, 0, s1)
            k.add(s0, s1, s3, RH)
            const next = carry === cA ? cB : cA
            k.add(s2, s3, next, RH)
            carry = next
          }
        }
        // de = Σ_g dgi_g W_igᵀ: [T·R, H]
        const de = k.alloc([TR, H])
        const [t1, t2, t3] = Array.from({ length: 3 }, () => k.alloc([TR, H]).id)
        k.matMul(k.view(D.info, 0, block), TR, H, wiNT, H, 0, t1)
        k.matMul(k.view(D.info, block, block), TR, H, wiRT, H, 0, t2)
        k.add(t1, t2, t3, block)
        k.matMul(k.view(D.info, 2 * block, block), TR, H, wiZT, H, 0, t1)
        k.add(t3, t1, de.id, block)
        // Through e = relu(x W1 + b1): [dW1; db1] = [xᵀ; 1ᵀ] (de ⊙ [e > 0]): [I + 1, H]
        k.positive(k.id(eK), t1)
        k.mul(de.id, t1, t2, block)
        const ones = k.alloc([TR, 1], new Float32Array(TR).fill(1)) // 1: [T·R, 1]
        const xT1 = k.alloc([I + 1, TR])
        k.transpose(k.id(xK), TR, I, k.view(xT1.info, 0, I * TR))
        k.copy(ones.info, 0, xT1.info, I * TR, TR)
        const dW1b1 = k.alloc([I + 1, H])
        k.matMul(xT1.id, I + 1, TR, t2, H, 0, dW1b1.id)
        grads.push(k.take(dW1b1, [I + 1, H]))
        // Σ over steps and rows as products with Dᵀ [4H, T·R] (rows gate-major): dW = (dgateᵀ input)ᵀ
        // (the narrow input is XNNPACK's packed operand), db = dgateᵀ 1.
        const DT = tf.reshape(tf.transpose(k.take(D, [4, TR, H]), [0, 2, 1]), [4 * H, TR])
        const dgiT = k.view(DT, 0, 3 * H * TR) // [dn | dr | dz]ᵀ
        const dghT = k.view(DT, H * TR, 3 * H * TR) // [dr | dz | dn ⊙ r]ᵀ
        for (const [dT, input] of [[dgiT, k.id(eK)], [dghT, k.id(hpK)]] as const) {
          const w = k.alloc([3 * H, H])
          k.matMul(dT, 3 * H, TR, input, H, 0, w.id)
          const b = k.alloc([3 * H, 1])
          k.matMul(dT, 3 * H, TR, ones.id, 1, 0, b.id)
          grads.push(k.take(w, [3 * H, H]), k.take(b, [3 * H, 1]))
        }
      } finally {
        k.release()
      }
      const [dW1b1, wiNRZ, biNRZ, whT, bhT] = grads as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
      const rzn = (m: tf.Tensor) => tf.concat([tf.slice(m, H, 2 * H), tf.slice(m, 0, H)]) // rows (n, r, z) → (r, z, n)
      return [
        tf.slice(dW1b1, 0, I), // dW1: [I, H]
        tf.reshape(tf.slice(dW1b1, I, 1), [H]), // db1: [H]
        tf.transpose(rzn(wiNRZ)), // dW_i: [H, 3H]
        tf.reshape(rzn(biNRZ), [3 * H]), // db_i
        tf.transpose(whT), // dW_h: [H, 3H]
        tf.reshape(bhT, [3 * H]) // db_h
      ]
    }
  }
})
