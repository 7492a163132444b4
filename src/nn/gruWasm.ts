/**
 * The GRU recurrence of `gru.ts` on the wasm backend, run as raw kernels outside tfjs's engine.
 *
 * Why: the recurrence is 121 steps of small ops on [R, H] = [160, 64] tensors, about 40 per
 * step forward and backward. Through the engine each op costs about 8 µs (scope and tape
 * bookkeeping, tensor tracking), the same kernel called directly about 3 µs; and every tensor
 * saved for the backward pass is copied once more (an Identity kernel). Here:
 *
 * - the kernels are the wasm backend's own (`tf.getKernel(name, "wasm").kernelFunc`), called on
 *   tensor infos that the engine never sees, so they do the same arithmetic as `tf.add` etc.;
 * - a step reads its inputs through views: infos registered at an offset inside a big
 *   [T, R, ·] buffer, with no copy (a tfjs slice on wasm copies the whole buffer first);
 * - what the backward pass needs (r, z, n, gh_n and h_{t−1} of every step) is copied into five
 *   [T, R, H] buffers, which are the only tensors handed to the engine (and saved once each);
 * - every info made here is freed before the function returns, also when a kernel throws.
 *   `spec/smac-train/gruWasm.test.ts` checks that the backend holds no more data afterwards.
 *
 * The maths is gru.ts's, with the gates in one layout: gi [T, R, 3H] = [r | z | n] per row is
 * transposed once to gate-major [3, T·R, H], so a gate's step is a contiguous block.
 *   r = σ(gi_r + h W_hr + b_hr)    z = σ(gi_z + h W_hz + b_hz)    g = h W_hn + b_hn
 *   n = tanh(gi_n + r ⊙ g) = 2σ(2(gi_n + r ⊙ g)) − 1              h' = n + z ⊙ (h − n)
 * and the backward pass of gru.ts's comment, with db_h = Σ_{t,rows} [dr, dz, dn ⊙ r].
 */
import * as tf from "@tensorflow/tfjs"

/** What this file uses of tfjs-backend-wasm's BackendWasm (its .d.ts names these members). */
interface WasmBackend extends tf.KernelBackend {
  readonly dataIdMap: { get(dataId: object): { readonly id: number; readonly memoryOffset: number } | undefined; delete(dataId: object): boolean }
  readonly wasm: { readonly HEAPU8: Uint8Array; readonly tfjs: { disposeData(id: number): void } }
  makeOutput(shape: Array<number>, dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo
  disposeData(dataId: object, force?: boolean): boolean
}

/** Raw kernel calls on one backend, and views into its heap. */
class Raw {
  private readonly kernels = new Map<string, tf.KernelFunc>()
  readonly backend: WasmBackend
  constructor(backend: WasmBackend) {
    this.backend = backend
  }

  run(name: string, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown> = {}): tf.TensorInfo {
    let f = this.kernels.get(name)
    if (f === undefined) {
      const k = tf.getKernel(name, "wasm")
      if (k === undefined) throw new Error(`gruWasm: the wasm backend has no ${name} kernel`)
      f = k.kernelFunc
      this.kernels.set(name, f)
    }
    return f({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend: this.backend }) as tf.TensorInfo
  }
  add(a: tf.TensorInfo, b: tf.TensorInfo) { return this.run("Add", { a, b }) }
  sub(a: tf.TensorInfo, b: tf.TensorInfo) { return this.run("Sub", { a, b }) }
  mul(a: tf.TensorInfo, b: tf.TensorInfo) { return this.run("Multiply", { a, b }) }
  sigmoid(x: tf.TensorInfo) { return this.run("Sigmoid", { x }) }
  /** a [R, K] · b [K, N] (+ bias [N]) → [R, N]; b is packed once per tensor by XNNPACK. */
  matMul(a: tf.TensorInfo, b: tf.TensorInfo, bias?: tf.TensorInfo): tf.TensorInfo {
    if (a.shape.length !== 2 || b.shape.length !== 2 || a.shape[1] !== b.shape[0]) {
      throw new Error(`gruWasm: matMul of [${a.shape}] and [${b.shape}]`)
    }
    const [R, K] = a.shape as [number, number]
    const N = b.shape[1]!
    const out = this.run(
      "_FusedMatMul",
      { a: { ...a, shape: [1, R, K] }, b: { ...b, shape: [1, K, N] }, ...(bias === undefined ? {} : { bias }) },
      { transposeA: false, transposeB: false, activation: "linear" }
    )
    return { ...out, shape: [R, N] }
  }

