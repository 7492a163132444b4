/**
 * Eq. 33: the stop-gradient form has Eq. 7's value, with ∂/∂λ_i = Q_i − V_i and ∂/∂Q_i = 1.
 */
import * as fc from "fast-check"
import { describe, it } from "vitest"
import { qTotFactored, qTotStopGradientForm, type StopGradientForm } from "../../src/core/factorization.ts"
import { gridValueArb } from "../../src/theory/arbitraries.ts"
import { holds, rejected } from "./reject.ts"

const values = { min: -100, max: 100 }
const caseArb = fc.integer({ min: 1, max: 8 }).chain((n) => {
  const perAgent = (range: { min: number; max: number }) => fc.array(gridValueArb(range), { minLength: n, maxLength: n })
  return fc.record({ lambda: perAgent({ min: 0, max: 10 }), q: perAgent(values), v: perAgent(values), vTot: gridValueArb(values) })
})
type Inputs = typeof caseArb extends fc.Arbitrary<infer C> ? C : never

const sameAsEq7 = (form: (inputs: Inputs) => StopGradientForm) =>
  fc.property(caseArb, (inputs) => {
    const f = form(inputs)
    const scale = 1 + Math.abs(inputs.vTot) + inputs.q.reduce((s, x) => s + Math.abs(x), 0)
    return (
      Math.abs(f.value - qTotFactored(inputs)) <= 1e-11 * scale &&
      f.value === f.lambdaTerm + f.detached + f.differentiable &&
      f.gradLambda.every((g, i) => g === inputs.q[i]! - inputs.v[i]!) &&
      f.gradQ.every((g) => g === 1)
    )
  })

describe("Eq. 33 equals Eq. 7 in value", () => {
  it("holds for qTotStopGradientForm", () => holds("Eq. 33 value", sameAsEq7(qTotStopGradientForm)))
  it("rejects the form with the detached −Σ Q_i term forgotten", () => {
    rejected("Eq. 33 value", sameAsEq7((inputs) => {
      const f = qTotStopGradientForm(inputs)
      const detached = inputs.vTot
      return { ...f, detached, value: f.lambdaTerm + detached + f.differentiable }
    }))
  })
})
