/**
 * The shared tensor building blocks against plain loops and hand-worked numbers:
 * parameter layout, batched dense layers, the QMIX mixer with per-row states, the
 * attention λ with per-row states, soft values, stop-gradient (and its off-tape form) and RMSProp.
 */
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { qmixMix as qmixRef } from "../../src/core/mixers.ts"
import { softValue as softValueRef } from "../../src/core/softValue.ts"
import { attentionLambda, type AttentionLambdaShape, attentionLambdaSpecs } from "../../src/nn/attentionLambda.ts"
import { linear, mlp } from "../../src/nn/dense.ts"
import { linearSpecs, mlpSpecs, ParamLayout } from "../../src/nn/params.ts"
import { qmixMixBatched, type QmixMixerShape, qmixMixerSpecs, qmixWeights } from "../../src/learners/qmix/mixer.ts"
import { rmspropStep } from "../../src/nn/rmsprop.ts"
import { softValues, UNAVAILABLE } from "../../src/nn/softValue.ts"
import { stopGradient, withoutTape } from "../../src/nn/stopGradient.ts"
import { stream } from "../../src/rng/Rng.ts"
import { linearRef, mlpRef, oneHot, randomParams, relErr, relu, useWasm } from "./reference.ts"

beforeAll(useWasm)

const rows = (S: number, M: number, D: number, label: string): Array<Array<Array<number>>> => {
  const rng = stream(11, ["spec", "rows", label])
  return Array.from({ length: S }, () => Array.from({ length: M }, () => Array.from({ length: D }, () => rng.uniform(-1, 1))))
}

describe("ParamLayout", () => {
  const layout = new ParamLayout([...linearSpecs("a", 3, 2), { name: "c", shape: [2, 2], bound: 0.5 }])

  it("counts parameters and draws each replica from its own stream, in layout order", () => {
    expect(layout.size).toBe(3 * 2 + 2 + 4)
    const one = layout.init(stream(1, ["x"]))
    const rng = stream(1, ["x"])
    const bound = 1 / Math.sqrt(3)
    const expected = [...Array.from({ length: 8 }, () => rng.uniform(-bound, bound)), ...Array.from({ length: 4 }, () => rng.uniform(-0.5, 0.5))]
    expect(Array.from(one)).toEqual(Array.from(Float32Array.from(expected)))
  })

  it("stack lays replicas out parameter by parameter; unpack and tensors read them back", () => {
    const r0 = Float32Array.from({ length: 12 }, (_, k) => k)
    const r1 = Float32Array.from({ length: 12 }, (_, k) => 100 + k)
    const flat = layout.stack([r0, r1])
    // a.w of both replicas, then a.b of both, then c of both
    expect(Array.from(flat.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105])
    expect(Array.from(flat.subarray(12, 16))).toEqual([6, 7, 106, 107])
    expect(Array.from(layout.unpack(flat, 2, 1)["c"]!)).toEqual([108, 109, 110, 111])
    const [w, b, c] = layout.tensors(flat, 2)
    expect(w!.shape).toEqual([2, 3, 2])
    expect(b!.arraySync()).toEqual([[6, 7], [106, 107]])
    expect((c!.arraySync() as Array<unknown>)[1]).toEqual([[108, 109], [110, 111]])
    tf.dispose([w!, b!, c!])
  })

  it("views of a replica-major [S, P] tensor name the same numbers as init order", () => {
    const r0 = Float32Array.from({ length: 12 }, (_, k) => k)
    const t = tf.tensor2d([Array.from(r0), Array.from(r0, (x) => -x)])
    const v = layout.views(t)
    expect(v["c"]!.arraySync()).toEqual([[[8, 9], [10, 11]], [[-8, -9], [-10, -11]]])
    tf.dispose([t, ...Object.values(v)])
  })
})

