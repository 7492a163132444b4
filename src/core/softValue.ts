/**
 * Soft values and energy-based policies over a discrete action set.
 *
 * FSV takes energy-based policies for the joint and the individual agents
 * (Eq. 4, Eq. 5):
 *
 *   π(u) = exp((Q(u) − V) / α),   V = α · log Σ_u exp(Q(u) / α)
 *
 * V is the partition function that normalises π (the paper writes it as an
 * integral; over a discrete action set it is a sum). Every function here is a
 * plain float64 reference for the tensor learners: no tfjs, no Effect.
 *
 * Temperatures: α > 0, and α = 0 means the limit α → 0⁺ (V → max Q, π → the
 * uniform distribution over the maximisers, one-hot when the maximum is unique).
 * Invalid input (empty action set, negative or NaN α, a mask with no available
 * action, mismatched lengths) is a programming error and throws a RangeError.
 */

const checkAlpha = (alpha: number, where: string): void => {
  if (!(alpha >= 0) || !Number.isFinite(alpha)) {
    throw new RangeError(`${where}: temperature alpha must be finite and ≥ 0, got ${alpha}`)
  }
}

const checkNonEmpty = (xs: ReadonlyArray<number>, where: string): void => {
  if (xs.length === 0) throw new RangeError(`${where}: needs at least one action`)
}

/** max over a non-empty array (−∞ for an empty one). */
export const max = (xs: ReadonlyArray<number>): number => {
  let m = -Infinity
  for (const x of xs) if (x > m) m = x
  return m
}

/**
 * log Σ exp(x), stable: shifted by the maximum so that no exp overflows.
 * log Σ exp(x) = m + log Σ exp(x − m), m = max x. Empty input gives −∞.
 */
export const logSumExp = (xs: ReadonlyArray<number>): number => {
  const m = max(xs)
  if (m === Infinity || m === -Infinity) return m
  let s = 0
  for (const x of xs) s += Math.exp(x - m)
  return m + Math.log(s)
}

/**
 * Soft value V = α · log Σ_u exp(Q(u) / α) (partition function of Eq. 4/5).
 * Computed as max Q + α · log Σ_u exp((Q(u) − max Q) / α), stable for any Q/α.
 * α = 0 gives the limit max Q.
 */
export const softValue = (q: ReadonlyArray<number>, alpha: number): number => {
  checkNonEmpty(q, "softValue")
  checkAlpha(alpha, "softValue")
  const m = max(q)
  if (alpha === 0 || !Number.isFinite(m)) return m
  let s = 0
  for (const x of q) s += Math.exp((x - m) / alpha)
  return m + alpha * Math.log(s)
}

/**
 * log π(u) = (Q(u) − V) / α (Eq. 4/5), in the log domain so that tiny
 * probabilities keep their precision. α = 0: log of the uniform distribution
 * over the maximisers (−∞ elsewhere).
 */
export const energyLogPolicy = (q: ReadonlyArray<number>, alpha: number): Array<number> => {
  checkNonEmpty(q, "energyLogPolicy")
  checkAlpha(alpha, "energyLogPolicy")
  const m = max(q)
  if (alpha === 0) {
    let ties = 0
    for (const x of q) if (x === m) ties++
    const logP = -Math.log(ties)
    return q.map((x) => (x === m ? logP : -Infinity))
  }
  const v = softValue(q, alpha)
  return q.map((x) => (x - v) / alpha) // Eq. 4/5
}

/**
 * Energy-based policy π(u) = exp((Q(u) − V) / α) (Eq. 4/5); sums to 1.
 * Computed as a max-shifted softmax of Q/α. α = 0: uniform over the maximisers.
 */
export const energyPolicy = (q: ReadonlyArray<number>, alpha: number): Array<number> => {
  checkNonEmpty(q, "energyPolicy")
  checkAlpha(alpha, "energyPolicy")
  const m = max(q)
  const w = alpha === 0
    ? q.map((x) => (x === m ? 1 : 0))
    : q.map((x) => Math.exp((x - m) / alpha))
  let z = 0
  for (const x of w) z += x
  return w.map((x) => x / z)
}

const availableValues = (q: ReadonlyArray<number>, mask: ReadonlyArray<number>, where: string): Array<number> => {
  if (q.length !== mask.length) {
    throw new RangeError(`${where}: q has ${q.length} actions but mask has ${mask.length}`)
  }
  const available: Array<number> = []
  for (let u = 0; u < q.length; u++) if (mask[u] !== 0) available.push(q[u]!)
  if (available.length === 0) throw new RangeError(`${where}: no available action in the mask`)
  return available
}

/**
 * Soft value over the available actions only (mask[u] = 1 available, 0 not),
 * as in SMAC where unavailable actions must carry no probability:
 * V = α · log Σ_{u available} exp(Q(u) / α).
 */
export const maskedSoftValue = (q: ReadonlyArray<number>, mask: ReadonlyArray<number>, alpha: number): number =>
  softValue(availableValues(q, mask, "maskedSoftValue"), alpha)

/**
 * Energy-based policy over the available actions: π(u) = exp((Q(u) − V) / α)
 * with V = maskedSoftValue, and π(u) = 0 exactly for unavailable actions.
 */
export const maskedEnergyPolicy = (
  q: ReadonlyArray<number>,
  mask: ReadonlyArray<number>,
  alpha: number
): Array<number> => {
  const p = energyPolicy(availableValues(q, mask, "maskedEnergyPolicy"), alpha)
  let k = 0
  return q.map((_, u) => (mask[u] !== 0 ? p[k++]! : 0))
}

/** Shannon entropy H(p) = −Σ p log p in nats, with 0 · log 0 = 0. */
export const entropy = (p: ReadonlyArray<number>): number => {
  let h = 0
  for (const x of p) if (x > 0) h -= x * Math.log(x)
  return h
}
