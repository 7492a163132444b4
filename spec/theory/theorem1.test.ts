/**
 * Theorem 1: for energy-based policies satisfying IGO,
 * Q_tot(u) = Σ_i λ*_i [Q_i(u_i) − V_i] + V_tot with λ*_i = α/α_i, for every joint action.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { jointActions, qTotFactored, theorem1Lambda } from "../../src/core/factorization.ts"
import { energyPolicy, softValue } from "../../src/core/softValue.ts"
import { theorem1CaseArb } from "../../src/theory/theorem1.ts"
import { checkTheorem1, type Factorization, fsvFactorization, propertyRuns } from "../../src/theory/index.ts"
import { holds, rejected } from "./reject.ts"

const options = { agents: { min: 1, max: 4 }, actions: { min: 1, max: 5 } } as const

describe("Theorem 1: IGO with energy-based policies ⇒ Eq. 6 with λ*_i = α/α_i", () => {
  it("holds for every joint action on random Q_i, α, α_i, V_tot and agent/action counts", () => {
    const report = checkTheorem1(fsvFactorization, options)
    expect(report).toMatchObject({ ok: true, cases: propertyRuns() })
  })
  it("rejects the inverted weights λ_i = α_i/α", () => {
    const inverted: Factorization = ({ alpha, alphas, q, v, vTot }) =>
      qTotFactored({ lambda: alphas.map((ai) => ai / alpha), q, v, vTot })
    const report = checkTheorem1(inverted, options)
    expect(report.ok).toBe(false)
    const cx = report.counterexample!
    expect(cx.alphas.some((ai) => ai !== cx.alpha)).toBe(true)
  })
  it("rejects Eq. 6 without V_tot", () => {
    const noVTot: Factorization = ({ alpha, alphas, q, v }) =>
      qTotFactored({ lambda: theorem1Lambda(alpha, alphas), q, v, vTot: 0 })
    const report = checkTheorem1(noVTot, options)
    expect(report.ok).toBe(false)
    expect(report.counterexample!.vTot).not.toBe(0)
  })
})

describe("the converse: Q_tot built by Eq. 6 has V_tot as its soft value and a factorized energy policy (IGO)", () => {
  const values = { min: -5, max: 5 }
  const temperatures = { min: 0.1, max: 5 }
  const caseArb = theorem1CaseArb(options.agents, options.actions, values, temperatures)
  const converse = (lambdaOf: (alpha: number, alphas: ReadonlyArray<number>) => ReadonlyArray<number>) =>
    fc.property(caseArb, ({ qs, alpha, alphas, vTot }) => {
      const v = qs.map((q, i) => softValue(q, alphas[i]!))
      const pis = qs.map((q, i) => energyPolicy(q, alphas[i]!))
      const lambda = lambdaOf(alpha, alphas)
      const us = jointActions(qs.map((q) => q.length))
      const qTot = us.map((u) => qTotFactored({ lambda, q: u.map((ui, i) => qs[i]![ui]!), v, vTot })) // Eq. 6
      const piTot = energyPolicy(qTot, alpha) // Eq. 4
      const tol = 1e-9 * (1 + Math.abs(vTot))
      return (
        Math.abs(softValue(qTot, alpha) - vTot) <= tol &&
        us.every((u, j) => Math.abs(piTot[j]! - u.reduce((p, ui, i) => p * pis[i]![ui]!, 1)) <= 1e-9) // Eq. 3
      )
    })
  it("holds with λ*_i = α/α_i", () => holds("Theorem 1 converse", converse(theorem1Lambda)))
  it("rejects λ_i = α_i/α", () => {
    rejected("Theorem 1 converse", converse((alpha, alphas) => alphas.map((ai) => ai / alpha)))
  })
})
