/**
 * The reusable theory API (src/theory): checkIgm, checkTheorem1,
 * checkMonotonicity, their option validation, and FSV_PROPERTY_RUNS.
 */
import { describe, expect, it } from "vitest"
import { argmaxJoint, individualArgmax, jointTable } from "../../src/core/factorization.ts"
import { qmixMix, vdnMix } from "../../src/core/mixers.ts"
import { stream } from "../../src/rng/Rng.ts"
import {
  checkIgm,
  checkMonotonicity,
  checkTheorem1,
  findIgmViolation,
  fsvFactorization,
  InvalidCheckOptions,
  InvalidPropertyRuns,
  propertyRuns
} from "../../src/theory/index.ts"

/** A QMIX mixer with fixed hypernetwork outputs for N agents, E = 8, weights drawn once from a seeded stream. */
const fixedQmix = (n: number, label: string, nonNegative: boolean) => {
  const s = stream(20210101, ["spec", "theory", label])
  const draw = () => (nonNegative ? s.uniform(0, 1) : s.normal())
  const E = 8
  const w1 = Array.from({ length: n }, () => Array.from({ length: E }, draw))
  const b1 = Array.from({ length: E }, () => s.normal())
  const w2 = Array.from({ length: E }, draw)
  const b2 = s.normal()
  return { w1, b1, w2, b2 }
}

describe("checkIgm", () => {
  it("rejects Q_tot = Q_1 + Q_2 − 2·Q_1·Q_2 on values in [0, 1] with a real counterexample", () => {
    const mixer = (q: ReadonlyArray<number>) => q[0]! + q[1]! - 2 * q[0]! * q[1]!
    const report = checkIgm(mixer, { agents: 2, actions: { min: 2, max: 4 }, values: { min: 0, max: 1 } })
    expect(report.ok).toBe(false)
    const cx = report.counterexample!
    // Independent re-check of the shrunk counterexample: the joint argmax is not the greedy tuple.
    const table = jointTable(cx.qs, mixer)
    const counts = cx.qs.map((q) => q.length)
    expect(individualArgmax(cx.qs)).toEqual(cx.greedy)
    expect(argmaxJoint(table, counts)).not.toEqual(cx.greedy)
    expect(cx.qTotRival).toBeGreaterThanOrEqual(cx.qTotGreedy)
    expect(mixer(cx.rival.map((u, i) => cx.qs[i]![u]!))).toBe(cx.qTotRival)
  })
  it("explains a hand-worked violation: Q_1 = Q_2 = [0, 1] under Q_1 + Q_2 − 2·Q_1·Q_2", () => {
    // greedy tuple (1, 1) gives 1 + 1 − 2 = 0, while (0, 1) gives 1: the joint argmax is (0, 1)
    const cx = findIgmViolation((q) => q[0]! + q[1]! - 2 * q[0]! * q[1]!, [[0, 1], [0, 1]])
    expect(cx).toEqual({ qs: [[0, 1], [0, 1]], greedy: [1, 1], qTotGreedy: 0, rival: [0, 1], qTotRival: 1 })
    expect(findIgmViolation(vdnMix, [[0, 1], [0, 1]])).toBeUndefined()
  })
  it("accepts VDN", () => {
    const report = checkIgm(vdnMix, { agents: { min: 1, max: 4 }, actions: { min: 1, max: 4 } })
    expect(report).toMatchObject({ ok: true, cases: propertyRuns() })
  })
  it("accepts a QMIX mixer with random fixed non-negative weights", () => {
    const weights = fixedQmix(3, "qmix non-negative", true)
    const report = checkIgm((q) => qmixMix({ q, ...weights }), { agents: 3, actions: { min: 1, max: 5 } })
    expect(report).toMatchObject({ ok: true, cases: propertyRuns() })
  })
  it("gives the mixer each agent's full Q vector: FSV's Eq. 7 with V_i = max Q_i and fixed λ > 0 passes", () => {
    const lambda = [0.5, 2, 3]
    const report = checkIgm(
      (chosen, { qs }) => chosen.reduce((s, q, i) => s + lambda[i]! * (q - Math.max(...qs[i]!)), 4),
      { agents: 3, actions: { min: 1, max: 4 } }
    )
    expect(report.ok).toBe(true)
  })
  it("reports a constant mixer as a violation (ties: the greedy tuple must be the unique maximiser)", () => {
    const report = checkIgm(() => 1, { agents: 2, actions: 2 })
    expect(report.ok).toBe(false)
    expect(report.counterexample!.qTotRival).toBe(report.counterexample!.qTotGreedy)
  })
  it("reports what a throwing mixer threw, with the input", () => {
    const report = checkIgm(() => {
      throw new Error("boom")
    }, { agents: 1, actions: 1, runs: 5 })
    expect(report.ok).toBe(false)
    expect(String(report.error)).toContain("boom")
    expect(report.input).toBeDefined()
  })
  it("rejects bad options with InvalidCheckOptions", () => {
    expect(() => checkIgm(vdnMix, { agents: 0, actions: 2 })).toThrow(InvalidCheckOptions)
    expect(() => checkIgm(vdnMix, { agents: { min: 3, max: 2 }, actions: 2 })).toThrow(InvalidCheckOptions)
    expect(() => checkIgm(vdnMix, { agents: 20, actions: 10 })).toThrow(InvalidCheckOptions)
    expect(() => checkIgm(vdnMix, { agents: 2, actions: 2, runs: 0 })).toThrow(InvalidCheckOptions)
    expect(() => checkIgm(vdnMix, { agents: 2, actions: 2, values: { min: 1, max: 1 } })).toThrow(InvalidCheckOptions)
  })
})

