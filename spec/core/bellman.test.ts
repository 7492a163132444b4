import { describe, expect, it } from "vitest"
import {
  expectedSoftTarget,
  individualValueTarget,
  lambdaReturns,
  sampledSoftTarget,
  softBellmanResidual,
  softBellmanTarget,
  softObjective,
  softPolicyEvaluation,
  softQIteration
} from "../../src/core/bellman.ts"
import type { CooperativeMdp } from "../../src/core/finiteMdp.ts"

const LOG2 = 0.6931471805599453

describe("one-step soft targets", () => {
  it("softBellmanTarget = r + γ(1 − done) V_tot(s') (Eq. 11)", () => {
    expect(softBellmanTarget({ reward: 1, gamma: 0.9, done: false, nextVTot: 2 })).toBeCloseTo(2.8, 15)
    expect(softBellmanTarget({ reward: 1, gamma: 0.9, done: true, nextVTot: 2 })).toBe(1)
    expect(softBellmanTarget({ reward: 1, gamma: 0.9, done: 1, nextVTot: 2 })).toBe(1)
  })
  it("sampledSoftTarget = r + γ(1 − done)(Q_tot(s', u') − α log π_tot(u')) (Eq. 16)", () => {
    // 1 + 0.5 · (3 − 0.1 · log 0.25) = 2.5 + 0.05 · log 4
    const y = sampledSoftTarget({ reward: 1, gamma: 0.5, done: 0, nextQTot: 3, nextLogPiTot: Math.log(0.25), alpha: 0.1 })
    expect(y).toBeCloseTo(2.5693147180559945, 14)
  })
  it("expectedSoftTarget takes the expectation over u' exactly", () => {
    // uniform over two actions with Q = 0: Σ π(−α log π) = α log 2
    expect(expectedSoftTarget({ reward: 0, gamma: 1, done: false, nextQTot: [0, 0], nextPiTot: [0.5, 0.5], alpha: 1 }))
      .toBeCloseTo(LOG2, 15)
    // a one-hot policy: the Q value of that action, no entropy
    expect(expectedSoftTarget({ reward: 2, gamma: 0.5, done: false, nextQTot: [4, 100], nextPiTot: [1, 0], alpha: 3 }))
      .toBe(4)
    expect(expectedSoftTarget({ reward: 2, gamma: 0.5, done: true, nextQTot: [4, 100], nextPiTot: [1, 0], alpha: 3 }))
      .toBe(2)
  })
  it("individualValueTarget = E_π[Q − α log π] (Eq. 17)", () => {
    expect(individualValueTarget([0, 1], [1, 0], 1)).toBe(0)
    // 0.5 · 0 + 0.5 · 1 + 2 · log 2
    expect(individualValueTarget([0, 1], [0.5, 0.5], 2)).toBeCloseTo(0.5 + 2 * LOG2, 15)
  })
})

// One state, one agent with two actions, self loop: V = log(e^{1+γV} + e^{γV}) ⇒ V = log(1 + e)/(1 − γ).
const bandit: CooperativeMdp = {
  states: 1,
  actionCounts: [2],
  reward: [[1, 0]],
  transition: [[[1], [1]]]
}

