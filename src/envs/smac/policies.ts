/**
 * Two scripted policies, the yardsticks of the acceptance tables (docs/smac-lite.md).
 * Both write one action per agent into `out`; both only ever choose available actions.
 */
import type { Stream } from "../../rng/Rng.ts"
import { MOVE_AMOUNT, MOVE_DX, MOVE_DY, MOVE_NORTH, N_NON_ATTACK, STOP, type Env, type EnvState } from "./Env.ts"

export type PolicyName = "random" | "focus-fire"
export const POLICY_NAMES: ReadonlyArray<PolicyName> = ["random", "focus-fire"]

/** Uniformly random among each agent's available actions. */
export const randomActions = (env: Env, s: EnvState, stream: Stream, out: Int32Array): Int32Array => {
  for (let a = 0; a < env.info.nAgents; a++) {
    const mask = env.availActions(s, a, s.avail)
    let count = 0
    for (let i = 0; i < mask.length; i++) count += mask[i]!
    let k = stream.int(count)
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 1 && k-- === 0) {
        out[a] = i
        break
      }
    }
  }
  return out
}

/** The living enemy (unit index) nearest to agent `a` (ties: lowest index), −1 if none. */
export const nearestEnemy = (env: Env, s: EnvState, a: number): number => {
  const { nAgents, nEnemies } = env.info
  let nearest = -1
  let nearestD2 = Infinity
  for (let e = nAgents; e < nAgents + nEnemies; e++) {
    if (s.alive[e] === 0) continue
    const d2 = (s.x[e]! - s.x[a]!) ** 2 + (s.y[e]! - s.y[a]!) ** 2
    if (d2 < nearestD2) {
      nearest = e
      nearestD2 = d2
    }
  }
  return nearest
}

/**
 * Focus fire, exactly as the acceptance criteria define it:
 * - a living agent with an available attack attacks the available enemy with the lowest
 *   hp + shield (ties: lowest index);
 * - a Medivac with an available heal heals the available ally with the lowest health fraction
 *   (ties: lowest index);
 * - any other agent takes the available move that brings it closest to the nearest living enemy
 *   (ties: N, S, E, W order), or stops if no move is available.
 */
export const focusFireActions = (env: Env, s: EnvState, out: Int32Array): Int32Array => {
  const { nAgents } = env.info
  const types = env.world.types
  for (let a = 0; a < nAgents; a++) {
    const mask = env.availActions(s, a, s.avail)
    if (s.alive[a] === 0) {
      out[a] = 0
      continue
    }
    const healer = types[a]!.healer
    let best = -1
    let bestKey = Infinity
    for (let i = N_NON_ATTACK; i < mask.length; i++) {
      if (mask[i] === 0) continue
      const key = healer
        ? s.hp[i - N_NON_ATTACK]! / types[i - N_NON_ATTACK]!.hp
        : s.hp[nAgents + i - N_NON_ATTACK]! + s.shield[nAgents + i - N_NON_ATTACK]!
      if (key < bestKey) {
        best = i
        bestKey = key
      }
    }
    if (best >= 0) {
      out[a] = best
      continue
    }
    const nearest = nearestEnemy(env, s, a)
    out[a] = STOP
    if (nearest < 0) continue
    let bestD2 = Infinity
    for (let dir = 0; dir < 4; dir++) {
      if (mask[MOVE_NORTH + dir] === 0) continue
      const d2 = (s.x[nearest]! - (s.x[a]! + MOVE_DX[dir]! * MOVE_AMOUNT)) ** 2 +
        (s.y[nearest]! - (s.y[a]! + MOVE_DY[dir]! * MOVE_AMOUNT)) ** 2
      if (d2 < bestD2) {
        bestD2 = d2
        out[a] = MOVE_NORTH + dir
      }
    }
  }
  return out
}

/** A policy by name as `(state, out) => void`; the random one draws from `stream`. */
export const makePolicy = (env: Env, name: PolicyName, stream: Stream): (s: EnvState, out: Int32Array) => void =>
  name === "random" ? (s, out) => void randomActions(env, s, stream, out) : (s, out) => void focusFireActions(env, s, out)
