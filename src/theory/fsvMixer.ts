/**
 * FSV's mixing (Eq. 7) as a `Mixer`, from a trained network's outputs taken as plain numbers:
 *
 *   Q_tot(u) = Σ_i λ_i(s, u) (Q_i(u_i) − V_i) + V_tot,                    (Eq. 7)
 *   V_i = α log Σ_{u_i} exp(Q_i(u_i)/α),   V_tot = Σ_i w_i V_i + b,       (Eq. 5, 13)
 *
 * with λ_i(s, u) > 0 looked up for the joint action u, so `checkIgm` can treat the Q_i as
 * free inputs and test the trained λ, w and b. Theorem 2's claim is for the greedy limit:
 * with α = 0 (V_i = max Q_i) every term is ≤ 0 and vanishes only at the greedy action, so
 * any λ > 0 gives IGM. At α > 0 the Q_i − V_i are all negative and a λ that varies with u
 * can move the maximiser away from the greedy tuple.
 *
 * `pipelines/matrix/fsvMixing.ts` reads a `FsvMixing` out of trained parameters.
 */
import { jointCount, jointIndex, qTotFactored } from "../core/factorization.ts"
import { softValue } from "../core/softValue.ts"
import { InvalidCheckOptions } from "./errors.ts"
import type { Mixer } from "./igm.ts"

/** A trained FSV mixer at one state: what Eq. 7 needs besides the Q_i. */
export interface FsvMixing {
  /** n_i, the number of actions of each agent the mixer was built for. */
  readonly actionCounts: ReadonlyArray<number>
  /** λ_i(s, u) for every joint action u in joint-index order: lambda[j][i] (Eq. 14–15). */
  readonly lambda: ReadonlyArray<ReadonlyArray<number>>
  /** w_i(s) ≥ 0 of V_tot (Eq. 13). */
  readonly w: ReadonlyArray<number>
  /** b(s) of V_tot (Eq. 13). */
  readonly b: number
  /** The temperature of V_i (Eq. 5); 0 is the greedy limit V_i = max Q_i. */
  readonly alpha: number
}

const invalid = (option: string, reason: string) => new InvalidCheckOptions({ option, reason })

/**
 * The mixer Q_tot(Q_1(u_1), …, Q_N(u_N)) of `mixing` (Eq. 7). Throws InvalidCheckOptions when
 * `mixing` is malformed; the mixer throws it when given Q tables of another shape than
 * `actionCounts` (run `checkIgm` with `agents: N` and `actions: n`).
 */
export const fsvMixer = (mixing: FsvMixing): Mixer => {
  const { actionCounts: counts, lambda, w, b, alpha } = mixing
  const N = counts.length
  if (N === 0 || counts.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw invalid("actionCounts", `needs one positive integer per agent, got ${JSON.stringify(counts)}`)
  }
  const J = jointCount(counts)
  if (lambda.length !== J || lambda.some((row) => row.length !== N || row.some((l) => !Number.isFinite(l)))) {
    throw invalid("lambda", `needs ${J} rows of ${N} finite values (one row per joint action)`)
  }
  if (w.length !== N || w.some((x) => !Number.isFinite(x)) || !Number.isFinite(b)) {
    throw invalid("w, b", `needs ${N} finite weights and a finite bias`)
  }
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw invalid("alpha", `needs a finite α ≥ 0, got ${alpha}`)
  return (chosen, { qs, actions }) => {
    if (qs.length !== N || qs.some((q, i) => q.length !== counts[i])) {
      throw invalid("qs", `the mixer was built for ${counts.join(" × ")} actions, got ${qs.map((q) => q.length).join(" × ")}`)
    }
    const v = qs.map((q) => softValue(q, alpha)) // Eq. 5: [N]
    const vTot = v.reduce((s, vi, i) => s + w[i]! * vi, b) // Eq. 13
    return qTotFactored({ lambda: lambda[jointIndex(actions, counts)]!, q: chosen, v, vTot }) // Eq. 7
  }
}