describe("dense layers over replicas", () => {
  it("linear and mlp match plain loops for inputs with two middle dimensions", () => {
    const layout = new ParamLayout(mlpSpecs("m", [4, 5, 3]))
    const S = 3
    const flat = randomParams(layout, S, "mlp")
    const x = Array.from({ length: S }, (_, s) => rows(2, 3, 4, `mlp ${s}`))
    const got = tf.tidy(() => mlp(tf.tensor4d(x), layout.named(layout.tensors(flat, S)), "m", 2).arraySync()) as Array<Array<Array<Array<number>>>>
    for (let s = 0; s < S; s++) {
      const p = layout.unpack(flat, S, s)
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
        expect(relErr(got[s]![i]![j]!, mlpRef(x[s]![i]![j]!, p, "m", 2))).toBeLessThan(1e-6)
      }
    }
  })

  it("linear of a rank-3 input is x W + b per replica", () => {
    const got = tf.tidy(() =>
      linear(tf.tensor3d([[[1, 2]], [[3, -1]]]), tf.tensor3d([[[1, 0, 2], [0, 1, -1]], [[2, 2, 2], [1, 0, 0]]]), tf.tensor2d([[0, 0, 1], [1, 1, 1]])).arraySync()
    )
    // replica 0: [1, 2]·[[1,0,2],[0,1,−1]] + [0,0,1] = [1, 2, 1]; replica 1: [3,−1]·[[2,2,2],[1,0,0]] + 1 = [6, 7, 7]
    expect(got).toEqual([[[1, 2, 1]], [[6, 7, 7]]])
  })
})

describe("QMIX mixer with one state per row (M = B)", () => {
  it("matches core qmixMix on the hypernetwork outputs of each row's state", () => {
    const shape: QmixMixerShape = { agents: 3, stateDim: 4, embed: 5, hypernetEmbed: 6, hypernetLayers: 2 }
    const layout = new ParamLayout(qmixMixerSpecs("mx", shape))
    const S = 2
    const B = 4
    const flat = randomParams(layout, S, "qmix rows")
    const states = rows(S, B, 4, "qmix states")
    const qs = rows(S, B, 3, "qmix q")
    const got = tf.tidy(() => {
      const p = layout.named(layout.tensors(flat, S))
      return qmixMixBatched(tf.tensor3d(qs), qmixWeights(tf.tensor3d(states), p, "mx", shape)).arraySync() as Array<Array<number>>
    })
    for (let s = 0; s < S; s++) {
      const p = layout.unpack(flat, S, s)
      const expected = states[s]!.map((st, b) => {
        const w1flat = mlpRef(st, p, "mx.hyperW1", 2)
        const w1 = Array.from({ length: 3 }, (_, i) => w1flat.slice(i * 5, (i + 1) * 5))
        return qmixRef({
          q: qs[s]![b]!,
          w1,
          b1: linearRef(st, p["mx.hyperB1.w"]!, p["mx.hyperB1.b"]!),
          w2: mlpRef(st, p, "mx.hyperW2", 2),
          b2: mlpRef(st, p, "mx.hyperB2", 2)[0]!
        })
      })
      expect(relErr(got[s]!, expected)).toBeLessThan(1e-5)
    }
  })
})

