import { describe, expect, it } from "vitest"
import {
  argmaxJoint,
  individualArgmax,
  jointActionAt,
  jointActions,
  jointIndex,
  qTotFactored,
  qTotStopGradientForm,
  theorem1Lambda,
  theorem2Lambda
} from "../../src/core/factorization.ts"

describe("joint action tables", () => {
  it("index joint actions with agent 0 most significant", () => {
    expect(jointIndex([1, 2], [2, 3])).toBe(5)
    expect(jointIndex([0, 1, 1], [2, 2, 2])).toBe(3)
    expect(jointActionAt(5, [2, 3])).toEqual([1, 2])
    expect(jointActions([2, 2])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]])
    expect(() => jointIndex([2, 0], [2, 3])).toThrow(RangeError)
  })
  it("argmaxes break ties toward the lowest index", () => {
    expect(argmaxJoint([0, 5, 5, 1], [2, 2])).toEqual([0, 1])
    expect(individualArgmax([[1, 3, 2], [4, 0], [7, 7]])).toEqual([1, 0, 0])
  })
})

describe("Eq. 7 and its stop-gradient form Eq. 33", () => {
  const inputs = { lambda: [2, 0.5], q: [1, 3], v: [2, 5], vTot: 10 }
  it("Q_tot = Σ λ_i (Q_i − V_i) + V_tot: 2·(−1) + 0.5·(−2) + 10 = 7", () => {
    expect(qTotFactored(inputs)).toBe(7)
  })
  it("Eq. 33 splits the same value into λ-only, detached and Q-only parts", () => {
    const form = qTotStopGradientForm(inputs)
    expect(form.lambdaTerm).toBe(-3)
    expect(form.detached).toBe(6) // V_tot − ΣQ_i = 10 − 4
    expect(form.differentiable).toBe(4) // ΣQ_i
    expect(form.value).toBe(7)
    expect(form.gradLambda).toEqual([-1, -2])
    expect(form.gradQ).toEqual([1, 1])
  })
})

describe("Theorem 1 and Theorem 2 weights", () => {
  it("λ*_i = α / α_i", () => {
    expect(theorem1Lambda(0.5, [0.25, 1, 2])).toEqual([2, 0.5, 0.25])
    expect(() => theorem1Lambda(0.5, [0])).toThrow(RangeError)
  })

  // A 2×2 IGM-consistent, non-monotone table worked by hand:
  //   Q_1 = [1, 0], Q_2 = [2, 0]   ⇒ V_1 = 1, V_2 = 2, greedy tuple (0, 0)
  //   Q_tot = [[8, −12], [−12, 0]]  ⇒ V_tot = 8 at (0, 0)
  const q1 = [1, 0]
  const q2 = [2, 0]
  const qTot = [[8, -12], [-12, 0]]
  const v = [1, 2]
  const vTot = 8
  const cases: Array<[number, number, Array<number>]> = [
    [0, 0, [1, 1]], // the joint argmax: λ = 1 by convention
    [0, 1, [1, 10]], // agent 1 alone off-greedy: (−12 − 8)/(1 · (0 − 2)) = 10
    [1, 0, [20, 1]], // agent 0 alone off-greedy: (−12 − 8)/(1 · (0 − 1)) = 20
    [1, 1, [4, 2]] // both off-greedy, Eq. 30 with n = 2: (0 − 8)/(2 · −1) = 4, (0 − 8)/(2 · −2) = 2
  ]
  for (const [a, b, expected] of cases) {
    it(`Eq. 30 at u = (${a}, ${b}) gives λ = [${expected.join(", ")}] and Eq. 7 reproduces Q_tot`, () => {
      const q = [q1[a]!, q2[b]!]
      const lambda = theorem2Lambda({ qTot: qTot[a]![b]!, vTot, q, v })
      expect(lambda).toEqual(expected)
      expect(qTotFactored({ lambda, q, v, vTot })).toBe(qTot[a]![b]!)
    })
  }
  it("refuses a table whose greedy tuple is not its maximiser (no λ can satisfy Eq. 7)", () => {
    expect(() => theorem2Lambda({ qTot: 5, vTot: 8, q: [1, 2], v: [1, 2] })).toThrow(RangeError)
  })
})
