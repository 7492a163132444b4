/**
 * The agent's fc1 and GRU layers (`gru.ts`) on the native TensorFlow backend (tfjs-node), run as
 * TensorFlow eager ops called through tfjs-node's binding.
 *
 * Why: the recurrence is 121 steps of small ops on [R, H] = [160, 64] tensors. Through tfjs's
 * engine each op on this backend costs 25–35 µs (scope and tape bookkeeping, tensor tracking,
 * attribute objects built per call) and tfjs-node runs every matMul as BatchMatMulV2 (110 µs on
 * [160, 64] × [64, 192]); the binding's own `executeOp` costs 7–12 µs for an elementwise op
 * and 29 µs for MatMul on the same shapes (measured here, TF 2.21). So here:
 *
 * - the gates are fused as gru.ts stores them: one matMul by W_h [H, 3H] per step, SplitV into
 *   r|z and n; σ on r|z at once; TensorFlow's TanhGrad and SigmoidGrad in the backward pass;
 * - a step's inputs come from one Split of all steps' input projections (one op, T outputs);
 * - per-step results are packed once at the end (hidden states, and for the backward pass
 *   r|z, n, h W_hn + b_hn and h_{t−1} − n);
 * - every handle made here is deleted before the op returns, also when an op throws, except the
 *   outputs, which are handed to tfjs (`spec/smac-train/gru.test.ts` checks the backend's data
 *   count).
 *
 * Forward, per step (gate order r | z | n, PyTorch's GRUCell):
 *   gh = h W_h + b_h                [gh_rz | g]         rz = σ(gi_rz + gh_rz)
 *   n  = tanh(gi_n + r ⊙ g)         h' = n + z ⊙ (h − n)
 * Backward (gru.ts's comment), per step with dh the gradient reaching h_t:
 *   dn = tanh'(n) ⊙ dh (1 − z)      drz = σ'(rz) ⊙ [dn ⊙ g, dh ⊙ (h − n)]
 *   dgi = [drz, dn]                 dgh = [drz, dn ⊙ r]       dh_{t−1} = dh ⊙ z + dgh W_hᵀ
 * then dW_h = Σ_t h_{t−1}ᵀ dgh_t, dW_i = Σ_t e_tᵀ dgi_t and the biases' sums, as one MatMul
 * and one Sum each over all steps.
 *
 * The binding's interface (`executeOp`, `createTensor`, `deleteTensor`, the TF_* constants) and
 * the backend's `getInputTensorIds`/`createOutputTensor` are internal to tfjs-node: read from
 * version 4.22.0 (`setup:native` installs it at tfjs's pinned version); with any other version
 * the tfjs-op path of gru.ts runs instead.
 */
import * as tf from "@tensorflow/tfjs"
import { checkGruLayerArgs, installedVersion } from "./gruLayerArgs.ts"

/** What an op returns: a TFE tensor handle's id, shape and TF dtype. */
interface OutputMetadata {
  readonly id: number
  readonly shape: Array<number>
  readonly dtype: number
}

interface Attr {
  readonly name: string
  readonly type: number
  readonly value: number | boolean | Array<number>
}

/** The members of tfjs-node's binding (`tfjs_binding.node`) used here. */
interface Binding {
  executeOp(name: string, attrs: Array<Attr>, inputs: Array<number>, outputs: number): Array<OutputMetadata>
  createTensor(shape: Array<number>, dtype: number, values: Float32Array | Int32Array): number
  deleteTensor(id: number): void
  readonly TF_FLOAT: number
  readonly TF_INT32: number
  readonly TF_ATTR_TYPE: number
  readonly TF_ATTR_BOOL: number
  readonly TF_ATTR_INT: number
}

/** The members of tfjs-node's NodeJSKernelBackend used here. */
interface NodeBackend extends tf.KernelBackend {
  readonly binding: Binding
  getInputTensorIds(tensors: Array<tf.Tensor>): Array<number>
  createOutputTensor(metadata: OutputMetadata): tf.Tensor
}

/** The tfjs-node version whose internals this file calls. */
export const GRU_NATIVE_VERSION = "4.22.0"

/**
 * Whether the native layers can run: the active backend is tfjs-node's (or tfjs-node-gpu's, the
 * same JavaScript over a GPU build), of the version they were written against.
 */
export const gruNativeAvailable = (): boolean => {
  if (tf.getBackend() !== "tensorflow") return false
  if ((installedVersion("@tensorflow/tfjs-node") ?? installedVersion("@tensorflow/tfjs-node-gpu")) !== GRU_NATIVE_VERSION) return false
  const b = tf.backend() as Partial<NodeBackend>
  return typeof b.binding?.executeOp === "function" && typeof b.getInputTensorIds === "function" && typeof b.createOutputTensor === "function"
}

type Id = number

