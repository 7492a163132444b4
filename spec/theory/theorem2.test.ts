/**
 * Theorem 2, both directions, in the greedy limit (V_i = max Q_i, V_tot = max Q_tot):
 *  IGM ⇒ Eq. 7: on IGM-consistent joint tables, λ of Eq. 30 is positive and makes Eq. 7 exact;
 *  Eq. 7 with λ_i > 0 ⇒ IGM: argmax Q_tot is the tuple of individual argmaxes.
 * Ties: every agent's Q values are distinct, and IGM-consistent tables have a unique maximiser.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  argmaxJoint,
  greedyValues,
  individualArgmax,
  jointActions,
  jointIndex,
  qTotFactored,
  theorem2Lambda,
  type Theorem2Inputs
} from "../../src/core/factorization.ts"
import { max } from "../../src/core/softValue.ts"
import { distinctQArb, gridValueArb, qTablesArb } from "../../src/theory/arbitraries.ts"
import { findIgmViolation } from "../../src/theory/igm.ts"
import { holds, rejected } from "./reject.ts"

const values = { min: -10, max: 10 }
const tablesArb = (plant: boolean) =>
  qTablesArb({ min: 1, max: 4 }, { min: 1, max: 4 }, values).chain((qs) => {
    const counts = qs.map((q) => q.length)
    const J = counts.reduce((a, b) => a * b, 1)
    return distinctQArb(J, values).map((table) => {
      const qTot = [...table]
      if (plant) {
        // move the table's maximum to the individual greedy tuple: an IGM-consistent, generally non-monotone table
        const g = jointIndex(individualArgmax(qs), counts)
        const j = jointIndex(argmaxJoint(qTot, counts), counts)
        ;[qTot[g], qTot[j]] = [qTot[j]!, qTot[g]!]
      }
      return { qs, qTot }
    })
  })

type LambdaRule = (inputs: Theorem2Inputs) => ReadonlyArray<number>

/** For every joint action: λ_i > 0 and Σ_i λ_i (Q_i − V_i) + V_tot = Q_tot(u) (Eq. 7). */
const eq7Holds = (rule: LambdaRule, plant: boolean) =>
  fc.property(tablesArb(plant), ({ qs, qTot }) => {
    const v = greedyValues(qs)
    const vTot = max(qTot)
    return jointActions(qs.map((q) => q.length)).every((u, j) => {
      const q = u.map((ui, i) => qs[i]![ui]!)
      const lambda = rule({ qTot: qTot[j]!, vTot, q, v })
      const rebuilt = qTotFactored({ lambda, q, v, vTot })
      return lambda.every((l) => l > 0) && Math.abs(rebuilt - qTot[j]!) <= 1e-9 * (1 + Math.abs(qTot[j]!))
    })
  })

describe("Theorem 2, IGM ⇒ Eq. 7 with λ_i > 0 (λ from Eq. 30)", () => {
  it("holds on IGM-consistent tables for every joint action", () => {
    holds("Theorem 2 IGM implies Eq. 7", eq7Holds(theorem2Lambda, true))
  })
  it("rejects Eq. 30 taken literally with n agents: a greedy agent makes λ_i · 0 = (·/0) · 0 = NaN", () => {
    const literal: LambdaRule = ({ qTot, vTot, q, v }) =>
      qTot === vTot ? q.map(() => 1) : q.map((qi, i) => (qTot - vTot) / (q.length * (qi - v[i]!)))
    const [{ qs }] = rejected("Theorem 2 IGM implies Eq. 7", eq7Holds(literal, true))
    expect(qs.length).toBeGreaterThanOrEqual(2)
  })
  it("rejects tables that violate IGM (no positive λ exists)", () => {
    rejected("Theorem 2 IGM implies Eq. 7", eq7Holds(theorem2Lambda, false))
  })
})

describe("Theorem 2, Eq. 7 with λ_i > 0 ⇒ IGM", () => {
  /** Per-agent Q tables, V_tot, and λ_i(u) per joint action from `lambdaRange` (λ depends on u, as in Eq. 7). */
  const caseArb = (lambdaRange: { min: number; max: number }) =>
    qTablesArb({ min: 1, max: 4 }, { min: 1, max: 4 }, values).chain((qs) => {
      const J = qs.reduce((a, q) => a * q.length, 1)
      const lambdaRow = fc.array(gridValueArb(lambdaRange), { minLength: qs.length, maxLength: qs.length })
      return fc.record({
        qs: fc.constant(qs),
        vTot: gridValueArb(values),
        lambdas: fc.array(lambdaRow, { minLength: J, maxLength: J })
      })
    })
  const igmFromEq7 = (lambdaRange: { min: number; max: number }) =>
    fc.property(caseArb(lambdaRange), ({ qs, vTot, lambdas }) => {
      const v = greedyValues(qs)
      const counts = qs.map((q) => q.length)
      const eq7 = (chosen: ReadonlyArray<number>, { actions }: { actions: ReadonlyArray<number> }) =>
        qTotFactored({ lambda: lambdas[jointIndex(actions, counts)]!, q: chosen, v, vTot }) // Eq. 7
      return findIgmViolation(eq7, qs) === undefined
    })
  it("holds for λ_i(u) in (0, 10]", () => holds("Theorem 2 Eq. 7 implies IGM", igmFromEq7({ min: 0.01, max: 10 })))
  it("rejects λ_i ≤ 0 allowed (λ in [−1, 10])", () => {
    rejected("Theorem 2 Eq. 7 implies IGM", igmFromEq7({ min: -1, max: 10 }))
  })
})
