import { describe, expect, it } from "vitest"
import {
  klDivergence,
  klPolicyObjective,
  klPolicyObjectiveGradient,
  klPolicyStep,
  policyGradientStep,
  softmax
} from "../../src/core/policyStep.ts"

const LOG2 = 0.6931471805599453

describe("klDivergence", () => {
  it("matches hand values, 0 log 0 = 0, and +∞ off the support", () => {
    // 0.5 log(0.5/0.25) + 0.5 log(0.5/0.75)
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.14384103622589042, 15)
    expect(klDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(LOG2, 15)
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity)
  })
})

describe("klPolicyObjective (Eq. 18)", () => {
  it("uniform π on Q = [1, 3], α = 1: 0.5(log 0.5 − 1) + 0.5(log 0.5 − 3) = −log 2 − 2", () => {
    expect(klPolicyObjective([0.5, 0.5], [1, 3], 1)).toBeCloseTo(-LOG2 - 2, 15)
  })
  it("the closed-form step attains −V = −(3 + log(1 + e^−2))", () => {
    const pi = klPolicyStep([1, 3], 1)
    expect(klPolicyObjective(pi, [1, 3], 1)).toBeCloseTo(-3.1269280110429727, 14)
  })
})

describe("policy gradient on Eq. 18 w.r.t. softmax logits", () => {
  it("at z = 0, Q = [1, 3], α = 1: ∂J/∂z = π_k(g_k − ḡ) = [0.5, −0.5]", () => {
    const g = klPolicyObjectiveGradient([0, 0], [1, 3], 1)
    expect(g[0]).toBeCloseTo(0.5, 15)
    expect(g[1]).toBeCloseTo(-0.5, 15)
    const z = policyGradientStep([0, 0], [1, 3], 1, 0.1)
    expect(z[0]).toBeCloseTo(-0.05, 15)
    expect(z[1]).toBeCloseTo(0.05, 15)
  })
  it("agrees with central finite differences of J(softmax(z))", () => {
    const cases: Array<[Array<number>, Array<number>, number]> = [
      [[0.3, -1.2, 2.0], [1.5, -0.5, 0.25], 0.7],
      [[5, 0, -5, 1], [0, 2, 4, -1], 0.05],
      [[-0.1, 0.1], [10, -10], 3]
    ]
    const h = 1e-6
    for (const [z, q, alpha] of cases) {
      const grad = klPolicyObjectiveGradient(z, q, alpha)
      z.forEach((_, k) => {
        const plus = z.map((x, j) => (j === k ? x + h : x))
        const minus = z.map((x, j) => (j === k ? x - h : x))
        const fd = (klPolicyObjective(softmax(plus), q, alpha) - klPolicyObjective(softmax(minus), q, alpha)) / (2 * h)
        expect(grad[k]).toBeCloseTo(fd, 7)
      })
    }
  })
})
