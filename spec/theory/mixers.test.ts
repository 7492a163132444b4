/**
 * VDN is additive (∂Q_tot/∂Q_i = 1) and QMIX's mixer is monotone in every Q_i
 * (Eq. 2), for any hypernetwork output, which gives IGM.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { elu, qmixMix, type QmixInputs, vdnMix } from "../../src/core/mixers.ts"
import { gridValueArb, qTablesArb } from "../../src/theory/arbitraries.ts"
import { findIgmViolation } from "../../src/theory/igm.ts"
import { findMonotonicityViolation } from "../../src/theory/monotonicity.ts"
import { holds, rejected } from "./reject.ts"

const values = { min: -10, max: 10 }

/** QMIX's mixer without the absolute values on W1 and w2: the plausible bug. */
const withoutAbs = ({ q, w1, b1, w2, b2 }: QmixInputs): number =>
  b1.reduce((y, b, e) => y + elu(q.reduce((s, x, i) => s + x * w1[i]![e]!, b)) * w2[e]!, 0) + b2

describe("VDN is additive: Q_tot(q + δ e_i) − Q_tot(q) = δ", () => {
  const caseArb = fc.integer({ min: 1, max: 8 }).chain((n) =>
    fc.tuple(
      fc.array(gridValueArb(values), { minLength: n, maxLength: n }),
      fc.integer({ min: 0, max: n - 1 }),
      gridValueArb({ min: -5, max: 5 })
    )
  )
  const additive = (mix: (q: ReadonlyArray<number>) => number) =>
    fc.property(caseArb, ([q, i, delta]) => {
      const moved = q.map((x, k) => (k === i ? x + delta : x))
      return Math.abs(mix(moved) - mix(q) - delta) <= 1e-9
    })
  it("holds for vdnMix", () => holds("VDN additive", additive(vdnMix)))
  it("rejects averaging the agents instead of summing them", () => {
    const [q] = rejected("VDN additive", additive((q) => vdnMix(q) / q.length))
    expect(q.length).toBeGreaterThan(1)
  })
})

describe("QMIX's mixer is monotone in every Q_i, for any hypernetwork output", () => {
  const E = 4
  /** Raw (signed) hypernetwork outputs for N agents, and a monotonicity case. */
  const caseArb = fc.integer({ min: 1, max: 5 }).chain((n) => {
    const signed = gridValueArb({ min: -2, max: 2 })
    return fc.record({
      w1: fc.array(fc.array(signed, { minLength: E, maxLength: E }), { minLength: n, maxLength: n }),
      b1: fc.array(signed, { minLength: E, maxLength: E }),
      w2: fc.array(signed, { minLength: E, maxLength: E }),
      b2: signed,
      q: fc.array(gridValueArb(values), { minLength: n, maxLength: n }),
      agent: fc.integer({ min: 0, max: n - 1 }),
      delta: gridValueArb({ min: 0, max: 5 }).filter((d) => d > 0)
    })
  })
  const monotone = (mix: (inputs: QmixInputs) => number) =>
    fc.property(caseArb, ({ w1, b1, w2, b2, q, agent, delta }) =>
      findMonotonicityViolation((chosen) => mix({ q: chosen, w1, b1, w2, b2 }), { q, agent, delta }) === undefined
    )
  it("holds for qmixMix", () => holds("QMIX monotone", monotone(qmixMix)))
  it("rejects the mixer without abs on its weights", () => {
    rejected("QMIX monotone", monotone(withoutAbs))
  })
})

describe("QMIX's mixer satisfies IGM for any hypernetwork output with non-zero weights", () => {
  // Small ranges keep elu's slope ≥ e^−7 and every |weight| ≥ 0.05, so distinct Q values stay
  // distinct in Q_tot by far more than rounding: the strict unique-maximiser rule is meaningful.
  const caseArb = qTablesArb({ min: 1, max: 3 }, { min: 1, max: 4 }, { min: -2, max: 2 }).chain((qs) => {
    const n = qs.length
    const E = 4
    const nonZero = gridValueArb({ min: -1, max: 1 }).filter((w) => Math.abs(w) >= 0.05)
    return fc.record({
      qs: fc.constant(qs),
      w1: fc.array(fc.array(nonZero, { minLength: E, maxLength: E }), { minLength: n, maxLength: n }),
      b1: fc.array(gridValueArb({ min: -1, max: 1 }), { minLength: E, maxLength: E }),
      w2: fc.array(nonZero, { minLength: E, maxLength: E }),
      b2: gridValueArb({ min: -1, max: 1 })
    })
  })
  const igm = (mix: (inputs: QmixInputs) => number) =>
    fc.property(caseArb, ({ qs, w1, b1, w2, b2 }) =>
      findIgmViolation((chosen) => mix({ q: chosen, w1, b1, w2, b2 }), qs) === undefined
    )
  it("holds for qmixMix", () => holds("QMIX IGM", igm(qmixMix)))
  it("rejects the mixer without abs on its weights", () => {
    rejected("QMIX IGM", igm(withoutAbs))
  })
})
