/**
 * Soft Bellman targets (Eq. 10, 11, 16, 17) and exact tabular soft dynamic
 * programming on small finite cooperative MDPs (soft Q-iteration, soft policy
 * evaluation, the maximum-entropy objective of Eq. 8/9), in plain float64.
 *
 * Terminal flags: `done` is true/1 at a terminal transition (no bootstrap) and
 * false/0 otherwise; the target multiplies the bootstrap by (1 − done).
 */
import { checkGamma, checkJointPolicy, checkMdp, type CooperativeMdp, type JointPolicy } from "./finiteMdp.ts"
import { softValue } from "./softValue.ts"

/** 1 − done, for a boolean or a 0/1 flag. */
const notDone = (done: boolean | number): number => 1 - Number(done)

/** p · log p with 0 · log 0 = 0. */
const xLogX = (p: number): number => (p > 0 ? p * Math.log(p) : 0)

// ---------------------------------------------------------------------------
// One-step targets

export interface SoftBellmanTargetInputs {
  readonly reward: number
  readonly gamma: number
  readonly done: boolean | number
  /** V_tot(s') = α log Σ_u' exp(Q_tot(s', u')/α). */
  readonly nextVTot: number
}

/** y = r + γ (1 − done) V_tot(s') (Eq. 10–11, the soft Q-iteration target). */
export const softBellmanTarget = ({ reward, gamma, done, nextVTot }: SoftBellmanTargetInputs): number =>
  reward + gamma * notDone(done) * nextVTot // Eq. 11

export interface SampledSoftTargetInputs {
  readonly reward: number
  readonly gamma: number
  readonly done: boolean | number
  /** Q_tot(s', u') of the sampled next joint action u' ~ π_tot(·|s'). */
  readonly nextQTot: number
  /** log π_tot(u' | s') of that action (Σ_i log π_i(u'_i) for a factored policy). */
  readonly nextLogPiTot: number
  readonly alpha: number
}

/** y = r + γ (1 − done) (Q_tot(s', u') − α log π_tot(u' | s')), u' ~ π_tot (Eq. 16's target). */
export const sampledSoftTarget = (
  { reward, gamma, done, nextQTot, nextLogPiTot, alpha }: SampledSoftTargetInputs
): number => reward + gamma * notDone(done) * (nextQTot - alpha * nextLogPiTot) // Eq. 16

export interface ExpectedSoftTargetInputs {
  readonly reward: number
  readonly gamma: number
  readonly done: boolean | number
  /** Q_tot(s', u') for every next joint action u'. */
  readonly nextQTot: ReadonlyArray<number>
  /** π_tot(u' | s') for every next joint action u' (a probability vector). */
  readonly nextPiTot: ReadonlyArray<number>
  readonly alpha: number
}

/**
 * Eq. 16's target with the expectation over u' ~ π_tot taken exactly:
 * y = r + γ (1 − done) Σ_u' π_tot(u')(Q_tot(s', u') − α log π_tot(u')), 0 · log 0 = 0.
 * With π_tot the energy policy of Q_tot(s', ·) this equals `softBellmanTarget` with V_tot(s').
 */
export const expectedSoftTarget = (
  { reward, gamma, done, nextQTot, nextPiTot, alpha }: ExpectedSoftTargetInputs
): number => {
  if (nextQTot.length !== nextPiTot.length) {
    throw new RangeError(`expectedSoftTarget: ${nextQTot.length} Q values, ${nextPiTot.length} probabilities`)
  }
  let next = 0
  for (let u = 0; u < nextQTot.length; u++) {
    const p = nextPiTot[u]!
    if (p > 0) next += p * nextQTot[u]! - alpha * xLogX(p)
  }
  return reward + gamma * notDone(done) * next // Eq. 16, E_{u'~π}
}

/**
 * Eq. 17's regression target for V_i: E_{u~π_i}[Q_i(u) − α log π_i(u)], 0 · log 0 = 0.
 * Equals softValue(q, α) when π_i is the energy policy of q at α (and is below it otherwise).
 */
export const individualValueTarget = (
  q: ReadonlyArray<number>,
  pi: ReadonlyArray<number>,
  alpha: number
): number => {
  if (q.length !== pi.length) {
    throw new RangeError(`individualValueTarget: ${q.length} Q values, ${pi.length} probabilities`)
  }
  let v = 0
  for (let u = 0; u < q.length; u++) {
    const p = pi[u]!
    if (p > 0) v += p * q[u]! - alpha * xLogX(p) // Eq. 17
  }
  return v
}

