/**
 * The KL policy step (Eq. 12, 18): the energy policy minimises Eq. 18 over the
 * simplex, and one exact gradient step on the softmax logits lowers it.
 */
import * as fc from "fast-check"
import { describe, it } from "vitest"
import {
  klPolicyObjective,
  klPolicyObjectiveGradient,
  klPolicyStep,
  policyGradientStep,
  softmax
} from "../../src/core/policyStep.ts"
import { holds, rejected } from "./reject.ts"

const qArb = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 })
const alphaArb = fc.double({ min: 0.01, max: 5, noNaN: true })

describe("the closed-form KL step is the argmin of Eq. 18", () => {
  const piArb = (n: number) =>
    fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n })
      .filter((w) => w.some((x) => x > 0))
      .map((w) => w.map((x) => x / w.reduce((a, b) => a + b, 0)))
  const caseArb = qArb.chain((q) => fc.tuple(fc.constant(q), piArb(q.length), alphaArb))
  const isArgmin = (step: (q: ReadonlyArray<number>, alpha: number) => ReadonlyArray<number>) =>
    fc.property(caseArb, ([q, pi, alpha]) => {
      const best = klPolicyObjective(step(q, alpha), q, alpha)
      return best <= klPolicyObjective(pi, q, alpha) + 1e-9 * (1 + Math.abs(best))
    })
  it("holds for klPolicyStep", () => holds("KL step is argmin", isArgmin(klPolicyStep)))
  it("rejects the greedy policy as the step", () => {
    rejected("KL step is argmin", isArgmin((q) => klPolicyStep(q, 0)))
  })
})

describe("one gradient step on Eq. 18 w.r.t. softmax logits lowers the objective", () => {
  const caseArb = qArb.chain((q) =>
    fc.tuple(
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: q.length, maxLength: q.length }),
      fc.constant(q),
      alphaArb
    )
  )
  type Step = (z: ReadonlyArray<number>, q: ReadonlyArray<number>, alpha: number, lr: number) => ReadonlyArray<number>
  /** Sufficient decrease (descent lemma): J(z') ≤ J(z) − (lr/2)‖∇J‖², for lr below 1/smoothness. */
  const lowers = (step: Step) =>
    fc.property(caseArb, ([z, q, alpha]) => {
      const range = Math.max(...q) - Math.min(...q)
      const lr = 0.1 / (alpha * (1 + Math.log(q.length)) + range + 1)
      const before = klPolicyObjective(softmax(z), q, alpha)
      const after = klPolicyObjective(softmax(step(z, q, alpha, lr)), q, alpha)
      const g = klPolicyObjectiveGradient(z, q, alpha)
      const squared = g.reduce((s, x) => s + x * x, 0)
      return after <= before - (lr / 2) * squared + 1e-12 * (1 + Math.abs(before))
    })
  it("holds for policyGradientStep", () => holds("policy gradient step", lowers(policyGradientStep)))
  it("rejects a step with the sign flipped (ascent)", () => {
    rejected("policy gradient step", lowers((z, q, alpha, lr) => policyGradientStep(z, q, alpha, -lr)))
  })
})
