/**
 * TensorFlow graphs written from TypeScript and run in one native call through tfjs-node's
 * binding (`loadSavedModel` / `runSavedModel`, the path tfjs-node uses for `tf.node.loadSavedModel`).
 *
 * Why: an eager op through the binding costs 10–40 µs of dispatch whatever its size, and a GRU
 * update on SMAC's shapes is about 4,800 small ops (session 22: QMIX at GRU 64 spends 187 of
 * its 169–228 ms inside `executeOp`). A graph runs the same kernels with TensorFlow's executor
 * scheduling them, one call from JavaScript for thousands of nodes.
 *
 * What is written: a SavedModel (`saved_model.pb` only, no variables: every parameter is an
 * input) holding one MetaGraphDef tagged `serve` whose GraphDef is the nodes built here. The
 * protobuf wire format is written by hand (varints and length-delimited fields; field numbers
 * from TensorFlow's `graph.proto`, `node_def.proto`, `attr_value.proto`, `tensor.proto`,
 * `tensor_shape.proto`, `versions.proto`, `meta_graph.proto` and `saved_model.proto`). The
 * binding loads it with TensorFlow's default session options, so Grappler's graph rewrites
 * run; `spec/smac-train/gruGraph.test.ts` checks the results against the eager ops bit for bit.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as tf from "@tensorflow/tfjs"

/** TensorFlow's DataType enum (types.proto). */
export const DT_FLOAT = 1
export const DT_INT32 = 3

/** The GraphDef version written (versions.proto's `producer`): TensorFlow 2.21's GRAPH_DEF_VERSION range. */
const PRODUCER = 1882

class Wire {
  readonly bytes: Array<number> = []
  /** A varint; a negative value as its 64-bit two's complement (10 bytes), as protobuf writes int32/int64. */
  varint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new Error(`tfGraph: not an integer: ${v}`)
    if (v < 0) {
      let u = BigInt(v) + 2n ** 64n
      while (u > 127n) {
        this.bytes.push(Number(u & 127n) | 128)
        u >>= 7n
      }
      this.bytes.push(Number(u))
      return
    }
    while (v > 127) {
      this.bytes.push((v & 127) | 128)
      v = Math.floor(v / 128)
    }
    this.bytes.push(v)
  }
  int(field: number, v: number): void {
    this.varint(field * 8)
    this.varint(v)
  }
  raw(field: number, b: ArrayLike<number>): void {
    this.varint(field * 8 + 2)
    this.varint(b.length)
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!)
  }
  str(field: number, s: string): void {
    this.raw(field, new TextEncoder().encode(s))
  }
  msg(field: number, build: (w: Wire) => void): void {
    const w = new Wire()
    build(w)
    this.raw(field, w.bytes)
  }
}

/** An attribute value (attr_value.proto): a type, an int, a bool, or an int32 constant tensor. */
export type AttrValue =
  | { readonly type: number }
  | { readonly i: number }
  | { readonly b: boolean }
  | { readonly int32Tensor: ReadonlyArray<number>; readonly shape: ReadonlyArray<number> }

const writeAttr = (w: Wire, v: AttrValue): void => {
  if ("type" in v) w.int(6, v.type)
  else if ("i" in v) w.int(3, v.i)
  else if ("b" in v) w.int(5, v.b ? 1 : 0)
  else {
    w.msg(8, (t) => { // TensorProto
      t.int(1, DT_INT32)
      t.msg(2, (s) => { for (const d of v.shape) s.msg(2, (dim) => dim.int(1, d)) }) // TensorShapeProto.dim.size
      t.msg(7, (p) => { for (const x of v.int32Tensor) p.varint(x) }) // int_val, packed
    })
  }
}

/** A node's output, as GraphDef names it: `name` (output 0) or `name:k`. */
export type Out = string

interface NodeDef {
  readonly name: string
  readonly op: string
  readonly inputs: ReadonlyArray<Out>
  readonly attrs: Readonly<Record<string, AttrValue>>
}

/** Builds a GraphDef: each call adds one node and returns its output(s). */
export class GraphBuilder {
  private readonly nodes: Array<NodeDef> = []
  private readonly names = new Map<string, number>() // op → the next suffix for its fresh names
  private readonly taken = new Set<string>()
  private fresh(prefix: string): string {
    const k = this.names.get(prefix) ?? 0
    this.names.set(prefix, k + 1)
    return `${prefix}_${k}`
  }
  /** A node `op` on `inputs`; returns its name (its output 0). */
  node(op: string, inputs: ReadonlyArray<Out>, attrs: Readonly<Record<string, AttrValue>> = {}, name?: string): Out {
    const n = name ?? this.fresh(op)
    if (this.taken.has(n)) throw new Error(`GraphBuilder: node ${n} defined twice`)
    this.taken.add(n)
    this.nodes.push({ name: n, op, inputs, attrs })
    return n
  }
  /** Outputs 0…k−1 of the node `name`. */
  outputs(name: Out, k: number): Array<Out> {
    return Array.from({ length: k }, (_, i) => (i === 0 ? name : `${name}:${i}`))
  }
  /** An input named `name` (float32 unless `dtype` says otherwise). */
  input(name: string, dtype = DT_FLOAT): Out {
    return this.node("Placeholder", [], { dtype: { type: dtype } }, name)
  }
  /** An int32 constant of `shape` holding `values`. */
  int32(values: ReadonlyArray<number>, shape: ReadonlyArray<number>): Out {
    return this.node("Const", [], { dtype: { type: DT_INT32 }, value: { int32Tensor: values, shape } })
  }
  /** The SavedModel's bytes (saved_model.proto): schema version 1, one MetaGraphDef tagged `serve`. */
  savedModel(): Uint8Array {
    const w = new Wire()
    w.int(1, 1) // saved_model_schema_version
    w.msg(2, (meta) => { // meta_graphs
      meta.msg(1, (info) => info.str(4, "serve")) // meta_info_def.tags
      meta.msg(2, (g) => { // graph_def
        for (const d of this.nodes) {
          g.msg(1, (n) => {
            n.str(1, d.name)
            n.str(2, d.op)
            for (const i of d.inputs) n.str(3, i)
            for (const [k, v] of Object.entries(d.attrs)) n.msg(5, (e) => { e.str(1, k); e.msg(2, (a) => writeAttr(a, v)) })
          })
        }
        g.msg(4, (v) => v.int(1, PRODUCER)) // versions.producer
      })
    })
    return Uint8Array.from(w.bytes)
  }
}

