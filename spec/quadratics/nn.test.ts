/**
 * The tensor pieces the continuous learners add, against plain float64 loops and numbers
 * worked out by hand: the squashed Gaussian's density, per-agent networks, Adam, the
 * stop-gradient, FSV's mixer against the float64 core (Eq. 7 and Eq. 33), VDN and QMIX
 * critics against the core mixers, and MADDPG's actor inputs.
 */
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { qTotFactored, qTotStopGradientForm } from "../../src/core/factorization.ts"
import { qmixMix as coreQmixMix, vdnMix } from "../../src/core/mixers.ts"
import { fsvMix } from "../../src/learners/fsv/factorization.ts"
import { individualQ, individualQSpecs } from "../../src/learners/continuous.ts"
import { withOwnAction } from "../../src/learners/maddpg/continuous.ts"
import { adamStep } from "../../src/nn/adam.ts"
import { LOG_STD_MAX, LOG_STD_MIN, squashedGaussian, squashLogStd } from "../../src/nn/gaussianPolicy.ts"
import { ParamLayout } from "../../src/nn/params.ts"
import { perAgentMlp, perAgentMlpSpecs } from "../../src/nn/perAgent.ts"
import { qmixMixBatched, qmixMixerSpecs, qmixWeights } from "../../src/learners/qmix/mixer.ts"
import { stopGradient } from "../../src/nn/stopGradient.ts"
import { stream } from "../../src/rng/Rng.ts"

beforeAll(async () => {
  await import("@tensorflow/tfjs-backend-wasm")
  await tf.setBackend("wasm")
  await tf.ready()
})

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number) => {
  expect(actual.length).toBe(expected.length)
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k]! - expected[k]!), `element ${k}: ${actual[k]} vs ${expected[k]}`).toBeLessThan(tol)
}

describe("squashed Gaussian", () => {
  /** float64: log N(z; μ, σ) − log(bound · (1 − tanh² z)), straight from the definition. */
  const reference = (mu: number, logStd: number, eps: number, bound: number) => {
    const sigma = Math.exp(logStd)
    const z = mu + sigma * eps
    const gauss = -0.5 * eps * eps - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI)
    return { a: Math.tanh(z), logProb: gauss - Math.log(bound * (1 - Math.tanh(z) ** 2)) }
  }

  it("matches the change-of-variables density computed in float64", () => {
    const cases = [[0, 0, 0], [0.3, -1, 1.2], [-2, 0.5, -1.5], [1, -3, 2], [4, 0, 1.5]] as const
    const out = tf.tidy(() => {
      const { action, logProb } = squashedGaussian(
        tf.tensor1d(cases.map((c) => c[0])),
        tf.tensor1d(cases.map((c) => c[1])),
        tf.tensor1d(cases.map((c) => c[2])),
        10
      )
      return [action.dataSync(), logProb.dataSync()]
    })
    close(out[0]!, cases.map((c) => reference(c[0], c[1], c[2], 10).a), 1e-6)
    close(out[1]!, cases.map((c) => reference(c[0], c[1], c[2], 10).logProb), 1e-4)
  })

  it("is a density over [−bound, bound]: it integrates to 1", () => {
    // π(u) on a fine grid of z (u = bound · tanh z), integrated by the trapezoid rule in u.
    const mu = 0.7
    const logStd = -0.2
    const bound = 10
    const zs = Array.from({ length: 4001 }, (_, k) => -8 + (16 * k) / 4000)
    const eps = zs.map((z) => (z - mu) / Math.exp(logStd))
    const logp = tf.tidy(() => squashedGaussian(tf.scalar(mu), tf.scalar(logStd), tf.tensor1d(eps), bound).logProb.dataSync())
    let mass = 0
    for (let k = 1; k < zs.length; k++) {
      const du = bound * (Math.tanh(zs[k]!) - Math.tanh(zs[k - 1]!))
      mass += 0.5 * du * (Math.exp(logp[k]!) + Math.exp(logp[k - 1]!))
    }
    expect(mass).toBeCloseTo(1, 3)
  })

  it("keeps log σ in [LOG_STD_MIN, LOG_STD_MAX]", () => {
    const v = tf.tidy(() => squashLogStd(tf.tensor1d([-1e3, 0, 1e3])).dataSync())
    close(v, [LOG_STD_MIN, (LOG_STD_MIN + LOG_STD_MAX) / 2, LOG_STD_MAX], 1e-6)
  })
})

