/**
 * FSV's factorization of the joint action value (Eq. 6, 7, 30, 33) and helpers
 * over whole joint tables, in plain float64.
 *
 *   Q_tot(u) = Σ_i λ_i [Q_i(u_i) − V_i] + V_tot              (Eq. 6 / Eq. 7)
 *
 * Theorem 1: with energy-based policies satisfying IGO, λ*_i = α / α_i.
 * Theorem 2: in the greedy limit α, α_i → 0, V = max Q and any IGM-consistent
 * table is of the form Eq. 7 with λ_i > 0 (λ given by Eq. 30), and conversely.
 *
 * Joint actions: agent i has counts[i] actions; a joint action (u_0, …, u_{N−1})
 * is stored at its mixed-radix index with agent 0 the most significant digit,
 * i.e. the row-major flattening of a nested table Q_tot[u_0][u_1]…[u_{N−1}].
 */
import { max } from "./softValue.ts"

// ---------------------------------------------------------------------------
// Joint tables

/** The number of joint actions Π_i counts[i]; every count a positive integer. */
export const jointCount = (counts: ReadonlyArray<number>): number => {
  if (counts.length === 0) throw new RangeError("jointCount: needs at least one agent")
  let J = 1
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`jointCount: action count ${c} is not a positive integer`)
    J *= c
  }
  return J
}

/** The joint index of `actions` (agent 0 most significant). */
export const jointIndex = (actions: ReadonlyArray<number>, counts: ReadonlyArray<number>): number => {
  if (actions.length !== counts.length) {
    throw new RangeError(`jointIndex: ${actions.length} actions for ${counts.length} agents`)
  }
  let index = 0
  for (let i = 0; i < counts.length; i++) {
    const u = actions[i]!
    const c = counts[i]!
    if (!Number.isInteger(u) || u < 0 || u >= c) {
      throw new RangeError(`jointIndex: action ${u} of agent ${i} is outside [0, ${c})`)
    }
    index = index * c + u
  }
  return index
}

/** The joint action at `index` (inverse of `jointIndex`). */
export const jointActionAt = (index: number, counts: ReadonlyArray<number>): Array<number> => {
  const J = jointCount(counts)
  if (!Number.isInteger(index) || index < 0 || index >= J) {
    throw new RangeError(`jointActionAt: index ${index} is outside [0, ${J})`)
  }
  const actions = new Array<number>(counts.length)
  let rest = index
  for (let i = counts.length - 1; i >= 0; i--) {
    actions[i] = rest % counts[i]!
    rest = Math.floor(rest / counts[i]!)
  }
  return actions
}

/** Every joint action, in joint-index order. */
export const jointActions = (counts: ReadonlyArray<number>): Array<Array<number>> => {
  const J = jointCount(counts)
  const all: Array<Array<number>> = []
  for (let j = 0; j < J; j++) all.push(jointActionAt(j, counts))
  return all
}

/** Index of the first maximum (ties: the lowest index). */
export const argmax = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) throw new RangeError("argmax: empty array")
  let best = 0
  for (let k = 1; k < xs.length; k++) if (xs[k]! > xs[best]!) best = k
  return best
}

/** The joint action maximising a joint table (ties: the lowest joint index). */
export const argmaxJoint = (table: ReadonlyArray<number>, counts: ReadonlyArray<number>): Array<number> => {
  const J = jointCount(counts)
  if (table.length !== J) throw new RangeError(`argmaxJoint: table has ${table.length} entries, counts give ${J}`)
  return jointActionAt(argmax(table), counts)
}

/** The tuple of individual greedy actions (argmax_{u_i} Q_i(u_i))_i, ties: lowest index. Eq. 1's right side. */
export const individualArgmax = (qs: ReadonlyArray<ReadonlyArray<number>>): Array<number> => qs.map(argmax)

/**
 * A joint table Q_tot[j] = mix(Q_1(u_1), …, Q_N(u_N)) for every joint action u = jointActionAt(j),
 * from per-agent tables qs[i][u_i]. `mix` also receives the joint action.
 */
export const jointTable = (
  qs: ReadonlyArray<ReadonlyArray<number>>,
  mix: (chosen: ReadonlyArray<number>, actions: ReadonlyArray<number>) => number
): Array<number> => {
  const counts = qs.map((q) => q.length)
  return jointActions(counts).map((u) => mix(u.map((ui, i) => qs[i]![ui]!), u))
}

// ---------------------------------------------------------------------------
// Eq. 6 / Eq. 7 and the stop-gradient form Eq. 33

/** The inputs of Eq. 7 for one joint action u: λ_i, Q_i(u_i) of the chosen action, V_i, V_tot. */
export interface FactoredInputs {
  /** λ_i (one per agent). */
  readonly lambda: ReadonlyArray<number>
  /** Q_i(u_i) of each agent's chosen action. */
  readonly q: ReadonlyArray<number>
  /** V_i, each agent's soft value (max Q_i in the greedy limit). */
  readonly v: ReadonlyArray<number>
  /** V_tot. */
  readonly vTot: number
}

const checkAgents = (where: string, ...arrays: ReadonlyArray<ReadonlyArray<number>>): number => {
  const n = arrays[0]!.length
  if (n === 0) throw new RangeError(`${where}: needs at least one agent`)
  for (const a of arrays) {
    if (a.length !== n) throw new RangeError(`${where}: per-agent arrays differ in length (${n} vs ${a.length})`)
  }
  return n
}

/** Q_tot(u) = Σ_i λ_i [Q_i(u_i) − V_i] + V_tot (Eq. 6 with λ*, Eq. 7 with λ(τ, u)). */
export const qTotFactored = ({ lambda, q, v, vTot }: FactoredInputs): number => {
  const n = checkAgents("qTotFactored", lambda, q, v)
  let s = 0
  for (let i = 0; i < n; i++) s += lambda[i]! * (q[i]! - v[i]!) // Eq. 7
  return s + vTot
}

