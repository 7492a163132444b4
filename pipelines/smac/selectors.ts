/**
 * Action selection over available actions (PyMARL's action selectors), each drawing from one
 * seeded stream in row order.
 *
 * - greedy: argmax over available actions (lowest index on ties), for testing.
 * - ε-greedy (VDN, QMIX, QTRAN): with probability ε a uniformly random available action.
 * - energy (FSV, Eq. 5): u ~ π_i(u) ∝ exp((Q_i(u) − V_i)/α) over available actions; the
 *   partition V_i cancels in the normalisation, so only Q_i − max Q_i is exponentiated.
 */
import type { Stream } from "../../src/rng/Rng.ts"
import type { Selector } from "./EpisodeRunner.ts"

const argmaxAvailable = (q: Float32Array, avail: Uint8Array, o: number, A: number): number => {
  let best = -1
  for (let a = 0; a < A; a++) if (avail[o + a] === 1 && (best < 0 || q[o + a]! > q[o + best]!)) best = a
  if (best < 0) throw new Error("action selection: a row has no available action")
  return best
}

export const greedySelector = (A: number): Selector => (q, avail, rows, out) => {
  for (let r = 0; r < rows; r++) out[r] = argmaxAvailable(q, avail, r * A, A)
}

export const epsilonGreedySelector = (A: number, rng: Stream, epsilon: number): Selector => (q, avail, rows, out) => {
  for (let r = 0; r < rows; r++) {
    const o = r * A
    if (rng.float() < epsilon) {
      let count = 0
      for (let a = 0; a < A; a++) count += avail[o + a]!
      let k = rng.int(count)
      for (let a = 0; a < A; a++) {
        if (avail[o + a] === 1 && k-- === 0) {
          out[r] = a
          break
        }
      }
    } else out[r] = argmaxAvailable(q, avail, o, A)
  }
}

export const energySelector = (A: number, rng: Stream, alpha: number): Selector => {
  const w = new Float64Array(A)
  return (q, avail, rows, out) => {
    for (let r = 0; r < rows; r++) {
      const o = r * A
      const top = q[o + argmaxAvailable(q, avail, o, A)]!
      for (let a = 0; a < A; a++) w[a] = avail[o + a] === 1 ? Math.exp((q[o + a]! - top) / alpha) : 0 // ∝ exp((Q_i − V_i)/α), Eq. 5
      out[r] = rng.categorical(w)
    }
  }
}