describe("attention λ (Eq. 14–15)", () => {
  const base = { stateDim: 3, jointActionDim: 4, agents: 2, hidden: 6, embed: 5, heads: 3, keyDim: 2 }
  /** Eq. 14–15 by plain loops, e_{u,i} computed explicitly. */
  const reference = (p: Record<string, Float32Array>, shape: AttentionLambdaShape, state: ReadonlyArray<number>, joint: ReadonlyArray<number>) => {
    const { heads: H, keyDim: D, agents: N } = shape
    const es = mlpRef(state, p, "l.stateEmbed", 2)
    const query = linearRef(es, p["l.wq"]!, new Float32Array(H * D))
    const w0 = Float32Array.from([...p["l.actionEmbed.0.wJoint"]!, ...p["l.actionEmbed.0.wId"]!])
    const logits = Array.from({ length: N }, (_, i) => {
      const eu = linearRef(relu(linearRef([...joint, ...oneHot(i, N)], w0, p["l.actionEmbed.0.b"]!)), p["l.actionEmbed.1.w"]!, p["l.actionEmbed.1.b"]!)
      const key = linearRef(eu, p["l.wk"]!, new Float32Array(H * D))
      return Array.from({ length: H }, (_, h) => Array.from({ length: D }, (_, d) => key[h * D + d]! * query[h * D + d]!).reduce((a, b) => a + b, 0))
    })
    return Array.from({ length: N }, (_, i) =>
      Array.from({ length: H }, (_, h) =>
        shape.normalization === "none"
          ? Math.exp(logits[i]![h]!)
          : Math.exp(logits[i]![h]!) / logits.reduce((acc, l) => acc + Math.exp(l[h]!), 0)
      ).reduce((a, b) => a + b, 0)
    )
  }

  it.each([["none" as const, 1], ["none" as const, 4], ["agents" as const, 1], ["agents" as const, 4]])(
    "normalization %s, %i state(s): matches the reference, λ > 0, and Σ_i λ_i = H under the agents softmax",
    (normalization, M) => {
      const shape: AttentionLambdaShape = { ...base, normalization }
      const layout = new ParamLayout(attentionLambdaSpecs("l", shape))
      const S = 2
      const B = 4
      const flat = randomParams(layout, S, `lambda ${normalization}`)
      const states = rows(S, M, 3, "lambda states")
      const joints = rows(S, B, 4, "lambda joints")
      const got = tf.tidy(() =>
        attentionLambda(tf.tensor3d(states), tf.tensor3d(joints), layout.named(layout.tensors(flat, S)), "l", shape).arraySync()
      ) as Array<Array<Array<number>>>
      for (let s = 0; s < S; s++) {
        const p = layout.unpack(flat, S, s)
        for (let b = 0; b < B; b++) {
          const expected = reference(p, shape, states[s]![M === 1 ? 0 : b]!, joints[s]![b]!)
          expect(relErr(got[s]![b]!, expected)).toBeLessThan(1e-5)
          for (const l of got[s]![b]!) expect(l).toBeGreaterThan(0)
          if (normalization === "agents") expect(got[s]![b]!.reduce((x, y) => x + y, 0)).toBeCloseTo(3, 5)
        }
      }
    }
  )
})

describe("soft values", () => {
  it("V = α log Σ exp(Q/α) per replica's α, over available actions only (core softValue)", () => {
    const q = [[[1, 2, 3], [-1, 0.5, 9]], [[0.3, 0.2, 0.1], [5, -5, 40]]]
    const alphas = [0.5, 0.01]
    const mask = [[0, 0, 0], [0, 0, UNAVAILABLE]]
    const got = tf.tidy(() => softValues(tf.tensor3d(q), tf.tensor2d([[0.5], [0.01]]), tf.tensor3d([mask])).arraySync()) as Array<Array<number>>
    for (let s = 0; s < 2; s++) {
      expect(got[s]![0]).toBeCloseTo(softValueRef(q[s]![0]!, alphas[s]!), 4)
      expect(got[s]![1]).toBeCloseTo(softValueRef(q[s]![1]!.slice(0, 2), alphas[s]!), 4)
    }
    // by hand: replica 0, agent 0: 0.5 log(e^2 + e^4 + e^6) = 3 + 0.5 log(1 + e^-2 + e^-4)
    expect(got[0]![0]).toBeCloseTo(3 + 0.5 * Math.log(1 + Math.exp(-2) + Math.exp(-4)), 5)
  })

  it("∂V/∂Q is the energy policy π = softmax(Q/α) over available actions (0 on unavailable ones)", () => {
    const q = [[[1, 2, 3], [-1, 0.5, 9]], [[0.3, 0.2, 0.1], [5, -5, 40]]]
    const alphas = [0.5, 0.01]
    const mask = [[0, 0, 0], [0, 0, UNAVAILABLE]]
    const grad = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(softValues(x, tf.tensor2d([[0.5], [0.01]]), tf.tensor3d([mask]))))(tf.tensor3d(q)).arraySync()
    ) as Array<Array<Array<number>>>
    for (let s = 0; s < 2; s++) {
      for (let i = 0; i < 2; i++) {
        const avail = mask[i]!.map((m) => m === 0)
        const z = q[s]![i]!.map((v, u) => (avail[u] ? Math.exp((v - Math.max(...q[s]![i]!.filter((_, k) => avail[k]))) / alphas[s]!) : 0))
        const total = z.reduce((x, y) => x + y, 0)
        z.forEach((zu, u) => expect(grad[s]![i]![u]).toBeCloseTo(zu / total, 6))
      }
    }
  })
})

