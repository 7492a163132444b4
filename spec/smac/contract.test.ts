/**
 * One contract over every map (JaxMARL-style): a few seeded episodes of random valid actions and
 * one of focus fire, checking SMAC's interface invariants at every step.
 */
import { describe, expect, it } from "vitest"
import { makeEnv, N_NON_ATTACK, SHOOT_RANGE } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAP_NAMES, BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy, type PolicyName } from "../../src/envs/smac/policies.ts"
import { WEAPON_DELAY_MAX_LOOPS } from "../../src/envs/smac/units.ts"
import { collide } from "../../src/envs/smac/state.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"

const EPISODES: ReadonlyArray<readonly [PolicyName, number]> = [["random", 1], ["random", 2], ["random", 3], ["focus-fire", 4]]
/** Largest overlap of two same-plane units tolerated at a step boundary (map units). */
const OVERLAP_TOLERANCE = 0.05
/**
 * The same on crowd maps (more than 40 units: 25m, 27m_vs_30m). Four separation sweeps per loop
 * leave more overlap in a crowd: over 16 seeded episodes (12 random, 4 focus fire) the worst was
 * 0.061 on 25m and 0.069 on 27m_vs_30m, against at most 0.034 (3s5z) on every map of 22 units or fewer
 * (docs/smac-lite.md, "Collision method").
 */
const CROWD_OVERLAP_TOLERANCE = 0.1
const CROWD_UNITS = 40
/**
 * Zergling swarms (20 or more Zerglings: bane_vs_bane, corridor, 2c_vs_64zg) leave more still:
 * melee crowds pile onto one target and press into walls. Over the same 16 episodes the worst was
 * 0.112 (bane_vs_bane), 0.232 (corridor) and 0.183 (2c_vs_64zg). Twelve sweeps bring them under
 * 0.05 but change trajectories on the older maps too (four golden digests), so the four sweeps
 * stay and the deviation is documented (docs/smac-lite.md, "Collision method").
 */
const SWARM_OVERLAP_TOLERANCE = 0.25
const SWARM_ZERGLINGS = 20

describe.each(BUILTIN_MAP_NAMES)("contract: %s", (name) => {
  const env = makeEnv(BUILTIN_MAPS[name])
  const { nAgents, nEnemies, nActions, obsSize, stateSize, episodeLimit, maxReward } = env.info
  const w = env.world
  const zerglings = w.types.filter((t) => t.name === "zergling").length
  const overlapTolerance = zerglings >= SWARM_ZERGLINGS
    ? SWARM_OVERLAP_TOLERANCE
    : w.nUnits > CROWD_UNITS ? CROWD_OVERLAP_TOLERANCE : OVERLAP_TOLERANCE
  /** S2 `get_state_size`: per ally hp, cooldown, x, y, [shield], [type bits]. */
  const allyStateSize = 4 + (w.types.slice(0, nAgents).some((t) => t.shield > 0) ? 1 : 0) + env.map.unitTypeBits

  it.each(EPISODES)("%s episode, seed %i", (policyName, seed) => {
    const s = env.reset(streamState(seed, ["spec", "smac", "contract", name]))
    const policy = makePolicy(env, policyName, stream(seed, ["spec", "smac", "contract", name, policyName]))
    const actions = new Int32Array(nAgents)
    let total = 0
    let terminated = false
    while (!terminated) {
      const state = env.state(s)
      expect(state.length).toBe(stateSize)
      // Every feature in [−1, 1], except an ally's cooldown / S2's max: S2 does not clip it, and a
      // weapon just reset to its period plus SC2's random delay (up to +2 loops) passes S2's max
      // for marines (14 + 2 > 15) and marauders (24 + 2 > 25).
      state.forEach((v, i) => {
        const a = Math.floor(i / allyStateSize)
        const t = w.types[a]
        // (+ 1e-6: the feature is a float32, and float32(16/15) > 16/15)
        const bound = a < nAgents && i % allyStateSize === 1
          ? Math.max(1, (t!.cooldownLoops + WEAPON_DELAY_MAX_LOOPS) / t!.smacMaxCooldown + 1e-6)
          : 1
        expect(Number.isFinite(v) && Math.abs(v) <= bound, `state feature ${i}`).toBe(true)
      })
      for (let a = 0; a < nAgents; a++) {
        const mask = env.availActions(s, a)
        const o = env.obs(s, a)
        expect(mask.length).toBe(nActions)
        expect(o.length).toBe(obsSize)
        expect(o.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true)
        if (s.alive[a] === 0) {
          expect(Array.from(mask)).toEqual([1, ...Array(nActions - 1).fill(0)])
          expect(o.every((v) => v === 0)).toBe(true)
          continue
        }
        expect([mask[0], mask[1]]).toEqual([0, 1])
        for (let i = N_NON_ATTACK; i < nActions; i++) {
          const t = w.types[a]!.healer ? i - N_NON_ATTACK : nAgents + i - N_NON_ATTACK
          const valid = w.types[a]!.healer
            ? t < nAgents && t !== a && !w.types[t]!.healer && s.alive[t] === 1
            : t < nAgents + nEnemies && s.alive[t] === 1
          const inRange = valid && Math.hypot(s.x[t]! - s.x[a]!, s.y[t]! - s.y[a]!) <= SHOOT_RANGE
          expect(mask[i], `agent ${a} action ${i}`).toBe(inRange ? 1 : 0)
        }
      }
      policy(s, actions)
      const r = env.step(s, actions)
      expect(r.reward).toBeGreaterThanOrEqual(0)
      total += r.reward
      terminated = r.terminated
      expect(s.steps).toBeLessThanOrEqual(episodeLimit)
      for (let i = 0; i < w.nUnits; i++) {
        for (let j = i + 1; j < w.nUnits; j++) {
          if (s.alive[i] === 0 || s.alive[j] === 0 || !collide(w, i, j)) continue
          const gap = Math.hypot(s.x[i]! - s.x[j]!, s.y[i]! - s.y[j]!) - w.radius[i]! - w.radius[j]!
          expect(gap, `units ${i} and ${j} after step ${s.steps}`).toBeGreaterThan(-overlapTolerance)
        }
      }
    }
    // At most 20, plus what the |·| of S2's only-positive reward pays for enemy shield regen and
    // healing (each point restored can be paid once as regen and once more as damage).
    const scale = maxReward / 20
    expect(total).toBeLessThanOrEqual(20 + (2 * s.enemyRestored) / scale + 1e-9)
    if (s.battleWon) expect(total).toBeGreaterThanOrEqual(200 / scale)
  })
})
