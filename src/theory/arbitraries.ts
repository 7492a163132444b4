/**
 * fast-check generators for the theory checks: agent and action counts,
 * per-agent Q tables with distinct values (so every agent has a unique greedy
 * action, and IGM's argmaxes are well defined), temperatures, and small finite
 * cooperative MDPs with joint policies.
 *
 * Values are drawn on a grid of GRID_STEPS steps across their range, so that two
 * distinct values differ by far more than rounding error and a shrunk
 * counterexample reads as short decimals. Counts and ranges given by callers are
 * validated here and rejected with InvalidCheckOptions.
 */
import * as fc from "fast-check"
import type { CooperativeMdp, JointPolicy } from "../core/finiteMdp.ts"
import { InvalidCheckOptions } from "./errors.ts"

/** A fixed count, or a range of counts drawn per case. */
export type Count = number | { readonly min: number; readonly max: number }

/** A closed interval [min, max]. */
export interface Range {
  readonly min: number
  readonly max: number
}

/** Grid resolution of generated values: GRID_STEPS steps across a range. */
export const GRID_STEPS = 1000

/** Largest joint action set a check enumerates. */
export const MAX_THEORY_JOINT_ACTIONS = 65536

/** The bounds of a Count, validated as integers with 1 ≤ min ≤ max. */
export const countBounds = (option: string, count: Count): Range => {
  const { min, max } = typeof count === "number" ? { min: count, max: count } : count
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 1 || min > max) {
    throw new InvalidCheckOptions({ option, reason: `needs integers 1 ≤ min ≤ max, got ${JSON.stringify(count)}` })
  }
  return { min, max }
}

/** A Range validated as finite with min < max (or min ≤ max when `allowPoint`). */
export const checkRange = (option: string, range: Range, allowPoint = false): Range => {
  const { min, max } = range
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max || (!allowPoint && min === max)) {
    throw new InvalidCheckOptions({ option, reason: `needs finite min < max, got ${JSON.stringify(range)}` })
  }
  return range
}

/**
 * Rejects option sets whose largest joint action set is too large to enumerate,
 * or whose agents have more actions than the value grid has distinct points.
 */
export const checkJointSize = (agents: Range, actions: Range): void => {
  if (actions.max > GRID_STEPS) {
    throw new InvalidCheckOptions({ option: "actions", reason: `at most ${GRID_STEPS} actions per agent` })
  }
  const worst = actions.max ** agents.max
  if (worst > MAX_THEORY_JOINT_ACTIONS) {
    throw new InvalidCheckOptions({
      option: "actions",
      reason: `up to ${actions.max}^${agents.max} = ${worst} joint actions, more than ${MAX_THEORY_JOINT_ACTIONS}`
    })
  }
}

/** Checks a case budget: a positive safe integer. */
export const checkRuns = (runs: number): number => {
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new InvalidCheckOptions({ option: "runs", reason: `needs a positive integer, got ${runs}` })
  }
  return runs
}

/** Checks a fast-check seed: a 32-bit integer. */
export const checkSeed = (seed: number): number => {
  if (!Number.isInteger(seed) || seed < -2147483648 || seed > 4294967295) {
    throw new InvalidCheckOptions({ option: "seed", reason: `needs a 32-bit integer, got ${seed}` })
  }
  return seed
}

/** An integer drawn from a validated count range. */
export const countArb = (bounds: Range): fc.Arbitrary<number> => fc.integer(bounds)

/**
 * Integer grid indices k with k · step in [min, max], step = (max − min)/GRID_STEPS.
 * Index 0 (value 0) is in range whenever 0 is, so values shrink toward 0.
 */
const gridIndices = (range: Range): { readonly step: number; readonly lo: number; readonly hi: number } => {
  const step = (range.max - range.min) / GRID_STEPS
  return { step, lo: Math.ceil(range.min / step - 1e-9), hi: Math.floor(range.max / step + 1e-9) }
}

/** A value on the grid of `range`. */
export const gridValueArb = (range: Range): fc.Arbitrary<number> => {
  const { step, lo, hi } = gridIndices(range)
  return fc.integer({ min: lo, max: hi }).map((k) => k * step)
}

/** A Q vector of `actions` pairwise distinct grid values in `range` (a unique greedy action). */
export const distinctQArb = (actions: number, range: Range): fc.Arbitrary<Array<number>> => {
  const { step, lo, hi } = gridIndices(range)
  return fc.uniqueArray(fc.integer({ min: lo, max: hi }), { minLength: actions, maxLength: actions })
    .map((ks) => ks.map((k) => k * step))
}

/** Per-agent Q tables qs[i][u_i]: agent count from `agents`, each agent's action count from `actions`. */
export const qTablesArb = (agents: Range, actions: Range, values: Range): fc.Arbitrary<Array<Array<number>>> =>
  countArb(agents).chain((n) =>
    fc.array(countArb(actions).chain((c) => distinctQArb(c, values)), { minLength: n, maxLength: n })
  )

/** A temperature drawn log-uniformly in [min, max] (min > 0), so small and large α are both common. */
export const temperatureArb = (range: Range): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: GRID_STEPS }).map((k) => {
    if (range.min === range.max) return range.min
    return range.min * (range.max / range.min) ** (k / GRID_STEPS)
  })

/** A probability vector of length n: non-negative integer weights 0..10, normalised (uniform if all zero). */
export const probabilityArb = (n: number): fc.Arbitrary<Array<number>> =>
  fc.array(fc.integer({ min: 0, max: 10 }), { minLength: n, maxLength: n }).map((w) => {
    const total = w.reduce((a, b) => a + b, 0)
    return total === 0 ? w.map(() => 1 / n) : w.map((x) => x / total)
  })

/** Options of `cooperativeMdpArb`. */
export interface MdpShape {
  readonly states: Range
  readonly agents: Range
  readonly actions: Range
  readonly reward: Range
}

/** A small finite cooperative MDP with random shared rewards and transitions. */
export const cooperativeMdpArb = (shape: MdpShape): fc.Arbitrary<CooperativeMdp> =>
  fc.tuple(
    countArb(shape.states),
    countArb(shape.agents).chain((n) => fc.array(countArb(shape.actions), { minLength: n, maxLength: n }))
  ).chain(([states, actionCounts]) => {
    const J = actionCounts.reduce((a, b) => a * b, 1)
    return fc.record({
      reward: fc.array(fc.array(gridValueArb(shape.reward), { minLength: J, maxLength: J }), {
        minLength: states,
        maxLength: states
      }),
      transition: fc.array(fc.array(probabilityArb(states), { minLength: J, maxLength: J }), {
        minLength: states,
        maxLength: states
      })
    }).map(({ reward, transition }): CooperativeMdp => ({ states, actionCounts, reward, transition }))
  })

/** A random joint policy π_tot(u | s) for `mdp`. */
export const jointPolicyArb = (mdp: CooperativeMdp): fc.Arbitrary<JointPolicy> => {
  const J = mdp.actionCounts.reduce((a, b) => a * b, 1)
  return fc.array(probabilityArb(J), { minLength: mdp.states, maxLength: mdp.states })
}