describe("λ-returns over padded episodes (pymarl2's TD(λ) targets)", () => {
  // Two episodes, time-major (index t · B + b): episode 0 ends for real at step 3 (length 4),
  // episode 1 at step 1 (length 2, then two padded steps whose values must not matter).
  const T = 4
  const B = 2
  const reward = [1, 0.5, -2, 0, 0.25, 99, 3, 99]
  const terminated = [0, 0, 0, 1, 0, 0, 1, 0]
  const mask = [1, 1, 1, 1, 1, 0, 1, 0]
  const next = [2, -1, 4, 7, 1.5, 123, -3, 456] // value of the state after each step
  const gamma = 0.9
  const at = (t: number, b: number) => t * B + b
  const length = [4, 2]

  /** The n-step return from t of episode b: Σ_k γ^k r_{t+k} + γ^n (1 − d) next, bootstrapped after n steps. */
  const nStep = (t: number, b: number, n: number): number => {
    let g = 0
    for (let k = 0; k < n; k++) g += gamma ** k * reward[at(t + k, b)]!
    const last = at(t + n - 1, b)
    return g + gamma ** n * (1 - terminated[last]!) * next[last]!
  }
  /** The forward view: G^λ_t = (1 − λ) Σ_{n=1}^{L−t−1} λ^{n−1} G^(n)_t + λ^{L−t−1} G^(L−t)_t (Sutton & Barto, Eq. 12.3). */
  const forwardView = (t: number, b: number, lambda: number): number => {
    const rest = length[b]! - t
    let g = 0
    for (let n = 1; n < rest; n++) g += (1 - lambda) * lambda ** (n - 1) * nStep(t, b, n)
    return g + lambda ** (rest - 1) * nStep(t, b, rest)
  }

  it("equals the forward view (a weighted sum of n-step returns) on every real step, for λ in [0, 1]", () => {
    for (const lambda of [0, 0.3, 0.6, 0.8, 1]) {
      const got = lambdaReturns({ T, B, reward, terminated, mask, next, gamma, lambda })
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < length[b]!; t++) expect(got[at(t, b)], `λ ${lambda}, t ${t}, episode ${b}`).toBeCloseTo(forwardView(t, b, lambda), 12)
      }
    }
  })

  it("λ = 0 is the one-step target r + γ(1 − d) next; λ = 1 the discounted return of the episode", () => {
    const zero = lambdaReturns({ T, B, reward, terminated, mask, next, gamma, lambda: 0 })
    const one = lambdaReturns({ T, B, reward, terminated, mask, next, gamma, lambda: 1 })
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < length[b]!; t++) {
        expect(zero[at(t, b)]).toBeCloseTo(reward[at(t, b)]! + gamma * (1 - terminated[at(t, b)]!) * next[at(t, b)]!, 12)
        let mc = 0
        for (let k = t; k < length[b]!; k++) mc += gamma ** (k - t) * reward[at(k, b)]!
        expect(one[at(t, b)]).toBeCloseTo(mc, 12)
      }
    }
  })
})

describe("tabular soft dynamic programming", () => {
  it("soft Q-iteration reaches the closed-form fixed point of a one-state loop", () => {
    const { qTot, vTot, residual } = softQIteration(bandit, 0.5, 1, 80)
    expect(vTot[0]).toBeCloseTo(2.6265233750364456, 12) // 2 log(1 + e)
    expect(qTot[0]![0]).toBeCloseTo(2.3132616875182226, 12) // 1 + log(1 + e)
    expect(qTot[0]![1]).toBeCloseTo(1.3132616875182228, 12) // log(1 + e)
    expect(residual).toBeLessThan(1e-12)
  })
  it("the residual of Q = 0 is the one-step soft backup's size", () => {
    // T 0 = r + γ · α log 2 = [1 + 0.5 log 2, 0.5 log 2]
    expect(softBellmanResidual(bandit, [[0, 0]], 0.5, 1)).toBeCloseTo(1 + 0.5 * LOG2, 15)
  })
  it("soft policy evaluation of the uniform policy: V = (0.5 + log 2)/(1 − γ)", () => {
    const { vTot, qTot } = softPolicyEvaluation(bandit, [[0.5, 0.5]], 0.5, 1)
    expect(vTot[0]).toBeCloseTo(1 + 2 * LOG2, 14)
    expect(qTot[0]![0]).toBeCloseTo(1 + 0.5 * (1 + 2 * LOG2), 14)
    expect(qTot[0]![1]).toBeCloseTo(0.5 * (1 + 2 * LOG2), 14)
  })
  it("soft policy evaluation solves a two-state chain: V(1) = 2/(1 − γ), V(0) = 1 + γ V(1)", () => {
    const chain: CooperativeMdp = {
      states: 2,
      actionCounts: [1],
      reward: [[1], [2]],
      transition: [[[0, 1]], [[0, 1]]]
    }
    const { vTot } = softPolicyEvaluation(chain, [[1], [1]], 0.5, 7)
    expect(vTot[1]).toBeCloseTo(4, 14)
    expect(vTot[0]).toBeCloseTo(3, 14)
    expect(softObjective(chain, [[1], [1]], 0.5, 7)).toBeCloseTo(3.5, 14)
    expect(softObjective(chain, [[1], [1]], 0.5, 7, [1, 0])).toBeCloseTo(3, 14)
  })
  it("rejects malformed MDPs, policies and discounts", () => {
    const badRow: CooperativeMdp = { ...bandit, transition: [[[0.5], [1]]] }
    expect(() => softQIteration(badRow, 0.5, 1, 1)).toThrow(RangeError)
    expect(() => softPolicyEvaluation(bandit, [[0.7, 0.7]], 0.5, 1)).toThrow(RangeError)
    expect(() => softPolicyEvaluation(bandit, [[0.5, 0.5]], 1, 1)).toThrow(RangeError)
  })
})