// ---------------------------------------------------------------------------
// λ-returns over padded episodes

export interface LambdaReturnInputs {
  /** Steps T and episodes B; every array is time-major, index t · B + b. */
  readonly T: number
  readonly B: number
  /** r_t: [T · B]. */
  readonly reward: ArrayLike<number>
  /** 1 at a step that ended its episode for real: [T · B]. */
  readonly terminated: ArrayLike<number>
  /** 1 on real steps, 0 on padding: [T · B]. */
  readonly mask: ArrayLike<number>
  /**
   * The bootstrap value of the state after step t, Q̄(τ_{t+1}, ·) (for FSV the soft
   * Q̄_tot(τ_{t+1}, u') − α log π_tot(u')): [T · B].
   */
  readonly next: ArrayLike<number>
  readonly gamma: number
  /** λ ∈ [0, 1]: 0 is the one-step target, 1 the Monte Carlo return (bootstrapped at T). */
  readonly lambda: number
}

/**
 * The λ-return of every step, pymarl2's `build_td_lambda_targets` in time-major form:
 *
 *   G_T = next_{T−1} · (1 − Σ_t terminated_t)
 *   G_t = λ γ G_{t+1} + mask_t (r_t + (1 − λ) γ (1 − terminated_t) next_t),  t = T − 1 … 0
 *
 * On padding (mask 0) the return carries G_{t+1} back; the loss masks those steps. In float64.
 */
export const lambdaReturns = ({ T, B, reward, terminated, mask, next, gamma, lambda }: LambdaReturnInputs): Float64Array => {
  const out = new Float64Array(T * B)
  for (let b = 0; b < B; b++) {
    let ended = 0
    for (let t = 0; t < T; t++) ended += terminated[t * B + b]!
    let g = next[(T - 1) * B + b]! * (1 - ended)
    for (let t = T - 1; t >= 0; t--) {
      const k = t * B + b
      g = lambda * gamma * g + mask[k]! * (reward[k]! + (1 - lambda) * gamma * (1 - terminated[k]!) * next[k]!)
      out[k] = g
    }
  }
  return out
}

// ---------------------------------------------------------------------------
// Tabular soft dynamic programming

/** A tabular joint action value Q_tot[s][j] with its soft values V_tot[s]. */
export interface SoftValues {
  /** Q_tot(s, u): [S][J]. */
  readonly qTot: ReadonlyArray<ReadonlyArray<number>>
  /** V_tot(s): [S]. */
  readonly vTot: ReadonlyArray<number>
}

/** E_{s'~P(·|s,u)} v(s'). */
const expectNext = (mdp: CooperativeMdp, s: number, j: number, v: ReadonlyArray<number>): number => {
  const p = mdp.transition[s]![j]!
  let e = 0
  for (let t = 0; t < mdp.states; t++) e += p[t]! * v[t]!
  return e
}

/**
 * The soft Bellman optimality operator (Eq. 10):
 * (T Q)(s, u) = r(s, u) + γ E_{s'} [α log Σ_u' exp(Q(s', u')/α)].
 */
export const softBellmanOperator = (
  mdp: CooperativeMdp,
  qTot: ReadonlyArray<ReadonlyArray<number>>,
  gamma: number,
  alpha: number
): Array<Array<number>> => {
  const J = checkMdp(mdp)
  checkGamma(gamma)
  const vTot = qTot.map((row) => softValue(row, alpha)) // [S]
  const next: Array<Array<number>> = []
  for (let s = 0; s < mdp.states; s++) {
    const row: Array<number> = []
    for (let j = 0; j < J; j++) row.push(mdp.reward[s]![j]! + gamma * expectNext(mdp, s, j, vTot)) // Eq. 10
    next.push(row)
  }
  return next
}

/** ‖T Q − Q‖_∞, the soft Bellman residual (0 exactly at the soft fixed point). */
export const softBellmanResidual = (
  mdp: CooperativeMdp,
  qTot: ReadonlyArray<ReadonlyArray<number>>,
  gamma: number,
  alpha: number
): number => {
  const tq = softBellmanOperator(mdp, qTot, gamma, alpha)
  let r = 0
  for (let s = 0; s < tq.length; s++) {
    for (let j = 0; j < tq[s]!.length; j++) r = Math.max(r, Math.abs(tq[s]![j]! - qTot[s]![j]!))
  }
  return r
}

