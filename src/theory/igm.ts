/**
 * `checkIgm`: does a mixer satisfy IGM (Eq. 1)?
 *
 *   argmax_u Q_tot(u) = (argmax_{u_1} Q_1(u_1), …, argmax_{u_N} Q_N(u_N))
 *
 * Each case draws per-agent Q tables with distinct values (so every agent has a
 * unique greedy action), builds the whole joint table Q_tot(u) = mixer(…) and
 * checks that the tuple of individual greedy actions is the joint table's
 * unique maximiser. Tie rule: another joint action with Q_tot equal to the
 * greedy tuple's is a violation (argmax would not be a single joint action), and
 * so is a NaN.
 */
import { individualArgmax, jointActionAt, jointIndex, jointTable } from "../core/factorization.ts"
import {
  checkJointSize,
  checkRange,
  checkRuns,
  checkSeed,
  type Count,
  countBounds,
  qTablesArb,
  type Range
} from "./arbitraries.ts"
import { type CheckReport, runCheck } from "./report.ts"
import { propertyRuns, propertySeed } from "./runs.ts"

/** What a mixer sees besides the chosen-action values. */
export interface MixerContext {
  /** Every agent's whole Q vector, qs[i][u_i] (e.g. to compute V_i = max Q_i or a soft value). */
  readonly qs: ReadonlyArray<ReadonlyArray<number>>
  /** The joint action being mixed. */
  readonly actions: ReadonlyArray<number>
}

/**
 * A mixer: Q_tot from the chosen-action values Q_i(u_i), one per agent. The
 * optional context gives each agent's full Q vector and the joint action, for
 * mixers that need more than the chosen values (FSV's Eq. 7 needs V_i).
 * A mixer must be a fixed function: the same inputs, the same output.
 */
export type Mixer = (chosen: ReadonlyArray<number>, context: MixerContext) => number

export interface IgmOptions {
  /** Number of agents N (fixed or a range per case). */
  readonly agents: Count
  /** Actions per agent (fixed or a range, drawn per agent and case). */
  readonly actions: Count
  /** Cases to run; default FSV_PROPERTY_RUNS or 1,000. */
  readonly runs?: number
  /** fast-check seed; default a fixed seed. */
  readonly seed?: number
  /** Range of the generated Q_i values; default [−10, 10]. */
  readonly values?: Range
}

/** A case where the individual greedy tuple is not the unique maximiser of Q_tot. */
export interface IgmCounterexample {
  /** Per-agent Q tables, qs[i][u_i]. */
  readonly qs: ReadonlyArray<ReadonlyArray<number>>
  /** The tuple of individual greedy actions. */
  readonly greedy: ReadonlyArray<number>
  readonly qTotGreedy: number
  /** A joint action with Q_tot ≥ Q_tot(greedy): the joint maximiser (lowest index on ties). */
  readonly rival: ReadonlyArray<number>
  readonly qTotRival: number
}

/** The IGM violation of one case, if any. */
export const findIgmViolation = (
  mixer: Mixer,
  qs: ReadonlyArray<ReadonlyArray<number>>
): IgmCounterexample | undefined => {
  const counts = qs.map((q) => q.length)
  const table = jointTable(qs, (chosen, actions) => mixer(chosen, { qs, actions })) // [J]
  const greedy = individualArgmax(qs)
  const g = jointIndex(greedy, counts)
  let rival = -1
  for (let j = 0; j < table.length; j++) {
    if (j === g) continue
    if (!(table[j]! < table[g]!) && (rival < 0 || table[j]! > table[rival]!)) rival = j
  }
  if (Number.isNaN(table[g]!) && rival < 0) rival = g
  if (rival < 0) return undefined
  return { qs, greedy, qTotGreedy: table[g]!, rival: jointActionAt(rival, counts), qTotRival: table[rival]! }
}

/**
 * Checks IGM for `mixer` on random per-agent Q tables. Returns `{ ok, cases }`,
 * or the shrunk counterexample. Throws InvalidCheckOptions on bad options.
 */
export const checkIgm = (mixer: Mixer, options: IgmOptions): CheckReport<IgmCounterexample> => {
  const agents = countBounds("agents", options.agents)
  const actions = countBounds("actions", options.actions)
  checkJointSize(agents, actions)
  const values = checkRange("values", options.values ?? { min: -10, max: 10 })
  const runs = checkRuns(options.runs ?? propertyRuns())
  const seed = checkSeed(options.seed ?? propertySeed("checkIgm"))
  return runCheck(qTablesArb(agents, actions, values), (qs) => findIgmViolation(mixer, qs), { runs, seed })
}
