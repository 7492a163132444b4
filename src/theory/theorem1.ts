/**
 * `checkTheorem1`: does a factorization reproduce the joint action value that
 * IGO (Definition 1) forces on energy-based policies?
 *
 * Each case draws per-agent Q tables, temperatures α, α_i and a free V_tot, and
 * builds the ground truth from IGO alone, without Theorem 1's formula:
 *
 *   π_i = exp((Q_i − V_i)/α_i)                      (Eq. 5, computed as probabilities)
 *   π_tot(u) = Π_i π_i(u_i)                         (Eq. 3, IGO)
 *   Q_tot(u) = α log π_tot(u) + V_tot               (Eq. 4 solved for Q_tot)
 *
 * and compares it, for every joint action, with the candidate factorization's
 * Q_tot. Theorem 1 says the FSV form Σ_i (α/α_i)[Q_i − V_i] + V_tot (Eq. 6)
 * matches exactly.
 */
import { jointActions, qTotFactored, theorem1Lambda } from "../core/factorization.ts"
import { energyPolicy, softValue } from "../core/softValue.ts"
import * as fc from "fast-check"
import {
  checkJointSize,
  checkRange,
  checkRuns,
  checkSeed,
  type Count,
  countBounds,
  gridValueArb,
  qTablesArb,
  type Range,
  temperatureArb
} from "./arbitraries.ts"
import { InvalidCheckOptions } from "./errors.ts"
import { type CheckReport, runCheck } from "./report.ts"
import { propertyRuns, propertySeed } from "./runs.ts"

/** What a factorization gets for one joint action u. */
export interface FactorizationInputs {
  /** Joint temperature α. */
  readonly alpha: number
  /** Individual temperatures α_i. */
  readonly alphas: ReadonlyArray<number>
  /** Q_i(u_i) of each agent's chosen action. */
  readonly q: ReadonlyArray<number>
  /** V_i = α_i log Σ_u exp(Q_i(u)/α_i), each agent's soft value. */
  readonly v: ReadonlyArray<number>
  /** V_tot, the joint soft value. */
  readonly vTot: number
}

/** A candidate factorization: Q_tot(u) from the individual quantities. */
export type Factorization = (inputs: FactorizationInputs) => number

/** FSV's factorization with Theorem 1's weights: Σ_i (α/α_i)[Q_i − V_i] + V_tot (Eq. 6). */
export const fsvFactorization: Factorization = ({ alpha, alphas, q, v, vTot }) =>
  qTotFactored({ lambda: theorem1Lambda(alpha, alphas), q, v, vTot })

/** One case of the Theorem 1 check. */
export interface Theorem1Case {
  readonly qs: ReadonlyArray<ReadonlyArray<number>>
  readonly alpha: number
  readonly alphas: ReadonlyArray<number>
  readonly vTot: number
}

export interface Theorem1Counterexample extends Theorem1Case {
  /** The joint action where the factorization departs from IGO's Q_tot. */
  readonly actions: ReadonlyArray<number>
  /** α log Π_i π_i(u_i) + V_tot. */
  readonly qTotIgo: number
  /** The factorization's value. */
  readonly qTotFactored: number
}

export interface Theorem1Options {
  readonly agents: Count
  readonly actions: Count
  readonly runs?: number
  readonly seed?: number
  /** Range of Q_i values and of V_tot; default [−5, 5]. */
  readonly values?: Range
  /** Range of α and α_i (log-uniform); default [0.1, 5]. */
  readonly temperatures?: Range
  /** Relative tolerance |Δ| ≤ tolerance · (1 + |Q_tot|); default 1e-9. */
  readonly tolerance?: number
}

/** Bound on −log Π_i π_i(u_i): e^−600 is still a normal float64 (underflow starts near e^−708). */
const MAX_NEGATIVE_EXPONENT = 600