describe("per-agent networks", () => {
  it("give agent i of replica s its own weights (plain-loop reference)", () => {
    const S = 2
    const N = 2
    const M = 3
    const layout = new ParamLayout(perAgentMlpSpecs("net", N, [2, 4, 1]))
    const rows = [layout.init(stream(1, ["t", "a"])), layout.init(stream(1, ["t", "b"]))]
    const x = Array.from({ length: S * N * M * 2 }, (_, k) => Math.sin(k + 1))
    const y = tf.tidy(() => {
      const params = layout.named(layout.tensors(layout.stack(rows), S))
      return perAgentMlp(tf.tensor4d(x, [S, N, M, 2]), params, "net", 2).dataSync()
    })
    const expected: Array<number> = []
    for (let s = 0; s < S; s++) {
      const p = layout.unpack(rows[s]!, 1, 0)
      for (let i = 0; i < N; i++) {
        for (let m = 0; m < M; m++) {
          const xin = [x[((s * N + i) * M + m) * 2]!, x[((s * N + i) * M + m) * 2 + 1]!]
          const h = Array.from({ length: 4 }, (_, j) =>
            Math.max(0, xin[0]! * p["net.0.w"]![i * 8 + j]! + xin[1]! * p["net.0.w"]![i * 8 + 4 + j]! + p["net.0.b"]![i * 4 + j]!))
          expected.push(h.reduce((acc, hj, j) => acc + hj * p["net.1.w"]![i * 4 + j]!, p["net.1.b"]![i]!))
        }
      }
    }
    close(y, expected, 1e-5)
  })

  it("individualQ feeds agent i's action to agent i's critic", () => {
    const S = 1
    const N = 2
    const layout = new ParamLayout(individualQSpecs({ agents: N, stateDim: 1 }, 3))
    const row = layout.init(stream(2, ["q"]))
    const actions = [[0.5, -0.25], [-1, 0.75]] // [B = 2][N]
    const q = tf.tidy(() => {
      const game = { state: tf.ones([S, 1, 1]), obs: tf.ones([S, N, 1, 1]) }
      return individualQ(layout.named(layout.tensors(row, S)), game, tf.tensor3d([actions], [S, 2, N])).dataSync()
    })
    const p = layout.unpack(row, 1, 0)
    const qi = (i: number, a: number) => {
      // input [τ_i = 1, a_i] → 3 hidden → 1; W0 [N, 2, 3], b0 [N, 3], W1 [N, 3, 1], b1 [N, 1]
      const h = [0, 1, 2].map((j) => Math.max(0, p["q.0.w"]![i * 6 + j]! + a * p["q.0.w"]![i * 6 + 3 + j]! + p["q.0.b"]![i * 3 + j]!))
      return h.reduce((acc, hj, j) => acc + hj * p["q.1.w"]![i * 3 + j]!, p["q.1.b"]![i]!)
    }
    close(q, [qi(0, 0.5), qi(1, -0.25), qi(0, -1), qi(1, 0.75)], 1e-5)
  })
})

