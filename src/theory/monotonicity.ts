/**
 * `checkMonotonicity`: is a mixer non-decreasing in every agent's value?
 *
 *   Q_tot(q + δ e_i) ≥ Q_tot(q)   for every q, agent i and δ > 0
 *
 * the finite-difference form of QMIX's ∂Q_tot/∂Q_i ≥ 0 (Eq. 2, right), the
 * sufficient condition for IGM that VDN and QMIX build in.
 */
import * as fc from "fast-check"
import {
  checkRange,
  checkRuns,
  checkSeed,
  type Count,
  countArb,
  countBounds,
  gridValueArb,
  type Range
} from "./arbitraries.ts"
import { InvalidCheckOptions } from "./errors.ts"
import { type CheckReport, runCheck } from "./report.ts"
import { propertyRuns, propertySeed } from "./runs.ts"

/** A mixer of chosen-action values, one per agent. */
export type ValueMixer = (chosen: ReadonlyArray<number>) => number

export interface MonotonicityOptions {
  /** Number of agents N (fixed or a range per case). */
  readonly agents: Count
  readonly runs?: number
  readonly seed?: number
  /** Range of the Q_i values; default [−10, 10]. */
  readonly values?: Range
  /** Range of the increment δ; default (0, 10]. Drawn on a grid, never 0. */
  readonly deltas?: Range
}

export interface MonotonicityCase {
  readonly q: ReadonlyArray<number>
  readonly agent: number
  readonly delta: number
}

export interface MonotonicityCounterexample extends MonotonicityCase {
  /** Q_tot(q). */
  readonly before: number
  /** Q_tot(q + δ e_i) < Q_tot(q). */
  readonly after: number
}

/** The monotonicity violation of one case, if any (a NaN counts as one). */
export const findMonotonicityViolation = (
  mixer: ValueMixer,
  c: MonotonicityCase
): MonotonicityCounterexample | undefined => {
  const before = mixer(c.q)
  const after = mixer(c.q.map((x, i) => (i === c.agent ? x + c.delta : x)))
  return after >= before ? undefined : { ...c, before, after }
}

/**
 * Checks that `mixer` never decreases when one agent's value increases.
 * Throws InvalidCheckOptions on bad options.
 */
export const checkMonotonicity = (
  mixer: ValueMixer,
  options: MonotonicityOptions
): CheckReport<MonotonicityCounterexample> => {
  const agents = countBounds("agents", options.agents)
  const values = checkRange("values", options.values ?? { min: -10, max: 10 })
  const deltas = checkRange("deltas", options.deltas ?? { min: 0, max: 10 })
  if (deltas.min < 0) {
    throw new InvalidCheckOptions({ option: "deltas", reason: `needs 0 ≤ min < max, got ${JSON.stringify(deltas)}` })
  }
  const runs = checkRuns(options.runs ?? propertyRuns())
  const seed = checkSeed(options.seed ?? propertySeed("checkMonotonicity"))
  const arb = countArb(agents).chain((n) =>
    fc.record({
      q: fc.array(gridValueArb(values), { minLength: n, maxLength: n }),
      agent: fc.integer({ min: 0, max: n - 1 }),
      delta: gridValueArb(deltas).filter((d) => d > 0)
    })
  )
  return runCheck(arb, (c) => findMonotonicityViolation(mixer, c), { runs, seed })
}
