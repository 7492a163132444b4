/**
 * IGO ⇒ IGM (Definition 1, Appendix 7.1.1): when the joint energy-based policy
 * factorizes into individual ones, the greedy joint action is the tuple of
 * individual greedy actions; with greedy policies IGO and IGM coincide.
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { argmaxJoint, individualArgmax, jointActions, jointIndex } from "../../src/core/factorization.ts"
import { energyPolicy } from "../../src/core/softValue.ts"
import { distinctQArb, gridValueArb, qTablesArb, temperatureArb } from "../../src/theory/arbitraries.ts"
import { holds, rejected } from "./reject.ts"

const values = { min: -10, max: 10 }

/** Per-agent Q tables, temperatures, V_tot, and an unrelated joint table of the same size. */
const caseArb = qTablesArb({ min: 1, max: 4 }, { min: 1, max: 4 }, values).chain((qs) => {
  const J = qs.reduce((a, q) => a * q.length, 1)
  return fc.record({
    qs: fc.constant(qs),
    alpha: temperatureArb({ min: 0.01, max: 10 }),
    alphas: fc.array(temperatureArb({ min: 0.01, max: 10 }), { minLength: qs.length, maxLength: qs.length }),
    vTot: gridValueArb(values),
    joint: distinctQArb(J, values)
  })
})
type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never

interface Policies {
  readonly piTot: ReadonlyArray<number>
  readonly pis: ReadonlyArray<ReadonlyArray<number>>
}

/** π_i = exp((Q_i − V_i)/α_i) (Eq. 5) and π_tot = Π_i π_i (Eq. 3): IGO holds by construction. */
const igoPolicies = (c: Case): Policies => {
  const pis = c.qs.map((q, i) => energyPolicy(q, c.alphas[i]!))
  const piTot = jointActions(pis.map((p) => p.length)).map((u) => u.reduce((p, ui, i) => p * pis[i]![ui]!, 1))
  return { piTot, pis }
}

/**
 * The claim: the mode of π_tot is the tuple of the individual modes, and the
 * joint action value of the energy-based joint policy, Q_tot = α log π_tot + V_tot
 * (Eq. 4), has its argmax at the tuple of individual greedy actions (IGM, Eq. 1).
 */
const greedyJointIsTupleOfGreedy = (policies: (c: Case) => Policies) =>
  fc.property(caseArb, (c) => {
    const { piTot, pis } = policies(c)
    const counts = pis.map((p) => p.length)
    const tuple = individualArgmax(pis)
    const qTot = piTot.map((p) => c.alpha * Math.log(p) + c.vTot) // Eq. 4
    return (
      jointIndex(argmaxJoint(piTot, counts), counts) === jointIndex(tuple, counts) &&
      jointIndex(argmaxJoint(qTot, counts), counts) === jointIndex(tuple, counts)
    )
  })

describe("IGO ⇒ IGM for energy-based policies", () => {
  it("holds when π_tot = Π_i π_i", () => holds("IGO implies IGM", greedyJointIsTupleOfGreedy(igoPolicies)))
  it("rejects the same claim without IGO: a joint energy policy and its marginals (relative overgeneralization)", () => {
    const marginals = (c: Case): Policies => {
      const counts = c.qs.map((q) => q.length)
      const piTot = energyPolicy(c.joint, c.alpha)
      const pis = counts.map((n) => new Array<number>(n).fill(0))
      jointActions(counts).forEach((u, j) => u.forEach((ui, i) => (pis[i]![ui]! += piTot[j]!)))
      return { piTot, pis }
    }
    const [c] = rejected("IGO implies IGM", greedyJointIsTupleOfGreedy(marginals))
    expect(c.qs.length).toBeGreaterThanOrEqual(2)
  })
})

describe("the modes of the individual energy policies are the argmaxes of Q_i (so IGO's greedy tuple is IGM's)", () => {
  const modesAreArgmaxes = (policy: (q: ReadonlyArray<number>, alpha: number) => ReadonlyArray<number>) =>
    fc.property(caseArb, (c) =>
      individualArgmax(c.qs.map((q, i) => policy(q, c.alphas[i]!))).join() === individualArgmax(c.qs).join()
    )
  it("holds for π_i = exp((Q_i − V_i)/α_i)", () => holds("IGO modes", modesAreArgmaxes(energyPolicy)))
  it("rejects Q read as a cost, π_i ∝ exp(−Q_i/α_i)", () => {
    rejected("IGO modes", modesAreArgmaxes((q, alpha) => energyPolicy(q.map((x) => -x), alpha)))
  })
})

describe("greedy limit (Appendix 7.1.1): with greedy policies IGO ⇔ IGM", () => {
  /** Per-agent Q tables and a joint table with distinct values; half the time its max is moved to the greedy tuple. */
  const tablesArb = qTablesArb({ min: 1, max: 3 }, { min: 1, max: 4 }, values).chain((qs) => {
    const counts = qs.map((q) => q.length)
    const J = counts.reduce((a, b) => a * b, 1)
    return fc.tuple(distinctQArb(J, values), fc.boolean()).map(([table, plant]) => {
      const qTot = [...table]
      if (plant) {
        const g = jointIndex(individualArgmax(qs), counts)
        const m = argmaxJoint(qTot, counts)
        const j = jointIndex(m, counts)
        ;[qTot[g], qTot[j]] = [qTot[j]!, qTot[g]!]
      }
      return { qs, qTot }
    })
  })
  type Policy = (q: ReadonlyArray<number>) => ReadonlyArray<number>
  const equivalence = (policy: Policy) =>
    fc.property(tablesArb, ({ qs, qTot }) => {
      const counts = qs.map((q) => q.length)
      const pis = qs.map(policy) // Eq. 20
      const piTot = policy(qTot) // Eq. 21
      const igo = jointActions(counts).every((u, j) => piTot[j] === u.reduce((p, ui, i) => p * pis[i]![ui]!, 1))
      const igm = jointIndex(argmaxJoint(qTot, counts), counts) === jointIndex(individualArgmax(qs), counts)
      return igo === igm
    })
  it("holds for greedy policies (energy policies at α = 0)", () => {
    holds("greedy IGO iff IGM", equivalence((q) => energyPolicy(q, 0)))
  })
  it("rejects ε-greedy policies (ε = 0.1): IGM holds but the product is not the joint ε-greedy policy", () => {
    const epsilonGreedy: Policy = (q) => energyPolicy(q, 0).map((p) => 0.9 * p + 0.1 / q.length)
    rejected("greedy IGO iff IGM", equivalence(epsilonGreedy))
  })
})
