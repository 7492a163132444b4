/**
 * Soft value bounds (Eq. 4/5): max Q ≤ V ≤ max Q + α log |U|, π sums to 1,
 * V → max Q as α → 0, masking, and the variational form behind Eq. 17/18.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { individualValueTarget } from "../../src/core/bellman.ts"
import { klPolicyObjective } from "../../src/core/policyStep.ts"
import {
  energyLogPolicy,
  energyPolicy,
  maskedEnergyPolicy,
  maskedSoftValue,
  max,
  softValue
} from "../../src/core/softValue.ts"
import { holds, rejected } from "./reject.ts"

const qArb = fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 1, maxLength: 8 })
const alphaArb = fc.double({ min: 1e-3, max: 10, noNaN: true })
const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-12 * (1 + Math.abs(scale))

type SoftValueFn = (q: ReadonlyArray<number>, alpha: number) => number
type PolicyFn = (q: ReadonlyArray<number>, alpha: number) => ReadonlyArray<number>

const bounds = (v: SoftValueFn) =>
  fc.property(qArb, alphaArb, (q, alpha) => {
    const m = max(q)
    const value = v(q, alpha)
    return value >= m - 1e-12 * (1 + Math.abs(m)) && value <= m + alpha * Math.log(q.length) + 1e-12 * (1 + Math.abs(m))
  })

const normalised = (pi: PolicyFn) =>
  fc.property(qArb, alphaArb, (q, alpha) => {
    const p = pi(q, alpha)
    const total = p.reduce((a, b) => a + b, 0)
    return p.every((x) => x >= 0 && x <= 1) && Math.abs(total - 1) <= 1e-12
  })

/** |V(α) − max Q| ≤ α log |U|, V(0) = max Q, and V is non-decreasing in α (dV/dα = H(π) ≥ 0). */
const greedyLimit = (v: SoftValueFn) =>
  fc.property(qArb, alphaArb, alphaArb, (q, a1, a2) => {
    const m = max(q)
    const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1]
    return (
      v(q, 0) === m &&
      Math.abs(v(q, lo) - m) <= lo * Math.log(q.length) + 1e-12 * (1 + Math.abs(m)) &&
      v(q, lo) <= v(q, hi) + 1e-12 * (1 + Math.abs(m))
    )
  })

describe("soft value bounds: max Q ≤ V ≤ max Q + α log |U|", () => {
  it("holds for softValue, including large Q/α", () => holds("soft value bounds", bounds(softValue)))
  it("rejects a log-sum-exp without the max shift (overflow on large Q/α)", () => {
    const naive: SoftValueFn = (q, alpha) => alpha * Math.log(q.reduce((s, x) => s + Math.exp(x / alpha), 0))
    const [q, alpha] = rejected("soft value bounds", bounds(naive))
    expect(Number.isFinite(naive(q, alpha))).toBe(false)
  })
})

describe("the energy policy sums to 1", () => {
  it("holds for energyPolicy", () => holds("policy sums to 1", normalised(energyPolicy)))
  it("rejects exp((Q − max Q)/α) mistaken for exp((Q − V)/α)", () => {
    rejected("policy sums to 1", normalised((q, alpha) => q.map((x) => Math.exp((x - max(q)) / alpha))))
  })
})

describe("V → max Q as α → 0", () => {
  it("holds for softValue", () => holds("greedy limit", greedyLimit(softValue)))
  it("rejects log Σ exp(Q/α) without the factor α", () => {
    rejected("greedy limit", greedyLimit((q, alpha) => (alpha === 0 ? max(q) : max(q) / alpha + Math.log(
      q.reduce((s, x) => s + Math.exp((x - max(q)) / alpha), 0)
    ))))
  })
})

describe("masked soft value: unavailable actions carry no probability and do not count", () => {
  const maskedArb = qArb.chain((q) =>
    fc.tuple(
      fc.constant(q),
      fc.array(fc.constantFrom(0, 1), { minLength: q.length, maxLength: q.length }).filter((m) => m.includes(1)),
      alphaArb
    )
  )
  const maskedProperty = (pi: (q: ReadonlyArray<number>, mask: ReadonlyArray<number>, a: number) => ReadonlyArray<number>) =>
    fc.property(maskedArb, ([q, mask, alpha]) => {
      const available = q.filter((_, u) => mask[u] === 1)
      const p = pi(q, mask, alpha)
      const pAvailable = p.filter((_, u) => mask[u] === 1)
      const reference = energyPolicy(available, alpha)
      return (
        p.every((x, u) => mask[u] === 1 || x === 0) &&
        pAvailable.every((x, k) => Math.abs(x - reference[k]!) <= 1e-12) &&
        close(maskedSoftValue(q, mask, alpha), softValue(available, alpha), max(available))
      )
    })
  it("holds for maskedEnergyPolicy", () => holds("masked policy", maskedProperty(maskedEnergyPolicy)))
  it("rejects masking by zeroing Q (q · mask) instead of removing the action", () => {
    rejected("masked policy", maskedProperty((q, mask, alpha) => energyPolicy(q.map((x, u) => x * mask[u]!), alpha)))
  })
})

describe("variational form: E_π[Q − α log π] ≤ V, with equality at the energy policy (Eq. 17, 18)", () => {
  const piArb = (n: number) =>
    fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n })
      .filter((w) => w.some((x) => x > 0))
      .map((w) => w.map((x) => x / w.reduce((a, b) => a + b, 0)))
  const smallQ = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 })
  const caseArb = smallQ.chain((q) => fc.tuple(fc.constant(q), piArb(q.length), fc.double({ min: 0.01, max: 5, noNaN: true })))
  /** KL(p ‖ q) = Σ p (log p − log q) from log q. */
  const klLog = (p: ReadonlyArray<number>, logQ: ReadonlyArray<number>) =>
    p.reduce((s, x, u) => (x > 0 ? s + x * (Math.log(x) - logQ[u]!) : s), 0)
  const variational = (target: (q: ReadonlyArray<number>, alpha: number) => ReadonlyArray<number>) =>
    fc.property(caseArb, ([q, pi, alpha]) => {
      const v = softValue(q, alpha)
      const tol = 1e-9 * (1 + Math.abs(v))
      const optimal = target(q, alpha)
      return (
        individualValueTarget(q, pi, alpha) <= v + tol &&
        Math.abs(individualValueTarget(q, optimal, alpha) - v) <= tol &&
        // Eq. 18 = α KL(π ‖ π_Q) − V, the KL taken in the log domain (π_Q may underflow)
        Math.abs(klPolicyObjective(pi, q, alpha) - (alpha * klLog(pi, energyLogPolicy(q, alpha)) - v)) <= tol
      )
    })
  it("holds with the energy policy at the same α", () => holds("variational form", variational(energyPolicy)))
  it("rejects the softmax of Q that ignores α", () => {
    rejected("variational form", variational((q) => energyPolicy(q, 1)))
  })
})
