/**
 * The agent's fc1 and GRU layers on the native backend as TensorFlow graphs (`tfGraph.ts`):
 * gruSteps.ts's program, which `gruNative.ts` runs one eager call per op, here as graph nodes, a
 * chunk of time steps per native call. The results are the same bits
 * (`spec/smac-train/gruGraph.test.ts` compares the two paths byte for byte); between the graphs
 * only copies happen (concat, slice, reshape), which move values without rounding.
 *
 * Why chunks and not one graph per episode length: a graph unrolled over all T = 121 steps took
 * 2–3 s to load and about 19 MB per graph here, and every batch's T can differ. Chunks of
 * 16, 8, 4, 2 and 1 steps cover any T (121 = 7·16 + 8 + 1) with at most 5 forward and 20
 * backward graphs per hidden width, each loaded once.
 *
 * Per pass (gruSteps.ts has the equations):
 * - prologue, once: e = relu(x W1 + b1), gi = e W_i + b_i split into gi_rz [T·R, 2H], gi_n;
 * - forward chunk of C steps from step t0: h_{t0} and gi_rz, gi_n viewed as [T, R, ·] and sliced
 *   to the chunk inside → h per step packed [C, R, H], the last h, and for the backward pass RZ,
 *   N, G, H−N packed [C, R, ·];
 * - backward chunk, from the chunk's last step down: the carried dh (absent for the chunk that
 *   holds T − 1), dy [T, R, H] sliced inside, and the chunk's own RZ, N, G, H−N [C, R, ·] as its
 *   forward chunk packed them (not joined over T and sliced again: two copies of the largest
 *   values fewer) → drz, dn, dgh stacked over the chunk's steps [C·R, ·] and the dh carried to
 *   step t0 − 1 (absent for the chunk at 0);
 * - epilogue, once: dgi, the weight gradients and the bias sums.
 */
import * as tf from "@tensorflow/tfjs"
import { DT_FLOAT, DT_INT32, GraphBuilder, graphsSupported, LoadedGraph, type Out } from "./tfGraph.ts"
import { checkGruLayerArgs } from "./gruLayerArgs.ts"
import { backwardStep, forwardStep, type GruConsts, type GruOps, inputLayers, type Kept, weightGradients } from "./gruSteps.ts"
import { gruNativeAvailable } from "./gruNative.ts"

/** Whether the graph path can run: the eager native path's conditions, and the binding's SavedModel calls. */
export const gruGraphAvailable = (): boolean => gruNativeAvailable() && graphsSupported(tf.backend())

const T_ATTR = { T: { type: DT_FLOAT } }

/** The chunk lengths, longest first: a run of T steps is as many of each as fit, in this order. */
const CHUNKS = [16, 8, 4, 2, 1] as const

/** [first step, length] of each chunk covering steps 0 … T − 1. */
export const chunksOf = (T: number): Array<readonly [number, number]> => {
  const out: Array<readonly [number, number]> = []
  let t = 0
  for (const c of CHUNKS) {
    while (T - t >= c) {
      out.push([t, c])
      t += c
    }
  }
  return out
}

/** gruSteps.ts's ops as graph nodes. */
class Nodes implements GruOps<Out> {
  readonly g = new GraphBuilder()
  readonly c: GruConsts<Out>
  constructor(H: number) {
    this.c = { axis0: this.g.int32([0], []), axis1: this.g.int32([1], []), rzAndN: this.g.int32([2 * H, H], [2]), halves: this.g.int32([H, H], [2]), rows: this.g.int32([0], [1]) }
  }
  matMul(a: Out, b: Out, plain: boolean, transposeA = false, transposeB = false): Out {
    return plain
      ? this.g.node("MatMul", [a, b], { ...T_ATTR, transpose_a: { b: transposeA }, transpose_b: { b: transposeB } })
      : this.g.node("BatchMatMulV2", [a, b], { ...T_ATTR, adj_x: { b: transposeA }, adj_y: { b: transposeB } })
  }
  biasAdd(x: Out, bias: Out): Out {
    return this.g.node("BiasAdd", [x, bias], T_ATTR)
  }
  unary(op: "Relu" | "Sigmoid" | "Tanh", x: Out): Out {
    return this.g.node(op, [x], T_ATTR)
  }
  binary(op: "AddV2" | "Sub" | "Mul" | "TanhGrad" | "SigmoidGrad" | "ReluGrad", a: Out, b: Out): Out {
    return this.g.node(op, [a, b], T_ATTR)
  }
  splitV(x: Out, sizes: Out, k: number, axis: Out): Array<Out> {
    return this.g.outputs(this.g.node("SplitV", [x, sizes, axis], { ...T_ATTR, num_split: { i: k }, Tlen: { type: DT_INT32 } }), k)
  }
  concat(xs: ReadonlyArray<Out>, axis: Out): Out {
    if (xs.length === 1) return this.g.node("Identity", xs, T_ATTR)
    return this.g.node("ConcatV2", [...xs, axis], { ...T_ATTR, N: { i: xs.length }, Tidx: { type: DT_INT32 } })
  }
  sum(x: Out, axes: Out): Out {
    return this.g.node("Sum", [x, axes], { ...T_ATTR, keep_dims: { b: false }, Tidx: { type: DT_INT32 } })
  }
  drop(): void {} // a graph's intermediate values live inside one run
  pack(xs: ReadonlyArray<Out>): Out {
    return this.g.node("Pack", xs, { ...T_ATTR, N: { i: xs.length }, axis: { i: 0 } })
  }
  /** Steps begin[0] … begin[0] + C − 1 of x [T, R, n], one [R, n] per step. */
  steps(x: Out, begin: Out, C: number): Array<Out> {
    return this.unpack(this.g.node("Slice", [x, begin, this.g.int32([C, -1, -1], [3])], { ...T_ATTR, Index: { type: DT_INT32 } }), C)
  }
  /** x [C, R, n] as one [R, n] per step. */
  unpack(x: Out, C: number): Array<Out> {
    return this.g.outputs(this.g.node("Unpack", [x], { ...T_ATTR, num: { i: C }, axis: { i: 0 } }), C)
  }
}

