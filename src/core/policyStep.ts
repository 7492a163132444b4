/**
 * The KL policy step of soft policy iteration (Eq. 12, Eq. 18) for one agent
 * with a discrete action set, in plain float64.
 *
 *   J_π = E_{u~π}[α log π(u) − Q(u)]                                   (Eq. 18)
 *       = α · KL(π ‖ π_Q) − V,   π_Q = energyPolicy(Q, α), V = softValue(Q, α)
 *
 * so the exact minimiser over the simplex is the energy-based policy (Eq. 12),
 * and its minimum is −V.
 */
import { energyPolicy } from "./softValue.ts"

/** KL(p ‖ q) = Σ p log(p / q), with 0 · log(0 / q) = 0 and +∞ where p > 0 = q. */
export const klDivergence = (p: ReadonlyArray<number>, q: ReadonlyArray<number>): number => {
  if (p.length !== q.length) throw new RangeError(`klDivergence: lengths ${p.length} and ${q.length} differ`)
  let kl = 0
  for (let u = 0; u < p.length; u++) {
    const pu = p[u]!
    if (pu > 0) kl += pu * (Math.log(pu) - Math.log(q[u]!))
  }
  return kl
}

/** J_π = Σ_u π(u) (α log π(u) − Q(u)) (Eq. 18), with 0 · log 0 = 0. */
export const klPolicyObjective = (pi: ReadonlyArray<number>, q: ReadonlyArray<number>, alpha: number): number => {
  if (pi.length !== q.length) throw new RangeError(`klPolicyObjective: ${pi.length} probabilities, ${q.length} Q values`)
  let j = 0
  for (let u = 0; u < q.length; u++) {
    const p = pi[u]!
    if (p > 0) j += p * (alpha * Math.log(p) - q[u]!) // Eq. 18
  }
  return j
}

/** argmin_π J_π over the simplex, in closed form: the energy-based policy of Q at α (Eq. 12). */
export const klPolicyStep = (q: ReadonlyArray<number>, alpha: number): Array<number> => energyPolicy(q, alpha)

/** softmax(z) with the max shift. */
export const softmax = (logits: ReadonlyArray<number>): Array<number> => energyPolicy(logits, 1)

/**
 * ∂J_π/∂z for π = softmax(z) (Eq. 18 as a function of the logits):
 *
 *   ∂J/∂z_k = π_k (g_k − Σ_j π_j g_j),   g_j = α log π_j − Q_j
 *
 * (from ∂J/∂π_j = α log π_j + α − Q_j and ∂π_j/∂z_k = π_j (δ_jk − π_k); the
 * constant α cancels).
 */
export const klPolicyObjectiveGradient = (
  logits: ReadonlyArray<number>,
  q: ReadonlyArray<number>,
  alpha: number
): Array<number> => {
  if (logits.length !== q.length) {
    throw new RangeError(`klPolicyObjectiveGradient: ${logits.length} logits, ${q.length} Q values`)
  }
  const pi = softmax(logits)
  // log π from the logits directly, finite even where π underflows to 0
  let m = -Infinity
  for (const z of logits) if (z > m) m = z
  let s = 0
  for (const z of logits) s += Math.exp(z - m)
  const logZ = m + Math.log(s)
  const g = logits.map((z, j) => alpha * (z - logZ) - q[j]!)
  let mean = 0
  for (let j = 0; j < g.length; j++) mean += pi[j]! * g[j]!
  return pi.map((p, k) => p * (g[k]! - mean))
}

/** One exact gradient-descent step on Eq. 18 w.r.t. softmax logits: z ← z − lr · ∂J/∂z. */
export const policyGradientStep = (
  logits: ReadonlyArray<number>,
  q: ReadonlyArray<number>,
  alpha: number,
  lr: number
): Array<number> => {
  const grad = klPolicyObjectiveGradient(logits, q, alpha)
  return logits.map((z, k) => z - lr * grad[k]!)
}