/**
 * Eager ops on handle ids, and the handles they make: every handle made through one `Ops` is
 * deleted by its `release()`, except those handed to tfjs with `take`.
 */
class Ops {
  private readonly backend: NodeBackend
  private readonly b: Binding
  private readonly owned = new Map<Id, Array<number>>() // id → shape
  private readonly T: Attr
  private readonly intList: Attr
  constructor(backend: NodeBackend) {
    this.backend = backend
    this.b = backend.binding
    this.T = { name: "T", type: this.b.TF_ATTR_TYPE, value: this.b.TF_FLOAT }
    this.intList = { name: "Tlen", type: this.b.TF_ATTR_TYPE, value: this.b.TF_INT32 }
  }

  /** The handle of a tfjs tensor on this backend (owned by tfjs: not released here). */
  id(t: tf.Tensor): Id {
    return this.backend.getInputTensorIds([t])[0]!
  }
  private run(name: string, attrs: Array<Attr>, inputs: Array<Id>, outputs: number): Array<Id> {
    return this.b.executeOp(name, attrs, inputs, outputs).map((m) => {
      this.owned.set(m.id, m.shape)
      return m.id
    })
  }
  private one(name: string, attrs: Array<Attr>, inputs: Array<Id>): Id {
    return this.run(name, attrs, inputs, 1)[0]!
  }
  /** A new handle holding `values`. */
  const(shape: Array<number>, values: Float32Array | Int32Array): Id {
    const id = this.b.createTensor(shape, values instanceof Int32Array ? this.b.TF_INT32 : this.b.TF_FLOAT, values)
    this.owned.set(id, shape)
    return id
  }
  /**
   * a [m, k] · b [k, n] (either transposed first if asked) → [m, n], as TensorFlow's MatMul
   * (`plain`) or as BatchMatMulV2, the op tfjs-node runs for every tfjs matMul. MatMul is about
   * 2.5× cheaper on the per-step shapes, but with a small m and k above 64 (e.g. [160, 192] ·
   * [192, 64]) it corrupted the heap here under V8's sampling profiler (`node --cpu-prof`), in
   * a plain loop of binding calls too (TF 2.21); BatchMatMulV2 did not. So MatMul only where
   * k ≤ 64 or m is large. (Whole updates still abort under `--cpu-prof`, session 15; without it,
   * 120 updates of the four learners under glibc's checking allocator, LD_PRELOAD=
   * libc_malloc_debug.so.0 MALLOC_CHECK_=3, were clean. An earlier check without the preload
   * checked nothing: glibc ≥ 2.34 ignores MALLOC_CHECK_ alone.)
   */
  matMul(a: Id, b: Id, plain: boolean, transposeA = false, transposeB = false): Id {
    const bool = (name: string, value: boolean): Attr => ({ name, type: this.b.TF_ATTR_BOOL, value })
    return plain
      ? this.one("MatMul", [this.T, bool("transpose_a", transposeA), bool("transpose_b", transposeB)], [a, b])
      : this.one("BatchMatMulV2", [this.T, bool("adj_x", transposeA), bool("adj_y", transposeB)], [a, b])
  }
  /** x [m, n] + bias [n]. */
  biasAdd(x: Id, bias: Id): Id {
    return this.one("BiasAdd", [this.T], [x, bias])
  }
  unary(name: "Relu" | "Sigmoid" | "Tanh", x: Id): Id {
    return this.one(name, [this.T], [x])
  }
  binary(name: "AddV2" | "Sub" | "Mul" | "TanhGrad" | "SigmoidGrad" | "ReluGrad", a: Id, b: Id): Id {
    return this.one(name, [this.T], [a, b])
  }
  /** x split along `axis` (an int32 scalar handle) into pieces of `sizes` (an int32 [k] handle). */
  splitV(x: Id, sizes: Id, k: number, axis: Id): Array<Id> {
    return this.run("SplitV", [{ name: "num_split", type: this.b.TF_ATTR_INT, value: k }, this.T, this.intList], [x, sizes, axis], k)
  }
  /** xs joined along `axis` (an int32 scalar handle). */
  concat(xs: Array<Id>, axis: Id): Id {
    return this.one("ConcatV2", [
      { name: "N", type: this.b.TF_ATTR_INT, value: xs.length },
      this.T,
      { name: "Tidx", type: this.b.TF_ATTR_TYPE, value: this.b.TF_INT32 }
    ], [...xs, axis])
  }
  /** xs stacked along a new first axis. */
  pack(xs: Array<Id>): Id {
    return this.one("Pack", [{ name: "N", type: this.b.TF_ATTR_INT, value: xs.length }, this.T, { name: "axis", type: this.b.TF_ATTR_INT, value: 0 }], xs)
  }
  /** x [k, …] as its k slices [ … ]. */
  unpack(x: Id, k: number): Array<Id> {
    return this.run("Unpack", [{ name: "num", type: this.b.TF_ATTR_INT, value: k }, this.T, { name: "axis", type: this.b.TF_ATTR_INT, value: 0 }], [x], k)
  }
  /** Σ over the axes in `axes` (an int32 [k] handle). */
  sum(x: Id, axes: Id): Id {
    return this.one("Sum", [{ name: "keep_dims", type: this.b.TF_ATTR_BOOL, value: false }, this.T, { name: "Tidx", type: this.b.TF_ATTR_TYPE, value: this.b.TF_INT32 }], [x, axes])
  }
  /** Hand a handle to tfjs: a tensor the engine tracks from here on. */
  take(id: Id): tf.Tensor {
    const shape = this.owned.get(id)
    if (shape === undefined) throw new Error("gruNative: a handle taken twice or not made here")
    this.owned.delete(id)
    return this.backend.createOutputTensor({ id, shape, dtype: this.b.TF_FLOAT })
  }
  /** Delete the handles `ids` now (each made here). */
  drop(ids: Array<Id>): void {
    for (const id of ids) if (this.owned.delete(id)) this.b.deleteTensor(id)
  }
  release(): void {
    for (const id of this.owned.keys()) this.b.deleteTensor(id)
    this.owned.clear()
  }
}

