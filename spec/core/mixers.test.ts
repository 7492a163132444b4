import { describe, expect, it } from "vitest"
import { elu, qmixMix, vdnMix } from "../../src/core/mixers.ts"

describe("VDN", () => {
  it("sums the chosen-action values", () => {
    expect(vdnMix([1, 2, -0.5])).toBe(2.5)
  })
})

describe("elu", () => {
  it("is x for x > 0 and e^x − 1 otherwise", () => {
    expect(elu(1)).toBe(1)
    expect(elu(0)).toBe(0)
    expect(elu(-1)).toBeCloseTo(-0.6321205588285577, 15)
  })
})

describe("QMIX mixer", () => {
  it("worked by hand: q = [1, −2], W1 = [[1, −0.5], [0.5, 2]], b1 = [0, 1], w2 = [−1, 2], b2 = 0.5", () => {
    // pre_0 = 1·|1| + (−2)·|0.5| + 0 = 0            → elu = 0
    // pre_1 = 1·|−0.5| + (−2)·|2| + 1 = −2.5         → elu = e^−2.5 − 1 = −0.9179150013761012
    // Q_tot = 0·|−1| + (−0.9179150013761012)·|2| + 0.5 = −1.3358300027522023
    const y = qmixMix({ q: [1, -2], w1: [[1, -0.5], [0.5, 2]], b1: [0, 1], w2: [-1, 2], b2: 0.5 })
    expect(y).toBeCloseTo(-1.3358300027522023, 15)
  })
  it("rejects mismatched shapes", () => {
    expect(() => qmixMix({ q: [1, 2], w1: [[1]], b1: [0], w2: [1], b2: 0 })).toThrow(RangeError)
    expect(() => qmixMix({ q: [1], w1: [[1, 1]], b1: [0, 0], w2: [1], b2: 0 })).toThrow(RangeError)
  })
})
