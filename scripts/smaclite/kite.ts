/**
 * A hand-written kiting script on our 3s_vs_5z (issue 19: why learners fail there; issue 18:
 * SMAClite side by side). The same rule as `kite.py` plays on SMAClite:
 *   - weapon ready within the first half of the step (≤ 4 loops left) and an attack available:
 *     attack the available enemy with the lowest hp + shield (ties: lowest index), as focus fire;
 *   - else, if the nearest living enemy is closer than `safe` (centre to centre): take the
 *     available move whose end point (2 units away) is on the map and farthest from the nearest
 *     living enemy (ties: N, S, E, W), else stop;
 *   - else, an attack available: the focus-fire target (stands while the weapon cools);
 *   - else the focus-fire move towards the nearest enemy.
 * Episodes: seeds 0..N-1 with bench smac-policies' env stream names.
 *
 *   node scripts/smaclite/kite.ts [--map 3s_vs_5z|map.json] [--episodes 100] [--safe 2,3,4,5] [--edge-rule on|off]
 * `--edge-rule off` drops the on-the-map condition (the script's first version).
 */
import { makeEnv, MOVE_AMOUNT, MOVE_DX, MOVE_DY, MOVE_NORTH, N_NON_ATTACK, STOP, type Env, type EnvState } from "../../src/envs/smac/Env.ts"
import { focusFireActions, nearestEnemy } from "../../src/envs/smac/policies.ts"
import { streamState } from "../../src/rng/Rng.ts"
import { benchMap } from "../../bench/_maps.ts"

export const kiteActions = (env: Env, safe: number, s: EnvState, out: Int32Array, edgeRule = true): void => {
  const { nAgents } = env.info
  const { width, height } = env.world.map
  focusFireActions(env, s, out) // attack target or approach move, per agent
  for (let a = 0; a < nAgents; a++) {
    if (s.alive[a] === 0) continue
    const attacking = out[a]! >= N_NON_ATTACK
    if (attacking && s.cooldown[a]! <= 4) continue
    const nearest = nearestEnemy(env, s, a)
    // Out of danger: attack (waiting for the weapon) or approach, as focus fire.
    if (nearest < 0 || Math.hypot(s.x[nearest]! - s.x[a]!, s.y[nearest]! - s.y[a]!) >= safe) continue
    const mask = env.availActions(s, a, s.avail)
    let best = -1
    let bestD2 = -1
    for (let dir = 0; dir < 4; dir++) {
      if (mask[MOVE_NORTH + dir] === 0) continue
      const px = s.x[a]! + MOVE_DX[dir]! * MOVE_AMOUNT
      const py = s.y[a]! + MOVE_DY[dir]! * MOVE_AMOUNT
      // S2's mask truncates toward zero, so a move off the map's edge stays available within a
      // cell of it; the script does not take a move whose end point is off the map.
      if (edgeRule && (px < 0 || py < 0 || px >= width || py >= height)) continue
      const d2 = (s.x[nearest]! - px) ** 2 + (s.y[nearest]! - py) ** 2
      if (d2 > bestD2) [best, bestD2] = [MOVE_NORTH + dir, d2]
    }
    out[a] = best >= 0 ? best : STOP
  }
}

const arg = (name: string, d: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : d
}

const main = (): void => {
  const episodes = Number(arg("episodes", "100"))
  const safes = arg("safe", "2,3,4,5").split(",").map(Number)
  const edgeRule = arg("edge-rule", "on") !== "off"
  const map = benchMap(arg("map", "3s_vs_5z"))
  const mapName = map.name
  const env = makeEnv(map)
  const { nAgents, nEnemies, episodeLimit } = env.info
  const actions = new Int32Array(nAgents)
  for (const safe of safes) {
    let wins = 0, timeouts = 0, len = 0, ret = 0, killed = 0
    for (let seed = 0; seed < episodes; seed++) {
      const s = env.reset(streamState(seed, ["bench", "smac-policies", mapName, "env"]))
      let total = 0
      while (!s.terminated) {
        kiteActions(env, safe, s, actions, edgeRule)
        total += env.step(s, actions).reward
      }
      wins += s.battleWon ? 1 : 0
      timeouts += !s.battleWon && s.steps >= episodeLimit ? 1 : 0
      len += s.steps
      ret += total
      for (let e = nAgents; e < nAgents + nEnemies; e++) killed += s.alive[e] === 0 ? 1 : 0
    }
    console.log(JSON.stringify({ side: "ours", map: mapName, edgeRule, safe, episodes, wins, timeouts, meanLength: len / episodes, meanReturn: ret / episodes, enemiesKilledPerEpisode: killed / episodes }))
  }
}
if (import.meta.main) main()