/**
 * The agent's layers up to the GRU over T steps from h = 0, for inputs x [T·R, I] (rows t·R + r):
 *   e_t = relu(x_t W1 + b1)      gates from e_t W_i + b_i and h W_h + b_h (r | z | n)
 * with W1 [I, H], b1 [H], W_i, W_h [H, 3H], b_i, b_h [3H] → h [T, R, H], differentiable in the
 * six parameters (x is data: it gets no gradient). `forBackward`: whether the gradient tape is
 * running, i.e. whether to keep what the backward pass needs. The signature of gruWasm.ts's
 * `gruAgentLayersWasm`.
 */
export const gruAgentLayersNative = (T: number, forBackward: boolean, x: tf.Tensor2D) => tf.customGrad((...args) => {
  const [w1, b1, wi, bi, wh, bh, save] = args as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  const { R, H } = checkGruLayerArgs("gruAgentLayersNative", T, x, [w1, b1, wi, bi, wh, bh])
  const o = new Ops(tf.backend() as unknown as NodeBackend)
  const outputs: Array<tf.Tensor> = []
  try {
    const [axis0, axis1] = [o.const([], Int32Array.of(0)), o.const([], Int32Array.of(1))]
    const rzAndN = o.const([2], Int32Array.of(2 * H, H))
    const halves = o.const([2], Int32Array.of(H, H))
    const xW1 = o.matMul(o.id(x), o.id(w1), true) // m = T·R
    const pre = o.biasAdd(xW1, o.id(b1))
    const e = o.unary("Relu", pre) // e = relu(x W1 + b1): [T·R, H]
    const eWi = o.matMul(e, o.id(wi), true)
    const gi = o.biasAdd(eWi, o.id(bi)) // e W_i + b_i: [T·R, 3H]
    const [giRZ, giN] = o.splitV(gi, rzAndN, 2, axis1) as [Id, Id] // [T·R, 2H], [T·R, H]
    const steps = o.const([T], new Int32Array(T).fill(R))
    const giRZs = o.splitV(giRZ, steps, T, axis0) // [R, 2H] per step
    const giNs = o.splitV(giN, steps, T, axis0) // [R, H] per step
    o.drop([xW1, pre, eWi, gi, giRZ, giN])
    const [whId, bhId] = [o.id(wh), o.id(bh)]
    const h0 = o.const([R, H], new Float32Array(R * H))
    const hs: Array<Id> = []
    const kept: Array<[Id, Id, Id, Id]> = [] // per step: rz, n, g, h_{t−1} − n
    let h = h0
    for (let t = 0; t < T; t++) {
      const ghRaw = o.matMul(h, whId, H <= 64) // m = R, k = H
      const gh = o.biasAdd(ghRaw, bhId) // h W_h + b_h: [R, 3H]
      const [ghRZ, g] = o.splitV(gh, rzAndN, 2, axis1) as [Id, Id] // [R, 2H], [R, H]
      const aRZ = o.binary("AddV2", giRZs[t]!, ghRZ)
      const rz = o.unary("Sigmoid", aRZ) // [r | z]: [R, 2H]
      const [r, z] = o.splitV(rz, halves, 2, axis1) as [Id, Id]
      const rg = o.binary("Mul", r, g)
      const aN = o.binary("AddV2", giNs[t]!, rg)
      const n = o.unary("Tanh", aN) // n = tanh(gi_n + r ⊙ g): [R, H]
      const hMinusN = o.binary("Sub", h, n)
      const zh = o.binary("Mul", z, hMinusN)
      h = o.binary("AddV2", n, zh) // h_t = n + z (h_{t−1} − n): [R, H]
      hs.push(h)
      if (forBackward) kept.push([rz, n, g, hMinusN])
      // A step's temporaries are deleted once used, so the op holds only what it keeps.
      o.drop([ghRaw, gh, ghRZ, aRZ, r, z, rg, aN, zh, giRZs[t]!, giNs[t]!, ...(forBackward ? [] : [rz, n, g, hMinusN])])
    }
    outputs.push(o.take(o.pack(hs)))
    if (forBackward) {
      const packed = [0, 1, 2, 3].map((j) => o.take(o.pack(kept.map((k) => k[j]!)))) // RZ [T, R, 2H], N, G, H−N [T, R, H]
      const hPrev = o.take(o.concat([h0, ...hs.slice(0, T - 1)], axis0)) // h_{t−1} for every step: [T·R, H]
      outputs.push(o.take(e), hPrev, ...packed)
    }
  } finally {
    o.release()
  }
  const [hsT, ...forGrad] = outputs as [tf.Tensor, ...Array<tf.Tensor>]
  if (forBackward) save([x, wi, wh, ...forGrad])
  return {
    value: hsT as tf.Tensor3D, // [T, R, H]
    gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
      if (saved.length === 0) throw new Error("gruAgentLayersNative: a backward pass through a forward run with forBackward = false")
      const [xK, wiK, whK, eK, hpK, rzK, nK, gK, hmnK] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
      const b = new Ops(tf.backend() as unknown as NodeBackend)
      const grads: Array<tf.Tensor> = []
      try {
        const [axis0, axis1] = [b.const([], Int32Array.of(0)), b.const([], Int32Array.of(1))]
        const halves = b.const([2], Int32Array.of(H, H))
        const [dys, rzs, ns, gs, hmns] = [dy, rzK, nK, gK, hmnK].map((k) => b.unpack(b.id(k), T)) as [Array<Id>, Array<Id>, Array<Id>, Array<Id>, Array<Id>]
        const whId = b.id(whK)
        const drzs: Array<Id> = new Array(T)
        const dns: Array<Id> = new Array(T)
        const dghs: Array<Id> = new Array(T)
        let carry: Id | undefined // the gradient reaching h_t from step t + 1: [R, H]
        for (let t = T - 1; t >= 0; t--) {
          const dh = carry === undefined ? dys[t]! : b.binary("AddV2", dys[t]!, carry) // [R, H]
          const [r, z] = b.splitV(rzs[t]!, halves, 2, axis1) as [Id, Id]
          const dhz = b.binary("Mul", dh, z)
          const dn = b.binary("TanhGrad", ns[t]!, b.binary("Sub", dh, dhz)) // dh (1 − z)(1 − n²): [R, H]
          const drz = b.binary("SigmoidGrad", rzs[t]!, b.concat([b.binary("Mul", dn, gs[t]!), b.binary("Mul", dh, hmns[t]!)], axis1)) // [dr, dz]: [R, 2H]
          const dgh = b.concat([drz, b.binary("Mul", dn, r)], axis1) // [dr, dz, dn ⊙ r]: [R, 3H]
          ;[drzs[t], dns[t], dghs[t]] = [drz, dn, dgh]
          if (t > 0) carry = b.binary("AddV2", dhz, b.matMul(dgh, whId, false, false, true) /* m = R, k = 3H */) // dh_{t−1} = dh ⊙ z + dgh W_hᵀ: [R, H]
        }
        const dgi = b.concat([b.concat(drzs, axis0), b.concat(dns, axis0)], axis1) // [T·R, 3H]
        const dgh = b.concat(dghs, axis0) // [T·R, 3H]
        const rows = b.const([1], Int32Array.of(0))
        const dWh = b.matMul(b.id(hpK), dgh, true, true) // Σ_t h_{t−1}ᵀ dgh_t: [H, 3H]
        const dbh = b.sum(dgh, rows) // [3H]
        const dWi = b.matMul(b.id(eK), dgi, true, true) // Σ_t e_tᵀ dgi_t: [H, 3H]
        const dbi = b.sum(dgi, rows)
        const dPre = b.binary("ReluGrad", b.matMul(dgi, b.id(wiK), false, false, true) /* k = 3H */, b.id(eK)) // (dgi W_iᵀ) ⊙ [e > 0]: [T·R, H]
        const dW1 = b.matMul(b.id(xK), dPre, true, true) // [I, H]
        const db1 = b.sum(dPre, rows) // [H]
        grads.push(...[dW1, db1, dWi, dbi, dWh, dbh].map((id) => b.take(id)))
      } finally {
        b.release()
      }
      return grads
    }
  }
})