describe("Adam", () => {
  it("takes the steps worked out by hand, each replica on its own gradient", () => {
    const lr = 0.1
    const settings = { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    const params = tf.variable(tf.tensor2d([[1, 2], [3, 4]]))
    const m = tf.variable(tf.zeros([2, 2]))
    const v = tf.variable(tf.zeros([2, 2]))
    tf.tidy(() => adamStep(params, m, v, tf.tensor2d([[0.5, -2], [0, 1e3]]), 1, settings))
    // Step 1: m̂ = g, v̂ = g², so θ ← θ − lr · g / (|g| + ε): −lr·sign(g), and 0 where g = 0.
    close(params.dataSync(), [1 - lr, 2 + lr, 3, 4 - lr], 1e-6)
    tf.tidy(() => adamStep(params, m, v, tf.tensor2d([[0.5, 1], [0, 1e3]]), 2, settings))
    // Step 2 for element (0,1): m = 0.9·0.1·(−2)·… by hand: m1 = −0.2, m2 = 0.9·(−0.2) + 0.1·1 = −0.08;
    // v1 = 0.004, v2 = 0.999·0.004 + 0.001·1 = 0.004996; m̂ = −0.08/0.19, v̂ = 0.004996/(1 − 0.999²).
    const mHat = -0.08 / (1 - 0.81)
    const vHat = 0.004996 / (1 - 0.999 ** 2)
    close([params.dataSync()[1]!], [2 + lr - lr * (mHat / (Math.sqrt(vHat) + 1e-8))], 1e-5)
    close([params.dataSync()[0]!, params.dataSync()[3]!], [1 - 2 * lr, 4 - 2 * lr], 1e-5) // constant gradients: −lr each step
    tf.dispose([params, m, v])
  })
})

describe("stopGradient", () => {
  it("keeps the value and passes no gradient", () => {
    // d/dx [x · sg(x)] = sg(x) = x, where d/dx [x · x] = 2x.
    const [value, grad] = tf.tidy(() => {
      const f = (x: tf.Tensor) => tf.sum(tf.mul(x, stopGradient(x))) as tf.Scalar
      const x = tf.tensor1d([3, -2])
      return [f(x).dataSync(), tf.grad(f)(x).dataSync()]
    })
    close(value!, [13], 1e-6)
    close(grad!, [3, -2], 1e-6)
  })
})

describe("FSV's factorization (fsvMix) against the float64 core", () => {
  // S = 1, B = 2 joint actions, N = 2 agents.
  const lambda = [[0.7, 1.9], [2.5, 0.3]]
  const q = [[1.5, -2], [0.25, 3]]
  const v = [2, 3.5]
  const w = [0.8, 1.3]
  const b = -0.6
  const vTot = w[0]! * v[0]! + w[1]! * v[1]! + b // Eq. 13

  const run = (gradients: "eq33" | "eq7") =>
    tf.tidy(() => {
      const lam = tf.tensor3d([lambda], [1, 2, 2])
      const qs = tf.tensor3d([q], [1, 2, 2])
      const f = (l: tf.Tensor, x: tf.Tensor) =>
        tf.sum(fsvMix({ chosen: x, v: tf.tensor3d([[v]]), lambda: l, w: tf.tensor3d([[w]]), b: tf.tensor2d([[b]]), gradients })) as tf.Scalar
      const value = fsvMix({ chosen: qs, v: tf.tensor3d([[v]]), lambda: lam, w: tf.tensor3d([[w]]), b: tf.tensor2d([[b]]), gradients }).dataSync()
      const [dLambda, dQ] = tf.grads(f)([lam, qs]).map((g) => g.dataSync())
      return { value, dLambda: dLambda!, dQ: dQ! }
    })

  it("computes Eq. 7's value, Eq. 33's gradients", () => {
    const { value, dLambda, dQ } = run("eq33")
    const refs = [0, 1].map((j) => qTotStopGradientForm({ lambda: lambda[j]!, q: q[j]!, v, vTot }))
    close(value, [0, 1].map((j) => qTotFactored({ lambda: lambda[j]!, q: q[j]!, v, vTot })), 1e-5)
    close(value, refs.map((r) => r.value), 1e-5)
    close(dLambda, refs.flatMap((r) => r.gradLambda), 1e-6) // ∂Q_tot/∂λ_i = Q_i − V_i
    close(dQ, refs.flatMap((r) => r.gradQ), 1e-6) // ∂Q_tot/∂Q_i = 1
  })

  it("without stop-gradients (eq7) gives ∂Q_tot/∂Q_i = λ_i", () => {
    const { value, dQ } = run("eq7")
    close(value, [0, 1].map((j) => qTotFactored({ lambda: lambda[j]!, q: q[j]!, v, vTot })), 1e-5)
    close(dQ, lambda.flat(), 1e-6)
  })
})

describe("baseline critics against the float64 core mixers", () => {
  it("QMIX-DDPG's mixer is PyMARL's QMixer", () => {
    const shape = { agents: 2, stateDim: 1, embed: 3, hypernetEmbed: 4, hypernetLayers: 2 as const }
    const layout = new ParamLayout(qmixMixerSpecs("mixer", shape))
    const row = layout.init(stream(3, ["mixer"]))
    const qs = [[1.5, -0.5], [-2, 4]]
    const [qTot, w1, b1, w2, b2] = tf.tidy(() => {
      const weights = qmixWeights(tf.ones([1, 1, 1]), layout.named(layout.tensors(row, 1)), "mixer", shape)
      return [qmixMixBatched(tf.tensor3d([qs], [1, 2, 2]), weights), weights.w1, weights.b1, weights.w2, weights.b2].map((t) => t.dataSync())
    })
    const expected = qs.map((q) =>
      coreQmixMix({ q, w1: [[...w1!.slice(0, 3)], [...w1!.slice(3, 6)]], b1: [...b1!], w2: [...w2!], b2: b2![0]! }))
    close(qTot!, expected, 1e-5)
    expect(vdnMix([1.5, -0.5])).toBe(1) // VDN-DDPG's Q_tot = Σ_i Q_i (tf.sum over agents in vdnDdpg.ts)
  })

  it("MADDPG's actor step feeds critic i the buffer's joint action with u_i ← μ_i", () => {
    const x = tf.tidy(() => withOwnAction(tf.tensor3d([[[0.1, 0.2], [0.3, 0.4]]]), tf.tensor2d([[-0.5, 0.9]])).arraySync())
    // [S = 1][critic i][b][j]
    expect(x).toEqual([[[[-0.5, 0.2], [-0.5, 0.4]], [[0.1, 0.9], [0.3, 0.9]]]].map((s) => s.map((c) => c.map((r) => r.map(Math.fround)))))
  })
})
