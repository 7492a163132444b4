/**
 * The recurrent agent of `gru.ts` as plain loops over typed arrays, one step at a time, for
 * acting: the runner steps a few dozen rows (environments × agents) per environment step,
 * where a tensor program would spend its time on per-op overhead and on reading results back.
 * Same equations as `gruAgentUnroll` (PyTorch GRUCell, gates r|z|n); sums in float64.
 * Being written independently of the tensor version, it is also the tests' reference for it.
 */
import type { GruAgentShape } from "./gru.ts"

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

export class GruAgentCpu {
  readonly shape: GruAgentShape
  private readonly w1: Float32Array
  private readonly b1: Float32Array
  private readonly wi: Float32Array
  private readonly bi: Float32Array
  private readonly wh: Float32Array
  private readonly bh: Float32Array
  private readonly w2: Float32Array
  private readonly b2: Float32Array
  private readonly e: Float64Array
  private readonly gi: Float64Array
  private readonly gh: Float64Array

  /** `named`: one replica's parameters by name (`ParamLayout.unpack`), agent under `name`. */
  constructor(shape: GruAgentShape, named: Readonly<Record<string, Float32Array>>, name = "agent") {
    this.shape = shape
    const get = (k: string) => {
      const v = named[`${name}.${k}`]
      if (v === undefined) throw new Error(`GruAgentCpu: missing parameter ${name}.${k}`)
      return v
    }
    this.w1 = get("fc1.w")
    this.b1 = get("fc1.b")
    this.wi = get("gru.wi")
    this.bi = get("gru.bi")
    this.wh = get("gru.wh")
    this.bh = get("gru.bh")
    this.w2 = get("fc2.w")
    this.b2 = get("fc2.b")
    const H = shape.hidden
    this.e = new Float64Array(H)
    this.gi = new Float64Array(3 * H)
    this.gh = new Float64Array(3 * H)
  }

  /**
   * One step for `rows` rows: inputs x [rows · in], hidden h [rows · H] (replaced by h'),
   * Q written to q [rows · A].
   */
  step(x: ArrayLike<number>, h: Float32Array, rows: number, q: Float32Array): void {
    const { inputs: I, hidden: H, actions: A } = this.shape
    const { w1, b1, wi, bi, wh, bh, w2, b2, e, gi, gh } = this
    const H3 = 3 * H
    for (let r = 0; r < rows; r++) {
      const xo = r * I
      const ho = r * H
      for (let j = 0; j < H; j++) e[j] = b1[j]!
      for (let k = 0; k < I; k++) {
        const xk = x[xo + k]!
        if (xk === 0) continue
        const wo = k * H
        for (let j = 0; j < H; j++) e[j]! += xk * w1[wo + j]!
      }
      for (let j = 0; j < H; j++) if (e[j]! < 0) e[j] = 0 // relu
      for (let j = 0; j < H3; j++) {
        gi[j] = bi[j]!
        gh[j] = bh[j]!
      }
      for (let k = 0; k < H; k++) {
        const ek = e[k]!
        const hk = h[ho + k]!
        const wo = k * H3
        for (let j = 0; j < H3; j++) {
          gi[j]! += ek * wi[wo + j]!
          gh[j]! += hk * wh[wo + j]!
        }
      }
      for (let j = 0; j < H; j++) {
        const rg = sigmoid(gi[j]! + gh[j]!)
        const zg = sigmoid(gi[H + j]! + gh[H + j]!)
        const n = Math.tanh(gi[2 * H + j]! + rg * gh[2 * H + j]!)
        h[ho + j] = n + zg * (h[ho + j]! - n)
      }
      const qo = r * A
      for (let a = 0; a < A; a++) {
        let s = b2[a]!
        for (let k = 0; k < H; k++) s += h[ho + k]! * w2[k * A + a]!
        q[qo + a] = s
      }
    }
  }
}