/** The case generator: Q tables, α, α_i per agent, and a free V_tot. */
export const theorem1CaseArb = (agents: Range, actions: Range, values: Range, temperatures: Range) =>
  qTablesArb(agents, actions, values).chain((qs) =>
    fc.record({
      qs: fc.constant(qs),
      alpha: temperatureArb(temperatures),
      alphas: fc.array(temperatureArb(temperatures), { minLength: qs.length, maxLength: qs.length }),
      vTot: gridValueArb(values)
    })
  )

/** Q_tot(u) = α log Π_i π_i(u_i) + V_tot for every joint action (IGO's ground truth), with V_i. */
export const igoJointValues = (c: Theorem1Case): { readonly v: Array<number>; readonly qTot: Array<number> } => {
  const pis = c.qs.map((q, i) => energyPolicy(q, c.alphas[i]!)) // Eq. 5
  const v = c.qs.map((q, i) => softValue(q, c.alphas[i]!))
  const counts = c.qs.map((q) => q.length)
  const qTot = jointActions(counts).map((u) => {
    let piTot = 1
    for (let i = 0; i < u.length; i++) piTot *= pis[i]![u[i]!]! // Eq. 3
    return c.alpha * Math.log(piTot) + c.vTot // Eq. 4 solved for Q_tot
  })
  return { v, qTot }
}

/** The first joint action where `factorize` departs from IGO's Q_tot, if any. */
export const findTheorem1Violation = (
  factorize: Factorization,
  c: Theorem1Case,
  tolerance: number
): Theorem1Counterexample | undefined => {
  const { v, qTot } = igoJointValues(c)
  const all = jointActions(c.qs.map((q) => q.length))
  for (let j = 0; j < all.length; j++) {
    const u = all[j]!
    const candidate = factorize({ alpha: c.alpha, alphas: c.alphas, q: u.map((ui, i) => c.qs[i]![ui]!), v, vTot: c.vTot })
    if (!(Math.abs(candidate - qTot[j]!) <= tolerance * (1 + Math.abs(qTot[j]!)))) {
      return { ...c, actions: u, qTotIgo: qTot[j]!, qTotFactored: candidate }
    }
  }
  return undefined
}

/**
 * Checks Theorem 1 for a factorization (default: FSV's Eq. 6 with λ*_i = α/α_i).
 * Throws InvalidCheckOptions on bad options, including ranges for which
 * Π_i π_i(u_i) would underflow (agents · (width(values) / min temperature + log actions) > 600).
 */
export const checkTheorem1 = (
  factorize: Factorization,
  options: Theorem1Options
): CheckReport<Theorem1Counterexample> => {
  const agents = countBounds("agents", options.agents)
  const actions = countBounds("actions", options.actions)
  checkJointSize(agents, actions)
  const values = checkRange("values", options.values ?? { min: -5, max: 5 })
  const temperatures = checkRange("temperatures", options.temperatures ?? { min: 0.1, max: 5 }, true)
  if (!(temperatures.min > 0)) {
    throw new InvalidCheckOptions({ option: "temperatures", reason: "needs min > 0" })
  }
  // log π_i(u_i) ≥ −(max − min)/α_i − log |U_i|; the product over agents must stay a normal float64
  if (agents.max * ((values.max - values.min) / temperatures.min + Math.log(actions.max)) > MAX_NEGATIVE_EXPONENT) {
    throw new InvalidCheckOptions({
      option: "values",
      reason: `agents · ((max − min) / min temperature + log actions) exceeds ${MAX_NEGATIVE_EXPONENT}: ` +
        "joint probabilities would underflow"
    })
  }
  const tolerance = options.tolerance ?? 1e-9
  if (!(tolerance >= 0)) throw new InvalidCheckOptions({ option: "tolerance", reason: `needs ≥ 0, got ${tolerance}` })
  const runs = checkRuns(options.runs ?? propertyRuns())
  const seed = checkSeed(options.seed ?? propertySeed("checkTheorem1"))
  return runCheck(
    theorem1CaseArb(agents, actions, values, temperatures),
    (c) => findTheorem1Violation(factorize, c, tolerance),
    { runs, seed }
  )
}