describe("checkMonotonicity", () => {
  it("accepts VDN and QMIX with abs on its weights", () => {
    expect(checkMonotonicity(vdnMix, { agents: { min: 1, max: 5 } }).ok).toBe(true)
    const weights = fixedQmix(3, "qmix signed", false)
    expect(checkMonotonicity((q) => qmixMix({ q, ...weights }), { agents: 3 }).ok).toBe(true)
  })
  it("rejects the same QMIX weights without the abs, with a decreasing step", () => {
    const { w1, b1, w2, b2 } = fixedQmix(3, "qmix signed", false)
    const noAbs = (q: ReadonlyArray<number>) => {
      let y = b2
      for (let e = 0; e < b1.length; e++) {
        let pre = b1[e]!
        for (let i = 0; i < q.length; i++) pre += q[i]! * w1[i]![e]!
        y += (pre > 0 ? pre : Math.expm1(pre)) * w2[e]!
      }
      return y
    }
    const report = checkMonotonicity(noAbs, { agents: 3 })
    expect(report.ok).toBe(false)
    const cx = report.counterexample!
    expect(cx.delta).toBeGreaterThan(0)
    expect(noAbs(cx.q.map((x, i) => (i === cx.agent ? x + cx.delta : x)))).toBeLessThan(noAbs(cx.q))
  })
  it("rejects negative increments", () => {
    expect(() => checkMonotonicity(vdnMix, { agents: 2, deltas: { min: -1, max: 1 } })).toThrow(InvalidCheckOptions)
  })
})

describe("checkTheorem1", () => {
  it("accepts FSV's Eq. 6 with λ*_i = α/α_i on random agents, actions and temperatures", () => {
    const report = checkTheorem1(fsvFactorization, { agents: { min: 1, max: 4 }, actions: { min: 1, max: 4 } })
    expect(report).toMatchObject({ ok: true, cases: propertyRuns() })
  })
  it("rejects underflowing ranges", () => {
    expect(() =>
      checkTheorem1(fsvFactorization, { agents: 4, actions: 2, values: { min: -100, max: 100 }, temperatures: { min: 0.01, max: 1 } })
    ).toThrow(InvalidCheckOptions)
  })
})

describe("FSV_PROPERTY_RUNS", () => {
  it("defaults to 1,000 and accepts a positive integer", () => {
    expect(propertyRuns({})).toBe(1000)
    expect(propertyRuns({ FSV_PROPERTY_RUNS: "25000" })).toBe(25000)
  })
  it("rejects anything else with InvalidPropertyRuns", () => {
    for (const bad of ["0", "-3", "1e3", "ten", "2.5"]) {
      expect(() => propertyRuns({ FSV_PROPERTY_RUNS: bad })).toThrow(InvalidPropertyRuns)
    }
  })
})
