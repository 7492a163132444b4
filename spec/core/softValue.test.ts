import { describe, expect, it } from "vitest"
import {
  energyLogPolicy,
  energyPolicy,
  entropy,
  logSumExp,
  maskedEnergyPolicy,
  maskedSoftValue,
  softValue
} from "../../src/core/softValue.ts"

// Reference numbers below are worked by hand (closed forms) and evaluated with Python's math module.
const LOG2 = 0.6931471805599453

describe("logSumExp", () => {
  it("is log Σ exp, shifted so large inputs do not overflow", () => {
    expect(logSumExp([0, Math.log(3)])).toBeCloseTo(Math.log(4), 15)
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + LOG2, 12)
    expect(logSumExp([-1000, -1000])).toBeCloseTo(-1000 + LOG2, 12)
  })
  it("handles the empty and all −∞ inputs", () => {
    expect(logSumExp([])).toBe(-Infinity)
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity)
  })
})

describe("softValue (Eq. 4/5 partition function)", () => {
  it("softValue([0, 0], 1) = log 2", () => {
    expect(softValue([0, 0], 1)).toBeCloseTo(LOG2, 15)
  })
  it("softValue([0, 0], 0.5) = 0.5 · log 2", () => {
    expect(softValue([0, 0], 0.5)).toBeCloseTo(0.5 * LOG2, 15)
  })
  it("softValue([1, 2, 3], 1) = log(e + e² + e³)", () => {
    expect(softValue([1, 2, 3], 1)).toBeCloseTo(3.40760596444438, 13)
  })
  it("is stable for large Q/α: softValue([1000, 1000], 0.001) = 1000 + 0.001 · log 2", () => {
    expect(softValue([1000, 1000], 0.001)).toBeCloseTo(1000 + 0.001 * LOG2, 12)
  })
  it("α = 0 is the limit max Q", () => {
    expect(softValue([2, 5, -1], 0)).toBe(5)
  })
  it("rejects empty Q and a negative or NaN temperature", () => {
    expect(() => softValue([], 1)).toThrow(RangeError)
    expect(() => softValue([1], -1)).toThrow(RangeError)
    expect(() => softValue([1], Number.NaN)).toThrow(RangeError)
  })
})

describe("energyPolicy (Eq. 4/5)", () => {
  it("at α = 1 is the softmax: [1, 2, 3] → [e, e², e³] / (e + e² + e³)", () => {
    const p = energyPolicy([1, 2, 3], 1)
    const expected = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]
    p.forEach((x, k) => expect(x).toBeCloseTo(expected[k]!, 15))
  })
  it("at α = 2 halves the logits: [0, 2 log 3] → [1/4, 3/4]", () => {
    const p = energyPolicy([0, 2 * Math.log(3)], 2)
    expect(p[0]).toBeCloseTo(0.25, 15)
    expect(p[1]).toBeCloseTo(0.75, 15)
  })
  it("at α = 0 is uniform over the maximisers", () => {
    expect(energyPolicy([1, 3, 3], 0)).toEqual([0, 0.5, 0.5])
  })
  it("log-domain version agrees: log π = (Q − V)/α", () => {
    const logP = energyLogPolicy([0, 2 * Math.log(3)], 2)
    expect(logP[0]).toBeCloseTo(Math.log(0.25), 14)
    expect(logP[1]).toBeCloseTo(Math.log(0.75), 14)
    expect(energyLogPolicy([1, 3, 3], 0)).toEqual([-Infinity, -LOG2, -LOG2])
  })
})

describe("masked soft value and policy (SMAC's available actions)", () => {
  it("ignore unavailable actions, however large their Q", () => {
    expect(maskedSoftValue([5, 0, 0], [0, 1, 1], 1)).toBeCloseTo(LOG2, 15)
    expect(maskedEnergyPolicy([5, 0, 0], [0, 1, 1], 1)).toEqual([0, 0.5, 0.5])
    expect(maskedSoftValue([5, 0, 7], [1, 1, 0], 0)).toBe(5)
  })
  it("reject a mask with no available action or of the wrong length", () => {
    expect(() => maskedSoftValue([1, 2], [0, 0], 1)).toThrow(RangeError)
    expect(() => maskedEnergyPolicy([1, 2], [1], 1)).toThrow(RangeError)
  })
})

describe("entropy", () => {
  it("is −Σ p log p with 0 log 0 = 0", () => {
    expect(entropy([0.5, 0.5])).toBeCloseTo(LOG2, 15)
    expect(entropy([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(Math.log(4), 15)
    expect(entropy([1, 0])).toBe(0)
  })
})