/** Eq. 33, term by term, with where gradients flow. */
export interface StopGradientForm {
  /** Σ_i λ_i · sg(Q_i − V_i): the advantages are constants; gradient flows to λ_i only. */
  readonly lambdaTerm: number
  /** sg(V_tot − Σ_i Q_i): no gradient at all. */
  readonly detached: number
  /** Σ_i Q_i, the last term: gradient flows to every Q_i with weight 1. */
  readonly differentiable: number
  /** lambdaTerm + detached + differentiable; equals Eq. 7's value up to rounding. */
  readonly value: number
  /** ∂value/∂λ_i = Q_i − V_i. */
  readonly gradLambda: ReadonlyArray<number>
  /** ∂value/∂Q_i = 1 (through the last term only). */
  readonly gradQ: ReadonlyArray<number>
}

/**
 * Eq. 33, the form FSV trains for stability:
 *
 *   Q_tot = Σ_i λ_i (Q_i − V_i) + V_tot − Σ_i Q_i + Σ_i Q_i
 *
 * "we stop all the gradients except for λ_i and the last term Q_i": the value is
 * Eq. 7's, but ∂Q_tot/∂Q_i = 1 (as in VDN) and ∂Q_tot/∂λ_i = Q_i − V_i; V_i and
 * V_tot receive no gradient from this expression.
 */
export const qTotStopGradientForm = ({ lambda, q, v, vTot }: FactoredInputs): StopGradientForm => {
  const n = checkAgents("qTotStopGradientForm", lambda, q, v)
  let lambdaTerm = 0
  let sumQ = 0
  const gradLambda: Array<number> = []
  for (let i = 0; i < n; i++) {
    const advantage = q[i]! - v[i]! // sg(Q_i − V_i)
    lambdaTerm += lambda[i]! * advantage
    gradLambda.push(advantage)
    sumQ += q[i]!
  }
  const detached = vTot - sumQ // sg(V_tot − Σ Q_i)
  const differentiable = sumQ // Σ Q_i, gradient 1 to each Q_i
  return {
    lambdaTerm,
    detached,
    differentiable,
    value: lambdaTerm + detached + differentiable, // Eq. 33
    gradLambda,
    gradQ: new Array<number>(n).fill(1)
  }
}

// ---------------------------------------------------------------------------
// Theorem 1 and Theorem 2

/** Theorem 1: λ*_i = α / α_i, for joint temperature α and individual temperatures α_i > 0. */
export const theorem1Lambda = (alpha: number, alphas: ReadonlyArray<number>): Array<number> => {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`theorem1Lambda: alpha must be > 0, got ${alpha}`)
  return alphas.map((ai) => {
    if (!(ai > 0) || !Number.isFinite(ai)) throw new RangeError(`theorem1Lambda: alpha_i must be > 0, got ${ai}`)
    return alpha / ai
  })
}

/** The inputs of Eq. 30 for one joint action u in the greedy limit (V = max Q). */
export interface Theorem2Inputs {
  /** Q_tot(u). */
  readonly qTot: number
  /** V_tot = max_u Q_tot(u). */
  readonly vTot: number
  /** Q_i(u_i) of each agent's chosen action. */
  readonly q: ReadonlyArray<number>
  /** V_i = max_{u_i} Q_i(u_i). */
  readonly v: ReadonlyArray<number>
}

/**
 * λ_i of Eq. 30 for one joint action in the greedy limit:
 *
 *   λ_i = (Q_tot − V_tot) / (m · (Q_i − V_i))
 *
 * where m counts the agents whose chosen action is not greedy (Q_i ≠ V_i).
 * Eq. 30 writes n, the number of agents; the two agree whenever every agent is
 * off its greedy action (always so for α_i > 0, where V_i > Q_i). With m = n a
 * greedy agent would give λ_i = (Q_tot − V_tot)/0, and λ_i · 0 = NaN in Eq. 7;
 * a greedy agent's term λ_i · 0 vanishes for any λ_i, so it gets λ_i = 1, and the
 * m others split Q_tot − V_tot equally. When u is the greedy tuple (m = 0),
 * Q_tot = V_tot under IGM and λ_i = 1 for all i: the paper's convention.
 *
 * With this λ, Eq. 7 holds exactly (up to rounding) for every joint action of an
 * IGM-consistent table, and λ_i > 0 when u is not a joint maximiser.
 * Greedy agents are recognised by exact equality Q_i = V_i: pass V_i = max Q_i.
 * Throws when u is the greedy tuple but Q_tot ≠ V_tot (the table violates IGM
 * and no λ satisfies Eq. 7).
 */
export const theorem2Lambda = ({ qTot, vTot, q, v }: Theorem2Inputs): Array<number> => {
  const n = checkAgents("theorem2Lambda", q, v)
  let m = 0
  for (let i = 0; i < n; i++) if (q[i] !== v[i]) m++
  if (m === 0) {
    if (qTot !== vTot) {
      throw new RangeError(
        `theorem2Lambda: u is the individual greedy tuple but Q_tot (${qTot}) ≠ V_tot (${vTot}); the table violates IGM`
      )
    }
    return new Array<number>(n).fill(1)
  }
  return q.map((qi, i) => (qi === v[i] ? 1 : (qTot - vTot) / (m * (qi - v[i]!)))) // Eq. 30
}

/** V_i = max_{u_i} Q_i(u_i) for every agent: the individual values in the greedy limit. */
export const greedyValues = (qs: ReadonlyArray<ReadonlyArray<number>>): Array<number> => qs.map(max)
