/**
 * Float64 forward references of the baseline mixers (Eq. 2) for one state.
 *
 * VDN:  Q_tot = Σ_i Q_i                                 (Eq. 2, left: additivity)
 * QMIX: Q_tot = elu(q · |W1| + b1) · |w2| + b2          (Eq. 2, right: ∂Q_tot/∂Q_i ≥ 0)
 *
 * QMIX follows PyMARL's `QMixer` with the hypernetwork outputs already computed
 * for the state: W1 [N][E], b1 [E], w2 [E], b2 scalar (PyMARL's V(s)). The
 * absolute values on W1 and w2 are what make the mixer monotone in every Q_i.
 */

/** ELU with PyTorch's default α = 1: x for x > 0, e^x − 1 otherwise. */
export const elu = (x: number): number => (x > 0 ? x : Math.expm1(x))

/** VDN: Q_tot = Σ_i Q_i (Eq. 2, left). */
export const vdnMix = (q: ReadonlyArray<number>): number => {
  let s = 0
  for (const x of q) s += x
  return s
}

export interface QmixInputs {
  /** Q_i(u_i) of each agent's chosen action: [N]. */
  readonly q: ReadonlyArray<number>
  /** First-layer hypernetwork weights W1: [N][E] (absolute values taken here). */
  readonly w1: ReadonlyArray<ReadonlyArray<number>>
  /** First-layer bias b1: [E]. */
  readonly b1: ReadonlyArray<number>
  /** Second-layer hypernetwork weights w2: [E] (absolute values taken here). */
  readonly w2: ReadonlyArray<number>
  /** State-value bias b2 = V(s), a scalar. */
  readonly b2: number
}

/** QMIX's mixer (PyMARL): hidden = elu(q · |W1| + b1) [E]; Q_tot = hidden · |w2| + b2. */
export const qmixMix = ({ q, w1, b1, w2, b2 }: QmixInputs): number => {
  const N = q.length
  const E = b1.length
  if (w1.length !== N) throw new RangeError(`qmixMix: W1 has ${w1.length} rows for ${N} agents`)
  if (w2.length !== E) throw new RangeError(`qmixMix: w2 has ${w2.length} entries, b1 has ${E}`)
  let y = 0
  for (let e = 0; e < E; e++) {
    let pre = b1[e]!
    for (let i = 0; i < N; i++) {
      const row = w1[i]!
      if (row.length !== E) throw new RangeError(`qmixMix: W1 row ${i} has ${row.length} entries, not ${E}`)
      pre += q[i]! * Math.abs(row[e]!) // q · |W1| + b1
    }
    y += elu(pre) * Math.abs(w2[e]!) // hidden · |w2|
  }
  return y + b2 // + V(s)
}