describe("stopGradient", () => {
  it("keeps the value and blocks the gradient", () => {
    const [v, g] = tf.tidy(() => {
      const f = (x: tf.Tensor) => tf.sum(tf.add(tf.mul(x, 3), tf.square(stopGradient(x))))
      const x = tf.tensor1d([1, 2])
      return [f(x).arraySync() as number, tf.grad(f)(x).arraySync() as Array<number>]
    })
    expect(v).toBe(3 + 6 + 1 + 4)
    expect(g).toEqual([3, 3])
  })
  it("withoutTape gives stopGradient's value and gradient bytes, and keeps no copies for backward", async () => {
    const a = tf.tensor2d([[0.3, -1.2], [2.1, 0.7]])
    const w = tf.tensor2d([[1.5, -0.4], [0.25, 2]])
    const h = (x: tf.Tensor) => tf.tanh(tf.matMul(tf.mul(x, a), w)) // matMul and tanh both save inputs for backward
    const loss = (sg: (f: () => tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => tf.sum(tf.add(tf.square(x), tf.mul(x, sg(() => h(x)))))
    const viaStop = loss((f) => stopGradient(f()))
    const viaTape = loss(withoutTape)
    const x = tf.tensor2d([[0.5, -1], [2, 0.25]])
    const bytes = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer).toString("hex")
    expect(bytes(viaTape(x))).toBe(bytes(viaStop(x)))
    expect(bytes(tf.grad(viaTape)(x))).toBe(bytes(tf.grad(viaStop)(x)))
    expect(bytes(tf.grad(viaTape)(x))).toBe(bytes(tf.mul(x, 2).add(h(x)))) // d/dx [x² + x·c] = 2x + c
    const identities = async (f: (x: tf.Tensor) => tf.Tensor) =>
      (await tf.profile(() => tf.grad(f)(x))).kernels.filter((k) => k.name === "Identity").length
    expect(await identities(viaTape)).toBeLessThan(await identities(viaStop))
    tf.dispose([a, w, x])
  })
})

describe("RMSProp with per-replica clipping", () => {
  const layout = new ParamLayout([{ name: "w", shape: [2], bound: 0 }])
  const settings = { lr: 0.1, rho: 0.9, eps: 1e-5, gradNormClip: 1 }

  it("worked by hand: replica 0 clipped, replica 1 not", () => {
    const params = Float32Array.from([1, 1, 1, 1])
    const sq = Float32Array.from([0, 0, 0, 0])
    // replica 0: g = (3, 4), ‖g‖ = 5 > 1 → g' = g / (5 + 1e-6) ≈ (0.6, 0.8)
    // m = 0.1 g'², θ −= 0.1 g' / (√m + 1e-5) = 0.1 · sign(g') / (√0.1 + 1e-5/|g'|)
    // replica 1: g = (0.3, 0), ‖g‖ = 0.3 ≤ 1 → unchanged; the zero coordinate does not move
    const norms = rmspropStep(layout, 2, params, sq, [3, 4, 0.3, 0], settings)
    expect(norms[0]).toBeCloseTo(5, 12)
    expect(norms[1]).toBeCloseTo(0.3, 7)
    const step = (g: number) => (0.1 * g) / (Math.sqrt(0.1 * g * g) + 1e-5)
    const c = 1 / (5 + 1e-6)
    expect(params[0]).toBeCloseTo(1 - step(3 * c), 6)
    expect(params[1]).toBeCloseTo(1 - step(4 * c), 6)
    expect(params[2]).toBeCloseTo(1 - step(0.3), 6)
    expect(params[3]).toBe(1)
    expect(sq[0]).toBeCloseTo(0.1 * (3 * c) ** 2, 7)
  })

  it("a replica's update does not depend on another replica's gradient", () => {
    const run = (other: number) => {
      const params = Float32Array.from([1, 2, 3, 4])
      const sq = new Float32Array(4)
      rmspropStep(layout, 2, params, sq, [0.5, -0.25, other, other], settings)
      return Array.from(params.subarray(0, 2))
    }
    expect(run(1000)).toEqual(run(0))
  })
})
