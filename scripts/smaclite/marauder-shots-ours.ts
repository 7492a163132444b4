/**
 * Our side of `marauder_shots.py` (issue 18: the MMM 0.9 in docs/smac-lite.md (4)): the focus-fire
 * episodes of `ours.ts` (same seeds and streams); over the steps in which the allies have Marines
 * and Marauders alive, the enemy shots by their target's type (`fired`), the share of enemies
 * whose nearest fighting ally (surface distance at the step's start) is a Marauder, and each
 * type's mean distance from the enemies' centroid.
 *
 *   node scripts/smaclite/marauder-shots-ours.ts [MMM] [200]
 */
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS, type BuiltinMapName } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"

const name = (process.argv[2] ?? "MMM") as BuiltinMapName
const episodes = Number(process.argv[3] ?? 200)
const env = makeEnv(BUILTIN_MAPS[name])
const w = env.world
const nA = env.info.nAgents
const kind = (u: number) => w.types[u]!.name
const shots = new Map<string, number>()
const nearest = new Map<string, number>()
const dist = new Map<string, Array<number>>()
const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
let steps = 0
for (let seed = 0; seed < episodes; seed++) {
  const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
  const policy = makePolicy(env, "focus-fire", stream(seed, ["bench", "smac-policies", name, "focus-fire"]))
  const actions = new Int32Array(nA)
  while (!s.terminated) {
    const fighters = Array.from({ length: nA }, (_, a) => a).filter((a) => s.alive[a] === 1 && !w.types[a]!.healer)
    const both = fighters.some((a) => kind(a) === "marine") && fighters.some((a) => kind(a) === "marauder")
    if (both) {
      steps++
      const enemies = Array.from({ length: w.nEnemies }, (_, e) => nA + e).filter((e) => s.alive[e] === 1)
      const cx = enemies.reduce((t, e) => t + s.x[e]!, 0) / enemies.length
      const cy = enemies.reduce((t, e) => t + s.y[e]!, 0) / enemies.length
      for (const a of fighters) {
        const d = dist.get(kind(a)) ?? []
        d.push(Math.hypot(s.x[a]! - cx, s.y[a]! - cy))
        dist.set(kind(a), d)
      }
      for (const e of enemies) {
        if (w.types[e]!.healer) continue
        const gap = (a: number) => Math.hypot(s.x[a]! - s.x[e]!, s.y[a]! - s.y[e]!) - w.radius[a]!
        add(nearest, kind(fighters.reduce((b, a) => (gap(a) < gap(b) ? a : b))))
      }
    }
    policy(s, actions)
    env.step(s, actions)
    if (both) for (let e = nA; e < w.nUnits; e++) if (!w.types[e]!.healer && s.fired[e]! >= 0) add(shots, kind(s.fired[e]!))
  }
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
const mean = (a: ReadonlyArray<number>) => a.reduce((x, y) => x + y, 0) / a.length
const mar = shots.get("marauder") ?? 0
console.log(`${name} focus fire, ours, ${episodes} episodes: ${steps} steps with Marines and Marauders alive`)
console.log(`  enemy shots at Marauders ${mar} of ${total(shots)} (${(mar / total(shots)).toFixed(2)}); an enemy's nearest fighting ally is a Marauder ${((nearest.get("marauder") ?? 0) / total(nearest)).toFixed(2)}; from the enemies' centroid Marines ${mean(dist.get("marine")!).toFixed(2)}, Marauders ${mean(dist.get("marauder")!).toFixed(2)}`)
