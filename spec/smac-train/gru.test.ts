/**
 * The recurrent agent: the tensor unroll (hand-written backward pass) against two independent
 * references — the plain-loop CPU agent for values, and tfjs's own autodiff of a naive
 * step-by-step GRU written here for gradients. On the cpu backend the recurrence is tfjs ops
 * (gru.ts); on wasm it is raw kernels (gruWasm.ts), on node TensorFlow graphs a chunk of steps
 * per call (gruGraph.ts; its eager-op twin gruNative.ts is compared with it in gruGraph.test.ts);
 * all must also leave no data behind.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { Backend } from "../../src/backend/Backend.ts"
import { withFastMatMulGradient } from "../../src/nn/fastMatMulGrad.ts"
import { gruAgentSpecs, gruAgentUnroll } from "../../src/nn/gru.ts"
import { gruNativeAvailable } from "../../src/nn/gruNative.ts"
import { gruAgentLayersGraph, gruGraphAvailable } from "../../src/nn/gruGraph.ts"
import { gruAgentLayersWasm, gruWasmAvailable } from "../../src/nn/gruWasm.ts"
import { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import { ParamLayout } from "../../src/nn/params.ts"
import { stream } from "../../src/rng/Rng.ts"
import { describeNative } from "../fixtures/native.ts"

const shape = { inputs: 5, hidden: 4, actions: 3 }
const T = 4
const R = 3
const layout = new ParamLayout(gruAgentSpecs("agent", shape))
const params = layout.init(stream(7, ["spec", "gru", "init"]))
const xs = Float32Array.from({ length: T * R * shape.inputs }, (_, k) => Math.sin(k * 1.3) * (k % 3 === 0 ? 0 : 1))

/** PyTorch GRUCell, one step at a time, with tfjs autodiff (no custom gradient). */
const naive = (named: Record<string, tf.Tensor>, x: tf.Tensor): tf.Tensor => {
  const H = shape.hidden
  const m = (k: string, rows: number, cols: number) => tf.reshape(named[`agent.${k}`]!, [rows, cols])
  const v = (k: string, n: number) => tf.reshape(named[`agent.${k}`]!, [n])
  const [wir, wiz, win] = tf.split(m("gru.wi", H, 3 * H), 3, 1)
  const [whr, whz, whn] = tf.split(m("gru.wh", H, 3 * H), 3, 1)
  const [bir, biz, bin] = tf.split(v("gru.bi", 3 * H), 3)
  const [bhr, bhz, bhn] = tf.split(v("gru.bh", 3 * H), 3)
  let h = tf.zeros([R, H])
  const qs: Array<tf.Tensor> = []
  for (let t = 0; t < T; t++) {
    const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, R, shape.inputs]), [R, shape.inputs])
    const e = tf.relu(tf.add(tf.matMul(xt, m("fc1.w", shape.inputs, H)), v("fc1.b", H)))
    const r = tf.sigmoid(tf.add(tf.add(tf.matMul(e, wir!), bir!), tf.add(tf.matMul(h, whr!), bhr!)))
    const z = tf.sigmoid(tf.add(tf.add(tf.matMul(e, wiz!), biz!), tf.add(tf.matMul(h, whz!), bhz!)))
    const n = tf.tanh(tf.add(tf.add(tf.matMul(e, win!), bin!), tf.mul(r, tf.add(tf.matMul(h, whn!), bhn!))))
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h))
    qs.push(tf.add(tf.matMul(h, m("fc2.w", H, shape.actions)), v("fc2.b", shape.actions)))
  }
  return tf.stack(qs)
}

/** Tensors the engine tracks and data the backend holds (raw kernels bypass the engine). */
const held = () => [tf.memory().numTensors, tf.engine().backend.numDataIds()]

/**
 * The unrolled agent's Q values over the T steps of `xs` equal GruAgentCpu's, stepped one step at
 * a time with the same parameters, and the unroll leaves nothing behind.
 */