/**
 * The members of tfjs-node's binding and backend used here (internal to tfjs-node 4.22.0, the
 * version `gruNativeAvailable` checks for).
 */
export interface GraphBinding {
  loadSavedModel(exportDir: string, tags: string): number
  runSavedModel(id: number, inputIds: Array<number>, inputNames: string, outputNames: string): Array<{ id: number; shape: Array<number>; dtype: number }>
  deleteSavedModel(id: number): void
}
interface GraphBackend extends tf.KernelBackend {
  readonly binding: GraphBinding
  getInputTensorIds(tensors: ReadonlyArray<tf.Tensor>): Array<number>
  createOutputTensor(metadata: { id: number; shape: Array<number>; dtype: number }): tf.Tensor
}

/**
 * Why graphs cannot run on `backend`, or undefined when they can: its binding has the calls a
 * `LoadedGraph` makes, and a one-node graph (Identity) writes, loads and runs here (a temporary
 * directory that cannot be written, say, fails this). Not cached: see `graphsSupported`.
 */
export const probeGraphs = (backend: tf.KernelBackend): string | undefined => {
  const b = (backend as Partial<GraphBackend>).binding
  if (typeof b?.loadSavedModel !== "function" || typeof b.runSavedModel !== "function" || typeof b.deleteSavedModel !== "function") {
    return "this tfjs-node binding has no loadSavedModel/runSavedModel"
  }
  try {
    const g = new GraphBuilder()
    const x = g.input("x")
    const graph = new LoadedGraph(backend, g, [x], [g.node("Identity", [x], { T: { type: DT_FLOAT } })])
    try {
      const x0 = tf.tensor1d([1.5])
      const [y] = graph.run([x0])
      const ok = y!.dataSync()[0] === 1.5
      tf.dispose([x0, y!])
      return ok ? undefined : "a test graph returned a wrong value"
    } finally {
      graph.dispose()
    }
  } catch (e) {
    return String(e instanceof Error ? e.message : e).split("\n")[0]
  }
}

const probed = new WeakMap<tf.KernelBackend, boolean>()

/**
 * Whether graphs run on `backend` (`probeGraphs`, once per backend instance). When they do not,
 * says so once on stderr: the caller then runs the same ops eagerly (the same results, slower).
 */
export const graphsSupported = (backend: tf.KernelBackend): boolean => {
  let ok = probed.get(backend)
  if (ok === undefined) {
    const why = probeGraphs(backend)
    ok = why === undefined
    probed.set(backend, ok)
    if (!ok) process.stderr.write(`fsv: TensorFlow graphs do not run here (${why}); the agent's layers run as eager ops instead: the same results, slower.\n`)
  }
  return ok
}

/**
 * A graph loaded into a TensorFlow session on a tfjs-node backend. The SavedModel is written to a
 * fresh temporary directory, loaded, and the directory removed (the session holds the graph).
 */
export class LoadedGraph {
  private readonly backend: GraphBackend
  private readonly id: number
  private readonly inputNames: string
  private readonly outputNames: string
  private readonly outputCount: number
  constructor(backend: tf.KernelBackend, graph: GraphBuilder, inputs: ReadonlyArray<Out>, outputs: ReadonlyArray<Out>) {
    this.backend = backend as GraphBackend
    const dir = mkdtempSync(join(tmpdir(), "fsv-graph-"))
    try {
      writeFileSync(join(dir, "saved_model.pb"), graph.savedModel())
      this.id = this.backend.binding.loadSavedModel(dir, "serve")
    } finally {
      rmSync(dir, { recursive: true, force: true }) // the session holds the graph once loaded
    }
    const named = (o: Out) => (o.includes(":") ? o : `${o}:0`)
    this.inputNames = inputs.map(named).join(",")
    this.outputNames = outputs.map(named).join(",")
    this.outputCount = outputs.length
  }
  /** Run the graph on `inputs` (in the order given at construction); tfjs tensors out, owned by the caller. */
  run(inputs: ReadonlyArray<tf.Tensor>): Array<tf.Tensor> {
    const out = this.backend.binding.runSavedModel(this.id, this.backend.getInputTensorIds(inputs), this.inputNames, this.outputNames)
    if (out.length !== this.outputCount) throw new Error(`LoadedGraph: ${out.length} outputs, expected ${this.outputCount}`)
    return out.map((m) => this.backend.createOutputTensor(m))
  }
  dispose(): void {
    this.backend.binding.deleteSavedModel(this.id)
  }
}