export interface SoftQIterationResult extends SoftValues {
  /** ‖T Q − Q‖_∞ of the returned Q. */
  readonly residual: number
}

/**
 * Soft Q-iteration (Eq. 11) from Q = 0: Q ← T Q, `iterations` times.
 * T is a γ-contraction in the sup norm, so ‖T Q_k − Q_k‖ ≤ γ^k ‖T Q_0 − Q_0‖.
 */
export const softQIteration = (
  mdp: CooperativeMdp,
  gamma: number,
  alpha: number,
  iterations: number
): SoftQIterationResult => {
  const J = checkMdp(mdp)
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new RangeError(`softQIteration: iterations must be a non-negative integer, got ${iterations}`)
  }
  let qTot: Array<Array<number>> = Array.from({ length: mdp.states }, () => new Array<number>(J).fill(0))
  for (let k = 0; k < iterations; k++) qTot = softBellmanOperator(mdp, qTot, gamma, alpha) // Eq. 11
  return {
    qTot,
    vTot: qTot.map((row) => softValue(row, alpha)),
    residual: softBellmanResidual(mdp, qTot, gamma, alpha)
  }
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A square, small, non-singular). */
const solveLinear = (a: Array<Array<number>>, b: Array<number>): Array<number> => {
  const n = b.length
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r
    ;[a[col], a[pivot]] = [a[pivot]!, a[col]!]
    ;[b[col], b[pivot]] = [b[pivot]!, b[col]!]
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!
      if (f === 0) continue
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!
      b[r]! -= f * b[col]!
    }
  }
  const x = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!
    x[r] = s / a[r]![r]!
  }
  return x
}

/**
 * Exact soft policy evaluation of a joint policy π_tot (Eq. 9):
 *
 *   V^π(s) = Σ_u π(u|s) [Q^π(s, u) − α log π(u|s)]
 *   Q^π(s, u) = r(s, u) + γ E_{s'} V^π(s')
 *
 * i.e. V^π solves (I − γ P_π) V = r_π + α H(π(·|s)), solved directly.
 */
export const softPolicyEvaluation = (
  mdp: CooperativeMdp,
  policy: JointPolicy,
  gamma: number,
  alpha: number
): SoftValues => {
  const J = checkMdp(mdp)
  checkJointPolicy(mdp, policy)
  checkGamma(gamma)
  const S = mdp.states
  const a: Array<Array<number>> = [] // I − γ P_π: [S][S]
  const b: Array<number> = [] // r_π + α H_π: [S]
  for (let s = 0; s < S; s++) {
    const row = new Array<number>(S).fill(0)
    row[s] = 1
    let bs = 0
    for (let j = 0; j < J; j++) {
      const p = policy[s]![j]!
      if (p === 0) continue
      bs += p * mdp.reward[s]![j]! - alpha * xLogX(p)
      const next = mdp.transition[s]![j]!
      for (let t = 0; t < S; t++) row[t]! -= gamma * p * next[t]!
    }
    a.push(row)
    b.push(bs)
  }
  const vTot = solveLinear(a, b)
  const qTot = mdp.reward.map((rs, s) => rs.map((r, j) => r + gamma * expectNext(mdp, s, j, vTot)))
  return { qTot, vTot }
}

/**
 * The maximum-entropy objective (Eq. 8) of a joint policy from an initial state
 * distribution μ_0 (uniform by default):
 * E_{s_0~μ_0} Σ_t γ^t (r_t + α H(π_tot(·|s_t))) = Σ_s μ_0(s) V^π(s).
 */
export const softObjective = (
  mdp: CooperativeMdp,
  policy: JointPolicy,
  gamma: number,
  alpha: number,
  initial?: ReadonlyArray<number>
): number => {
  const { vTot } = softPolicyEvaluation(mdp, policy, gamma, alpha)
  const mu = initial ?? new Array<number>(mdp.states).fill(1 / mdp.states)
  if (mu.length !== mdp.states) throw new RangeError(`softObjective: initial has ${mu.length} states, not ${mdp.states}`)
  let j = 0
  for (let s = 0; s < mdp.states; s++) j += mu[s]! * vTot[s]!
  return j
}