const unrolledMatchesPlainLoop = (agent: typeof shape, agentLayout: ParamLayout, agentParams: Float32Array): void => {
  const cpu = new GruAgentCpu(agent, agentLayout.unpack(agentParams, 1, 0))
  const h = new Float32Array(R * agent.hidden)
  const q = new Float32Array(R * agent.actions)
  const expected: Array<number> = []
  for (let t = 0; t < T; t++) {
    cpu.step(xs.subarray(t * R * agent.inputs, (t + 1) * R * agent.inputs), h, R, q)
    expected.push(...q)
  }
  const before = held()
  const got = tf.tidy(() => {
    const x = tf.tensor3d(xs, [T, R, agent.inputs])
    return gruAgentUnroll(x, agentLayout.named(agentLayout.tensors(agentParams, 1)), "agent", agent).q.dataSync()
  })
  expect(held()).toEqual(before)
  expect(got.length).toBe(expected.length)
  got.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5))
}

const suite = (backend: "cpu" | "wasm" | "node") => {
  beforeAll(async () => {
    await Effect.runPromise(Effect.gen(function*() { yield* Backend }).pipe(Effect.provide(Backend.layer(backend, 1))))
    expect(tf.getBackend()).toBe(backend === "node" ? "tensorflow" : backend)
    expect(gruWasmAvailable()).toBe(backend === "wasm") // on wasm, the C-kernel op is what is tested
    expect(gruNativeAvailable()).toBe(backend === "node")
    expect(gruGraphAvailable()).toBe(backend === "node") // on node, the graphs
  })

  it("unrolled Q values equal the plain-loop agent stepped one step at a time", () => {
    unrolledMatchesPlainLoop(shape, layout, params)
  })

  it("at H = 72 (past the width where the native op changes its per-step matMul) Q values still equal the plain-loop agent", () => {
    const wide = { ...shape, hidden: 72 }
    const wideLayout = new ParamLayout(gruAgentSpecs("agent", wide))
    unrolledMatchesPlainLoop(wide, wideLayout, wideLayout.init(stream(8, ["spec", "gru", "init", "wide"])))
  })

  it("gradients of the hand-written backward pass equal autodiff of a naive GRU", () => {
    const before = held()
    const weights = Float32Array.from({ length: T * R * shape.actions }, (_, k) => Math.cos(k))
    const [got, want] = tf.tidy(() => {
      const x = tf.tensor3d(xs, [T, R, shape.inputs])
      const w = tf.tensor3d(weights, [T, R, shape.actions])
      const lossOf = (unroll: (named: Record<string, tf.Tensor>) => tf.Tensor) => (...ps: Array<tf.Tensor>) =>
        tf.sum(tf.mul(tf.square(unroll(layout.named(ps))), w)) as tf.Scalar
      const flat = (gs: Array<tf.Tensor>) => tf.concat(gs.map((g) => tf.reshape(g, [-1]))).dataSync()
      const fast = withFastMatMulGradient(() =>
        flat(tf.grads(lossOf((named) => gruAgentUnroll(x, named, "agent", shape).q))(layout.tensors(params, 1)))
      )
      const slow = flat(tf.grads(lossOf((named) => naive(named, x)))(layout.tensors(params, 1)))
      return [fast, slow]
    })
    expect(got.length).toBe(layout.size)
    let maxAbs = 0
    for (let k = 0; k < got.length; k++) maxAbs = Math.max(maxAbs, Math.abs(got[k]! - want[k]!))
    expect(maxAbs).toBeLessThan(1e-5)
    expect(Math.max(...Array.from(want, Math.abs))).toBeGreaterThan(1e-2) // the comparison is not of zeros
    expect(held()).toEqual(before)
  })

  it.runIf(backend !== "cpu")("a parameter of the wrong shape is an error naming it, before any kernel runs", () => {
    const before = held()
    const H = shape.hidden
    const layers = backend === "wasm" ? gruAgentLayersWasm : gruAgentLayersGraph
    const call = () => tf.tidy(() => {
      const p = (dims: Array<number>) => tf.zeros(dims)
      return layers(T, false, tf.zeros([T * R, shape.inputs]) as tf.Tensor2D)(
        p([shape.inputs, H]), p([H]), p([H, 3 * H]), p([3 * H]), p([H, 2 * H]), p([3 * H])
      )
    })
    expect(call).toThrow(/expected .*W_h \[4,12\].*; got .*W_h \[4,8\]/)
    expect(held()).toEqual(before)
  })
}

describe.each(["cpu", "wasm"] as const)("GRU agent on %s", suite)
describeNative("GRU agent on node", () => suite("node"))