type Build = (o: Nodes) => { inputs: Array<Out>; outputs: Array<Out> }

/** The graphs loaded so far, per backend instance (a re-registered backend has new sessions). */
const loaded = new WeakMap<tf.KernelBackend, Map<string, LoadedGraph>>()
const graph = (key: string, H: number, build: Build): LoadedGraph => {
  const backend = tf.backend()
  let graphs = loaded.get(backend)
  if (graphs === undefined) loaded.set(backend, graphs = new Map())
  let g = graphs.get(key)
  if (g === undefined) {
    const o = new Nodes(H)
    const { inputs, outputs } = build(o)
    g = new LoadedGraph(backend, o.g, inputs, outputs)
    graphs.set(key, g)
  }
  return g
}

const prologue = (H: number) => graph(`prologue ${H}`, H, (o) => {
  const ins = ["x", "w1", "b1", "wi", "bi"].map((n) => o.g.input(n))
  const [x, w1, b1, wi, bi] = ins as [Out, Out, Out, Out, Out]
  const { e, giRZ, giN } = inputLayers(o, o.c, x, w1, b1, wi, bi)
  return { inputs: ins, outputs: [e, giRZ, giN] }
})

const forwardChunk = (C: number, H: number, keep: boolean) => graph(`forward ${C} ${H} ${keep}`, H, (o) => {
  const ins = [o.g.input("h"), o.g.input("gi_rz"), o.g.input("gi_n"), o.g.input("begin", DT_INT32), o.g.input("wh"), o.g.input("bh")]
  const [h0, giRZ, giN, begin, wh, bh] = ins as [Out, Out, Out, Out, Out, Out]
  const [giRZs, giNs] = [o.steps(giRZ, begin, C), o.steps(giN, begin, C)]
  const hs: Array<Out> = []
  const kept: Array<Kept<Out>> = []
  let h = h0
  for (let t = 0; t < C; t++) {
    const step = forwardStep(o, o.c, wh, bh, H <= 64, h, giRZs[t]!, giNs[t]!, keep)
    h = step.h
    hs.push(h)
    if (step.kept) kept.push(step.kept)
  }
  return { inputs: ins, outputs: [o.pack(hs), h, ...(keep ? [0, 1, 2, 3].map((j) => o.pack(kept.map((k) => k[j]!))) : [])] }
})

const backwardChunk = (C: number, H: number, carryIn: boolean, carryOut: boolean) => graph(`backward ${C} ${H} ${carryIn} ${carryOut}`, H, (o) => {
  const ins = [...(carryIn ? [o.g.input("carry")] : []), ...["dy", "rz", "n", "g", "hmn"].map((n) => o.g.input(n)), o.g.input("begin", DT_INT32), o.g.input("wh")]
  const [dy, RZ, N, G, HMN, begin, wh] = ins.slice(carryIn ? 1 : 0) as [Out, Out, Out, Out, Out, Out, Out]
  const dys = o.steps(dy, begin, C) // dy [T, R, H] sliced to the chunk
  const [rzs, ns, gs, hmns] = [RZ, N, G, HMN].map((k) => o.unpack(k, C)) as [Array<Out>, Array<Out>, Array<Out>, Array<Out>] // the chunk's own [C, R, ·]
  const [drzs, dns, dghs]: Array<Array<Out>> = [new Array(C), new Array(C), new Array(C)]
  let carry: Out | undefined = carryIn ? ins[0] : undefined // the gradient reaching h_t from step t + 1: [R, H]
  for (let t = C - 1; t >= 0; t--) {
    const step = backwardStep(o, o.c, wh, dys[t]!, carry, [rzs[t]!, ns[t]!, gs[t]!, hmns[t]!], t > 0 || carryOut)
    ;[drzs[t], dns[t], dghs[t], carry] = [step.drz, step.dn, step.dgh, step.carry]
  }
  return { inputs: ins, outputs: [...[drzs, dns, dghs].map((xs) => o.concat(xs, o.c.axis0)), ...(carryOut ? [carry!] : [])] }
})

