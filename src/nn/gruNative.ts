/**
 * The agent's fc1 and GRU layers (`gru.ts`) on the native TensorFlow backend (tfjs-node), run as
 * TensorFlow eager ops called through tfjs-node's binding. Since session 22 the default on node
 * is `gruGraph.ts`, the same ops as TensorFlow graphs a chunk of steps per call (the same bits,
 * faster); this one is its reference and the fallback where the binding cannot load graphs.
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
 * The equations and the op program are in gruSteps.ts, shared with gruGraph.ts.
 *
 * The binding's interface (`executeOp`, `createTensor`, `deleteTensor`, the TF_* constants) and
 * the backend's `getInputTensorIds`/`createOutputTensor` are internal to tfjs-node: read from
 * version 4.22.0 (`setup:native` installs it at tfjs's pinned version); with any other version
 * the tfjs-op path of gru.ts runs instead.
 */
import * as tf from "@tensorflow/tfjs"
import { checkGruLayerArgs, installedVersion } from "./gruLayerArgs.ts"
import { backwardStep, forwardStep, type GruConsts, type GruOps, inputLayers, type Kept, weightGradients } from "./gruSteps.ts"

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

/** The members of tfjs-node's NodeJSKernelBackend used here (and by fastMatMulGrad.ts's native gradients). */
export interface NodeBackend extends tf.KernelBackend {
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
class Ops implements GruOps<Id> {
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
  /** The program's int32 constants for hidden width H. */
  consts(H: number): GruConsts<Id> {
    const scalar = (v: number) => this.const([], Int32Array.of(v))
    return { axis0: scalar(0), axis1: scalar(1), rzAndN: this.const([2], Int32Array.of(2 * H, H)), halves: this.const([2], Int32Array.of(H, H)), rows: this.const([1], Int32Array.of(0)) }
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
  /** xs joined along `axis` (an int32 scalar handle); one piece is copied (ConcatV2 needs two or more, so T = 1 failed before session 22). */
  concat(xs: ReadonlyArray<Id>, axis: Id): Id {
    if (xs.length === 1) return this.one("Identity", [this.T], [...xs])
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
  drop(ids: ReadonlyArray<Id>): void {
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
 * `gruAgentLayersWasm`; the program is gruSteps.ts's, one eager call per op.
 */
export const gruAgentLayersNative = (T: number, forBackward: boolean, x: tf.Tensor2D) => tf.customGrad((...args) => {
  const [w1, b1, wi, bi, wh, bh, save] = args as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  const { R, H } = checkGruLayerArgs("gruAgentLayersNative", T, x, [w1, b1, wi, bi, wh, bh])
  const o = new Ops(tf.backend() as unknown as NodeBackend)
  const outputs: Array<tf.Tensor> = []
  try {
    const c = o.consts(H)
    const { e, giRZ, giN } = inputLayers(o, c, o.id(x), o.id(w1), o.id(b1), o.id(wi), o.id(bi))
    const steps = o.const([T], new Int32Array(T).fill(R))
    const giRZs = o.splitV(giRZ, steps, T, c.axis0) // [R, 2H] per step
    const giNs = o.splitV(giN, steps, T, c.axis0) // [R, H] per step
    o.drop([giRZ, giN])
    const [whId, bhId] = [o.id(wh), o.id(bh)]
    const h0 = o.const([R, H], new Float32Array(R * H))
    const hs: Array<Id> = []
    const kept: Array<Kept<Id>> = []
    let h = h0
    for (let t = 0; t < T; t++) {
      const step = forwardStep(o, c, whId, bhId, H <= 64, h, giRZs[t]!, giNs[t]!, forBackward)
      h = step.h
      hs.push(h)
      if (step.kept) kept.push(step.kept)
    }
    outputs.push(o.take(o.pack(hs)))
    if (forBackward) {
      const packed = [0, 1, 2, 3].map((j) => o.take(o.pack(kept.map((k) => k[j]!)))) // RZ [T, R, 2H], N, G, H−N [T, R, H]
      const hPrev = o.take(o.concat([h0, ...hs.slice(0, T - 1)], c.axis0)) // h_{t−1} for every step: [T·R, H]
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
        const c = b.consts(H)
        const [dys, rzs, ns, gs, hmns] = [dy, rzK, nK, gK, hmnK].map((k) => b.unpack(b.id(k), T)) as [Array<Id>, Array<Id>, Array<Id>, Array<Id>, Array<Id>]
        const whId = b.id(whK)
        const [drzs, dns, dghs]: Array<Array<Id>> = [new Array(T), new Array(T), new Array(T)]
        let carry: Id | undefined // the gradient reaching h_t from step t + 1: [R, H]
        for (let t = T - 1; t >= 0; t--) {
          const step = backwardStep(b, c, whId, dys[t]!, carry, [rzs[t]!, ns[t]!, gs[t]!, hmns[t]!], t > 0)
          ;[drzs[t], dns[t], dghs[t], carry] = [step.drz, step.dn, step.dgh, step.carry]
        }
        const [drz, dn, dgh] = [drzs, dns, dghs].map((xs) => b.concat(xs, c.axis0)) as [Id, Id, Id] // [T·R, ·], steps in order
        grads.push(...weightGradients(b, c, b.id(xK), b.id(wiK), b.id(eK), b.id(hpK), drz, dn, dgh).map((id) => b.take(id)))
      } finally {
        b.release()
      }
      return grads
    }
  }
})
