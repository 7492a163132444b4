/**
 * Small finite cooperative MDPs: the tabular setting in which the soft Bellman
 * results (Eq. 9–12) can be checked exactly.
 *
 * N agents, agent i has actionCounts[i] actions; a joint action u = (u_1, …, u_N)
 * is stored by its joint index (see `jointIndex` in factorization.ts: agent 0 is
 * the most significant digit). All agents share the reward r(s, u).
 */
import { jointCount } from "./factorization.ts"

export interface CooperativeMdp {
  /** |S|, the number of states. */
  readonly states: number
  /** |U_i| per agent; the joint action set has Π_i |U_i| elements. */
  readonly actionCounts: ReadonlyArray<number>
  /** r(s, u), shared by all agents: [S][J]. */
  readonly reward: ReadonlyArray<ReadonlyArray<number>>
  /** P(s' | s, u): [S][J][S], each row a probability vector. */
  readonly transition: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>
}

/** A joint policy π_tot(u | s) as a table [S][J] of probability rows. */
export type JointPolicy = ReadonlyArray<ReadonlyArray<number>>

const PROBABILITY_TOLERANCE = 1e-9

const checkDistribution = (p: ReadonlyArray<number>, length: number, what: string): void => {
  if (p.length !== length) throw new RangeError(`${what}: expected ${length} entries, got ${p.length}`)
  let total = 0
  for (const x of p) {
    if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${what}: entry ${x} is not a probability`)
    total += x
  }
  if (Math.abs(total - 1) > PROBABILITY_TOLERANCE) throw new RangeError(`${what}: sums to ${total}, not 1`)
}

/** The number of joint actions J = Π_i |U_i| of an MDP, after checking its shapes. */
export const checkMdp = (mdp: CooperativeMdp): number => {
  const J = jointCount(mdp.actionCounts)
  if (!Number.isInteger(mdp.states) || mdp.states < 1) {
    throw new RangeError(`CooperativeMdp: states must be a positive integer, got ${mdp.states}`)
  }
  if (mdp.reward.length !== mdp.states || mdp.transition.length !== mdp.states) {
    throw new RangeError(`CooperativeMdp: reward and transition need one row per state`)
  }
  for (let s = 0; s < mdp.states; s++) {
    if (mdp.reward[s]!.length !== J || mdp.transition[s]!.length !== J) {
      throw new RangeError(`CooperativeMdp: state ${s} needs ${J} joint actions`)
    }
    for (let j = 0; j < J; j++) {
      checkDistribution(mdp.transition[s]![j]!, mdp.states, `CooperativeMdp: P(· | s=${s}, u=${j})`)
    }
  }
  return J
}

/** Checks that `policy` is a [S][J] table of probability rows for `mdp`. */
export const checkJointPolicy = (mdp: CooperativeMdp, policy: JointPolicy): void => {
  const J = jointCount(mdp.actionCounts)
  if (policy.length !== mdp.states) {
    throw new RangeError(`JointPolicy: expected ${mdp.states} states, got ${policy.length}`)
  }
  for (let s = 0; s < mdp.states; s++) checkDistribution(policy[s]!, J, `JointPolicy: π(· | s=${s})`)
}

/** Checks a discount factor γ ∈ [0, 1), which the infinite-horizon sums need. */
export const checkGamma = (gamma: number): void => {
  if (!(gamma >= 0 && gamma < 1)) throw new RangeError(`gamma must be in [0, 1), got ${gamma}`)
}