const epilogue = (H: number) => graph(`epilogue ${H}`, H, (o) => {
  const ins = ["x", "wi", "e", "hprev", "drz", "dn", "dgh"].map((n) => o.g.input(n))
  const [x, wi, e, hPrev, drz, dn, dgh] = ins as [Out, Out, Out, Out, Out, Out, Out]
  return { inputs: ins, outputs: weightGradients(o, o.c, x, wi, e, hPrev, drz, dn, dgh) }
})

/** `gruAgentLayersNative`'s signature and results, a chunk of steps per native call. */
export const gruAgentLayersGraph = (T: number, forBackward: boolean, x: tf.Tensor2D) => tf.customGrad((...args) => {
  const [w1, b1, wi, bi, wh, bh, save] = args as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  const { R, H } = checkGruLayerArgs("gruAgentLayersGraph", T, x, [w1, b1, wi, bi, wh, bh])
  const chunks = chunksOf(T)
  const beginsOf = () => chunks.map(([t0]) => tf.tensor1d([t0, 0, 0], "int32")) // where each chunk starts in [T, R, ·]
  const begins = beginsOf()
  const [e, giRZ, giN] = prologue(H).run([x, w1, b1, wi, bi]) as [tf.Tensor, tf.Tensor, tf.Tensor]
  const [giRZ3, giN3] = [tf.reshape(giRZ, [T, R, 2 * H]), tf.reshape(giN, [T, R, H])]
  const h0 = tf.zeros([R, H])
  const perChunk: Array<Array<tf.Tensor>> = [] // per chunk: hs, and if forBackward RZ, N, G, H−N
  let h = h0
  chunks.forEach(([, C], k) => {
    const [hs, last, ...kept] = forwardChunk(C, H, forBackward).run([h, giRZ3, giN3, begins[k]!, wh, bh]) as [tf.Tensor, tf.Tensor, ...Array<tf.Tensor>]
    if (h !== h0) h.dispose()
    h = last
    perChunk.push([hs, ...kept])
  })
  h.dispose()
  const hsT = tf.concat(perChunk.map((c) => c[0]!)) as tf.Tensor3D // [T, R, H]
  if (forBackward) {
    const hPrev = tf.concat([h0, tf.reshape(tf.slice(hsT, [0, 0, 0], [T - 1, R, H]), [(T - 1) * R, H])]) // h_{t−1} for every step: [T·R, H]
    save([x, wi, wh, e, hPrev, ...perChunk.flatMap((c) => c.slice(1))]) // then per chunk RZ, N, G, H−N: [C, R, ·]
  } else {
    e.dispose()
  }
  tf.dispose([giRZ, giN, giRZ3, giN3, h0, ...begins, ...perChunk.map((c) => c[0]!)])
  return {
    value: hsT, // [T, R, H]
    gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
      if (saved.length === 0) throw new Error("gruAgentLayersGraph: a backward pass through a forward run with forBackward = false")
      const [xK, wiK, whK, eK, hpK, ...kept] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, ...Array<tf.Tensor>] // kept: 4 per chunk
      const begins = beginsOf()
      const parts: Array<Array<tf.Tensor>> = new Array(chunks.length) // per chunk: drz, dn, dgh
      let carry: tf.Tensor | undefined
      for (let k = chunks.length - 1; k >= 0; k--) {
        const [t0, C] = chunks[k]!
        const out = backwardChunk(C, H, carry !== undefined, t0 > 0).run([...(carry ? [carry] : []), dy, ...kept.slice(4 * k, 4 * k + 4), begins[k]!, whK])
        carry?.dispose()
        carry = t0 > 0 ? out[3] : undefined
        parts[k] = out.slice(0, 3)
      }
      const [drz, dn, dgh] = [0, 1, 2].map((j) => tf.concat(parts.map((p) => p[j]!))) as [tf.Tensor, tf.Tensor, tf.Tensor]
      const grads = epilogue(H).run([xK, wiK, eK, hpK, drz, dn, dgh])
      tf.dispose([drz, dn, dgh, ...parts.flat(), ...begins])
      return grads
    }
  }
})
