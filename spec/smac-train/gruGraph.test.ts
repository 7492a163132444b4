/**
 * The native backend's two implementations of the agent's layers: TensorFlow graphs run a chunk
 * of steps per call (gruGraph.ts, the default) and one eager op per call (gruNative.ts, tested
 * against the plain-loop and autodiff references in gru.test.ts). The graphs must give the same
 * bytes, forward and backward, for episode lengths that use every chunk length and both of
 * gruNative's per-step matMul ops (H ≤ 64: MatMul; wider: BatchMatMulV2), leave no tensor
 * behind, and the chunks must tile every length exactly.
 */
import * as tf from "@tensorflow/tfjs"
import { describe, expect, it } from "vitest"
import { chunksOf, gruAgentLayersGraph, gruGraphAvailable } from "../../src/nn/gruGraph.ts"
import { probeGraphs } from "../../src/nn/tfGraph.ts"
import { gruAgentLayersNative } from "../../src/nn/gruNative.ts"
import { stream } from "../../src/rng/Rng.ts"
import { describeNative } from "../fixtures/native.ts"
import { useNativeBackend } from "../fixtures/nativeBackend.ts"

describe("chunksOf", () => {
  it("tiles 0 … T − 1 in order with chunks of 16, 8, 4, 2, 1, longest first, for T = 1 … 300", () => {
    for (let T = 1; T <= 300; T++) {
      const chunks = chunksOf(T)
      let next = 0
      for (const [t0, C] of chunks) {
        expect(t0).toBe(next)
        expect([16, 8, 4, 2, 1]).toContain(C)
        next += C
      }
      expect(next).toBe(T)
      const lengths = chunks.map(([, C]) => C)
      expect(lengths).toEqual([...lengths].sort((a, b) => b - a))
      expect(lengths.filter((C) => C < 16).length).toBeLessThanOrEqual(4) // at most one of each shorter length
    }
    expect(chunksOf(121).map(([, C]) => C)).toEqual([16, 16, 16, 16, 16, 16, 16, 8, 1])
  })
})

type Layers = typeof gruAgentLayersNative

/** Forward output, and (with the tape on) the gradients of Σ h ⊙ w in the six parameters, as bytes. */
const bytesOf = (layers: Layers, T: number, R: number, I: number, H: number, forBackward: boolean): Array<Uint8Array> => {
  const rng = stream(T * 1000 + H, ["spec", "gruGraph"])
  const f = (n: number) => Float32Array.from({ length: n }, () => rng.float() - 0.5)
  return tf.tidy(() => {
    const x = tf.tensor2d(f(T * R * I), [T * R, I])
    const ps = [tf.tensor2d(f(I * H), [I, H]), tf.tensor1d(f(H)), tf.tensor2d(f(3 * H * H), [H, 3 * H]), tf.tensor1d(f(3 * H)), tf.tensor2d(f(3 * H * H), [H, 3 * H]), tf.tensor1d(f(3 * H))] as const
    const w = tf.tensor3d(f(T * R * H), [T, R, H])
    const bytes = (t: tf.Tensor) => new Uint8Array((t.dataSync() as Float32Array).slice().buffer)
    if (!forBackward) return [bytes(layers(T, false, x)(...ps))]
    const { value, grads } = tf.valueAndGrads((...p: Array<tf.Tensor>) =>
      tf.sum(tf.mul(layers(T, true, x)(...(p as unknown as typeof ps)), w)) as tf.Scalar)([...ps])
    return [value, ...grads].map(bytes)
  })
}

describeNative("the agent's layers on node: graphs against eager ops", () => {
  useNativeBackend()

  it("the graph path is available where the eager one is", () => {
    expect(gruGraphAvailable()).toBe(true)
    expect(probeGraphs(tf.backend())).toBeUndefined()
  })

  it("where a graph cannot be written the probe says why (gru.ts then runs the eager ops)", () => {
    const saved = process.env["TMPDIR"]
    process.env["TMPDIR"] = "/nonexistent/fsv-spec" // os.tmpdir() reads it at each call
    try {
      expect(probeGraphs(tf.backend())).toMatch(/ENOENT|no such file/)
    } finally {
      if (saved === undefined) delete process.env["TMPDIR"]
      else process.env["TMPDIR"] = saved
    }
  })

  it.each([
    [31, 64], // 16 + 8 + 4 + 2 + 1: every chunk length, MatMul per step
    [37, 72], // 16 + 16 + 4 + 1, BatchMatMulV2 per step
    [1, 64],
    [16, 8]
  ])("T = %i, H = %i: the same bytes forward, and forward and backward, with no tensor left behind", (T, H) => {
    const before = tf.memory().numTensors
    for (const forBackward of [false, true]) {
      const eager = bytesOf(gruAgentLayersNative, T, 6, 10, H, forBackward)
      const graph = bytesOf(gruAgentLayersGraph, T, 6, 10, H, forBackward)
      expect(graph.length).toBe(forBackward ? 7 : 1)
      graph.forEach((g, k) => expect(Buffer.from(g).equals(Buffer.from(eager[k]!)), `output ${k} (forBackward ${forBackward})`).toBe(true))
      expect(eager[0]!.some((b) => b !== 0)).toBe(true) // not a comparison of zeros
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it("a parameter of the wrong shape is an error naming it, before any graph runs", () => {
    const before = tf.memory().numTensors
    const call = () => tf.tidy(() => {
      const p = (dims: Array<number>) => tf.zeros(dims)
      return gruAgentLayersGraph(3, false, tf.zeros([6, 5]) as tf.Tensor2D)(p([5, 4]), p([4]), p([4, 12]), p([12]), p([4, 8]), p([12]))
    })
    expect(call).toThrow(/gruAgentLayersGraph: .*expected .*W_h \[4,12\].*; got .*W_h \[4,8\]/)
    expect(tf.memory().numTensors).toBe(before)
  })
})