  free(...infos: Array<tf.TensorInfo>): void {
    for (const i of infos) this.backend.disposeData(i.dataId)
  }
  /** A new float32 tensor info holding `values`. */
  constant(values: Float32Array, shape: Array<number>): tf.TensorInfo {
    return this.backend.makeOutput(shape, "float32", undefined, values)
  }
  private offset(info: tf.TensorInfo): number {
    const d = this.backend.dataIdMap.get(info.dataId)
    if (d === undefined) throw new Error("gruWasm: a tensor is not on the wasm backend")
    return d.memoryOffset
  }
  /** Elements [start, start + size(shape)) of `base` as a tensor info, without a copy. Release with `unview`. */
  view(base: tf.TensorInfo, start: number, shape: Array<number>): tf.TensorInfo {
    return this.backend.makeOutput(shape, "float32", this.offset(base) + 4 * start)
  }
  /** Forget a view; its memory belongs to its base. */
  unview(v: tf.TensorInfo): void {
    const d = this.backend.dataIdMap.get(v.dataId)!
    this.backend.dataIdMap.delete(v.dataId)
    this.backend.wasm.tfjs.disposeData(d.id)
  }
  /** Copy all of `src` into `dst` from element `start`. */
  copy(src: tf.TensorInfo, dst: tf.TensorInfo, start: number): void {
    const n = src.shape.reduce((a, b) => a * b, 1)
    const heap = new Float32Array(this.backend.wasm.HEAPU8.buffer)
    const s = this.offset(src) / 4
    heap.copyWithin(this.offset(dst) / 4 + start, s, s + n)
  }
  /** A tfjs tensor owning `info` (tracked by the engine from here on). */
  tensor(info: tf.TensorInfo): tf.Tensor {
    return tf.engine().makeTensorFromTensorInfo(info, this.backend)
  }
}

/** Whether the raw GRU layer can run: the active backend is wasm. */
export const gruWasmAvailable = (): boolean => tf.getBackend() === "wasm"

/**
 * Per-step scratch: infos made during one step, freed together (views unviewed, the rest freed).
 */
class Scratch {
  private readonly owned: Array<tf.TensorInfo> = []
  private readonly views: Array<tf.TensorInfo> = []
  private readonly raw: Raw
  constructor(raw: Raw) {
    this.raw = raw
  }
  own(i: tf.TensorInfo): tf.TensorInfo {
    this.owned.push(i)
    return i
  }
  view(base: tf.TensorInfo, start: number, shape: Array<number>): tf.TensorInfo {
    const v = this.raw.view(base, start, shape)
    this.views.push(v)
    return v
  }
  clear(): void {
    this.raw.free(...this.owned.splice(0))
    for (const v of this.views.splice(0)) this.raw.unview(v)
  }
}

/**
 * The GRU layer over T steps from h = 0: inputs e [T·R, H] (rows t·R + r), W_i, W_h [H, 3H] and
 * b_i, b_h [3H] (gates r | z | n, PyTorch's GRUCell) → h [T, R, H], differentiable in all five.
 * The input projections are part of the op: each gate's e W_ig + b_ig is one matMul over all
 * steps, so the gates come out gate-major with no transpose and no separate bias pass, and the
 * backward pass gets db_i, db_h and dW_i, dW_h from one transposed buffer each.
 */
export const gruLayerWasm = (T: number, forBackward: boolean) => tf.customGrad((...args) => {
  const [e, wi, bi, wh, bh, save] = args as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  const [TR, H] = e.shape
  const R = TR / T
  const RH = R * H
  const raw = new Raw(tf.backend() as unknown as WasmBackend)
  const s = new Scratch(raw)
  const [wiR, wiZ, wiN] = tf.split(wi, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor] // [H, H] each
  const [biR, biZ, biN] = tf.split(bi, 3) as [tf.Tensor, tf.Tensor, tf.Tensor] // [H] each
  const [whR, whZ, whN] = tf.split(wh, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor]
  const [bhR, bhZ, bhN] = tf.split(bh, 3) as [tf.Tensor, tf.Tensor, tf.Tensor]
  const two = raw.constant(Float32Array.of(2), [])
  const one = raw.constant(Float32Array.of(1), [])
  const h0 = raw.constant(new Float32Array(RH), [R, H])
  // e W_ig + b_ig for every step, per gate: [T·R, H] each.
  const gis = [raw.matMul(e, wiR, biR), raw.matMul(e, wiZ, biZ), raw.matMul(e, wiN, biN)] as const
  // Outputs: h_t, and (for a backward pass) r, z, n, g = h W_hn + b_hn and h_{t−1}: [T, R, H] each.
  const bufs = Array.from({ length: forBackward ? 6 : 1 }, () => raw.backend.makeOutput([T, R, H], "float32"))
  const [HS, RS, ZS, NS, GS, HP] = bufs as [tf.TensorInfo, ...Array<tf.TensorInfo>]
  try {
    if (HP !== undefined) raw.copy(h0, HP, 0)
    for (let t = 0; t < T; t++) {
      const at = t * RH
      const hPrev = t === 0 ? h0 : s.view(HS, at - RH, [R, H]) // h_{t−1}: [R, H]
      const r = s.own(raw.sigmoid(s.own(raw.add(s.view(gis[0], at, [R, H]), s.own(raw.matMul(hPrev, whR, bhR)))))) // [R, H]
      const z = s.own(raw.sigmoid(s.own(raw.add(s.view(gis[1], at, [R, H]), s.own(raw.matMul(hPrev, whZ, bhZ)))))) // [R, H]
      const g = s.own(raw.matMul(hPrev, whN, bhN)) // h W_hn + b_hn: [R, H]
      const a = s.own(raw.add(s.view(gis[2], at, [R, H]), s.own(raw.mul(r, g)))) // [R, H]
      const n = s.own(raw.sub(s.own(raw.mul(s.own(raw.sigmoid(s.own(raw.mul(a, two)))), two)), one)) // tanh a = 2σ(2a) − 1: [R, H]
      const h = s.own(raw.add(n, s.own(raw.mul(z, s.own(raw.sub(hPrev, n)))))) // n + z (h_{t−1} − n): [R, H]
      raw.copy(h, HS, at)
      if (HP !== undefined) {
        raw.copy(r, RS!, at)
        raw.copy(z, ZS!, at)
        raw.copy(n, NS!, at)
        raw.copy(g, GS!, at)
        if (t + 1 < T) raw.copy(h, HP, at + RH)
      }
      s.clear()
    }
  } catch (err) {
    s.clear()
    raw.free(...bufs)
    throw err
  } finally {
    raw.free(two, one, h0, ...gis)
  }
  const [hs, ...forGrad] = bufs.map((b) => raw.tensor(b)) as [tf.Tensor, ...Array<tf.Tensor>]
  if (forBackward) save([e, ...forGrad, wiR, wiZ, wiN, whR, whZ, whN])
  return {
    value: hs as tf.Tensor3D, // [T, R, H]
    gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
      if (saved.length === 0) throw new Error("gruLayerWasm: a backward pass through a forward run with forBackward = false")
      const [eK, rsK, zsK, nsK, gsK, hpK, ...ws] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, ...Array<tf.Tensor>]
      const [wiRT, wiZT, wiNT, whRT, whZT, whNT] = ws.map((w) => tf.transpose(w)) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor] // [H, H]
      const one = raw.constant(Float32Array.of(1), [])
      // The gate gradients, gate-major [dn | dr | dz | dn ⊙ r]: [4, T·R, H]. Blocks 0–2 are dgi
      // (n, r, z) and blocks 1–3 are dgh (r, z, n), so each is one contiguous [3, T·R, H].
      const D = raw.backend.makeOutput([4, TR, H], "float32")
      const block = TR * H
      let de: tf.TensorInfo | undefined
      let carry: tf.TensorInfo | undefined // the gradient reaching h_t from step t + 1: [R, H]
      try {
        for (let t = T - 1; t >= 0; t--) {
          const at = t * RH
          const [r, z, n, g, hPrev] = [rsK, zsK, nsK, gsK, hpK].map((b) => s.view(b, at, [R, H])) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo]
          const dyT = s.view(dy, at, [R, H])
          const dhNext = carry
          carry = undefined
          const dh = dhNext === undefined ? dyT : s.own(raw.add(dyT, s.own(dhNext))) // [R, H]
          const omz = s.own(raw.sub(one, z)) // 1 − z
          const dn = s.own(raw.mul(s.own(raw.mul(dh, omz)), s.own(raw.sub(one, s.own(raw.mul(n, n)))))) // dh (1 − z)(1 − n²)
          const dz = s.own(raw.mul(s.own(raw.mul(dh, s.own(raw.sub(hPrev, n)))), s.own(raw.mul(z, omz)))) // dh (h_{t−1} − n) z(1 − z)
          const dr = s.own(raw.mul(s.own(raw.mul(dn, g)), s.own(raw.mul(r, s.own(raw.sub(one, r)))))) // dn g r(1 − r)
          const dg = s.own(raw.mul(dn, r)) // dn ⊙ r
          raw.copy(dn, D, at)
          raw.copy(dr, D, block + at)
          raw.copy(dz, D, 2 * block + at)
          raw.copy(dg, D, 3 * block + at)
          if (t > 0) {
            // dh_{t−1} = dh ⊙ z + [dr, dz, dn ⊙ r] W_hᵀ: [R, H]
            const viaR = s.own(raw.add(s.own(raw.mul(dh, z)), s.own(raw.matMul(dr, whRT))))
            const viaZN = s.own(raw.add(s.own(raw.matMul(dz, whZT)), s.own(raw.matMul(dg, whNT))))
            carry = raw.add(viaR, viaZN) // kept past this step's clear
          }
          s.clear()
        }
        // de = Σ_g dgi_g W_igᵀ: [T·R, H]
        const [dN, dR, dZ] = [0, 1, 2].map((k) => s.view(D, k * block, [TR, H])) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo]
        de = raw.add(s.own(raw.add(s.own(raw.matMul(dR, wiRT)), s.own(raw.matMul(dZ, wiZT)))), s.own(raw.matMul(dN, wiNT)))
        s.clear()
      } catch (err) {
        s.clear()
        raw.free(...[carry, de].filter((i) => i !== undefined), D)
        throw err
      } finally {
        raw.free(one)
      }
      // Σ over steps and rows as products with the transposed gradients Dᵀ: [4H, T·R], rows gate-major.
      const DT = tf.reshape(tf.transpose(raw.tensor(D), [0, 2, 1]), [4 * H, TR])
      const dgiT = s.view(DT, 0, [3 * H, TR]) // [dn | dr | dz]ᵀ
      const dghT = s.view(DT, block, [3 * H, TR]) // [dr | dz | dn ⊙ r]ᵀ
      const ones = tf.ones([TR, 1])
      // dW = Σ_t inputᵀ dgate = (dgateᵀ input)ᵀ (the narrow input is XNNPACK's packed operand), db = dgateᵀ 1.
      const [wiNRZ, biNRZ, whT, bhT] = [raw.matMul(dgiT, eK), raw.matMul(dgiT, ones), raw.matMul(dghT, { ...hpK, shape: [TR, H] }), raw.matMul(dghT, ones)].map((i) => raw.tensor(i))
      s.clear()
      const rzn = (x: tf.Tensor) => tf.concat([tf.slice(x, H, 2 * H), tf.slice(x, 0, H)]) // rows (n, r, z) → (r, z, n)
      const dWi = tf.transpose(rzn(wiNRZ!)) // [H, 3H]
      const dBi = tf.reshape(rzn(biNRZ!), [3 * H]) // [3H]
      const dWh = tf.transpose(whT!) // [H, 3H]
      const dBh = tf.reshape(bhT!, [3 * H]) // [3H]
      return [raw.tensor(de), dWi, dBi, dWh, dBh]
    }
  }
})
