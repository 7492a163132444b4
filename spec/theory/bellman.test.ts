/**
 * Soft Bellman properties on random small finite cooperative MDPs:
 *  soft Q-iteration converges to the fixed point of the soft Bellman operator
 *  (Eq. 10–11), and the KL step toward the energy policy (Eq. 12) never lowers
 *  the maximum-entropy objective (Eq. 8; soft policy improvement).
 */
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  softBellmanResidual,
  softObjective,
  softPolicyEvaluation,
  softQIteration
} from "../../src/core/bellman.ts"
import type { CooperativeMdp } from "../../src/core/finiteMdp.ts"
import { klPolicyStep } from "../../src/core/policyStep.ts"
import { energyPolicy, max } from "../../src/core/softValue.ts"
import { cooperativeMdpArb, jointPolicyArb, temperatureArb } from "../../src/theory/arbitraries.ts"
import { holds, rejected } from "./reject.ts"

const mdpArb = cooperativeMdpArb({
  states: { min: 1, max: 4 },
  agents: { min: 1, max: 2 },
  actions: { min: 1, max: 3 },
  reward: { min: -1, max: 1 }
})
const gammaArb = fc.integer({ min: 0, max: 90 }).map((k) => k / 100)
const alphaArb = temperatureArb({ min: 0.01, max: 2 })

type Iteration = (mdp: CooperativeMdp, gamma: number, alpha: number, iterations: number) => {
  readonly qTot: ReadonlyArray<ReadonlyArray<number>>
}

/**
 * With enough iterations for γ^k to reach 1e-12, the result satisfies the soft
 * Bellman equation (residual ≤ 1e-9), the residual obeys the contraction bound
 * ‖TQ_k − Q_k‖ ≤ γ^k ‖TQ_0 − Q_0‖, and evaluating the energy policy of the
 * fixed point (a linear solve, an independent computation) gives back Q*.
 */
const convergesToSoftFixedPoint = (iterate: Iteration) =>
  fc.property(mdpArb, gammaArb, alphaArb, (mdp, gamma, alpha) => {
    const k = gamma === 0 ? 1 : Math.ceil(Math.log(1e-12) / Math.log(gamma))
    const { qTot } = iterate(mdp, gamma, alpha, k)
    const zero = qTot.map((row) => row.map(() => 0))
    const residual = softBellmanResidual(mdp, qTot, gamma, alpha)
    const bound = gamma ** k * softBellmanResidual(mdp, zero, gamma, alpha)
    const policy = qTot.map((row) => energyPolicy(row, alpha))
    const evaluated = softPolicyEvaluation(mdp, policy, gamma, alpha).qTot
    const gap = Math.max(...evaluated.flatMap((row, s) => row.map((x, j) => Math.abs(x - qTot[s]![j]!))))
    return residual <= 1e-9 && residual <= bound + 1e-12 && gap <= 1e-8
  })

describe("soft Q-iteration converges to the soft Bellman fixed point", () => {
  it("holds for softQIteration", () => holds("soft Q-iteration", convergesToSoftFixedPoint(softQIteration)))
  it("rejects hard Q-iteration (max instead of the soft value: the α log Σ exp term dropped)", () => {
    const hard: Iteration = (mdp, gamma, _alpha, iterations) => softQIteration(mdp, gamma, 0, iterations)
    const [mdp] = rejected("soft Q-iteration", convergesToSoftFixedPoint(hard))
    expect(mdp.actionCounts.reduce((a, b) => a * b, 1)).toBeGreaterThan(1)
  })
})

describe("soft policy improvement: the KL step never lowers the soft objective", () => {
  type Improve = (qRow: ReadonlyArray<number>, alpha: number) => ReadonlyArray<number>
  const caseArb = mdpArb.chain((mdp) => fc.tuple(fc.constant(mdp), jointPolicyArb(mdp), gammaArb, alphaArb))
  /** π_new(·|s) = improve(Q^π(s, ·)) ⇒ Q^π_new ≥ Q^π everywhere and J(π_new) ≥ J(π). */
  const improves = (improve: Improve) =>
    fc.property(caseArb, ([mdp, policy, gamma, alpha]) => {
      const old = softPolicyEvaluation(mdp, policy, gamma, alpha)
      const next = old.qTot.map((row) => improve(row, alpha)) // Eq. 12
      const improved = softPolicyEvaluation(mdp, next, gamma, alpha)
      const scale = 1 + max(old.vTot.map(Math.abs))
      const tol = 1e-9 * scale
      return (
        improved.qTot.every((row, s) => row.every((x, j) => x >= old.qTot[s]![j]! - tol)) &&
        softObjective(mdp, next, gamma, alpha) >= softObjective(mdp, policy, gamma, alpha) - tol
      )
    })
  it("holds for the closed-form KL step (the energy policy of Q^π)", () => {
    holds("soft policy improvement", improves(klPolicyStep))
  })
  it("rejects the greedy step (the entropy term forgotten in the improvement)", () => {
    rejected("soft policy improvement", improves((row) => klPolicyStep(row, 0)))
  })
})
