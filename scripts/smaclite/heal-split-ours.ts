/**
 * Our side of `heal_split.py` (issue 18: the MMM focus-fire return residual, docs/smac-lite.md
 * (4)). The focus-fire episodes of `ours.ts` (same seeds and streams), S2's reward taken apart per
 * step: steps whose |Δ enemy hp + shield + 10 per kill| is paid for damage (and kills), and steps
 * where the enemy Medivac heals more than the allies deal, which S2 pays too (net healing), each
 * scaled as S2 scales; means over all episodes, wins and losses, and when the net-healing steps come.
 * Last, what the living allies that can fight (not Medivacs) do in net-healing steps and in all
 * steps: how many the policy sends to attack (an enemy within shooting range at the step's start),
 * how many have a weapon that can fire within the step (cooldown ≤ the step's 8 loops), and how
 * many land a hit in it; and, by the number of such allies alive, the share of steps in which none
 * of them can fire.
 *
 *   node scripts/smaclite/heal-split-ours.ts [MMM] [200]
 */
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS, type BuiltinMapName } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { LOOPS_PER_STEP } from "../../src/envs/smac/units.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"

const name = (process.argv[2] ?? "MMM") as BuiltinMapName
const episodes = Number(process.argv[3] ?? 200)
const env = makeEnv(BUILTIN_MAPS[name])
const w = env.world
const nA = env.info.nAgents
const scale = (w.nEnemies * 10 + 200 + w.types.slice(nA).reduce((a, t) => a + t.hp + t.shield, 0)) / 20 // S2 max_reward / 20
const enemyHealth = (s: { hp: Float64Array; shield: Float64Array }) => Array.from({ length: w.nEnemies }, (_, e) => s.hp[nA + e]! + s.shield[nA + e]!)
/** Per episode: won, length, damage paid, kills paid, net healing paid, win bonus (scaled). */
const rows: Array<readonly [number, number, number, number, number, number]> = []
const healSteps: Array<number> = []
/** Sums over steps of living fighting allies, those sent to attack, those ready within the step, those that hit: net-healing steps, all steps. */
const acts = { heal: [0, 0, 0, 0, 0], all: [0, 0, 0, 0, 0] }
/** Fighting allies alive → [steps, steps in which none can fire within the step, Marauders summed over steps]. */
const idle = new Map<number, [number, number, number]>()
for (let seed = 0; seed < episodes; seed++) {
  const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
  const policy = makePolicy(env, "focus-fire", stream(seed, ["bench", "smac-policies", name, "focus-fire"]))
  const actions = new Int32Array(nA)
  let damage = 0
  let kills = 0
  let heal = 0
  while (!s.terminated) {
    const before = enemyHealth(s)
    const aliveBefore = s.alive.slice(nA)
    policy(s, actions)
    const fighters = Array.from({ length: nA }, (_, a) => a).filter((a) => s.alive[a] === 1 && !w.types[a]!.healer)
    const attacking = fighters.filter((a) => actions[a]! >= 6).length
    const ready = fighters.filter((a) => s.cooldown[a]! <= LOOPS_PER_STEP).length
    env.step(s, actions)
    const hit = fighters.filter((a) => s.fired[a]! >= 0).length
    const after = enemyHealth(s)
    let delta = 0
    let k = 0
    for (let e = 0; e < w.nEnemies; e++) {
      delta += before[e]! - after[e]!
      if (aliveBefore[e] === 1 && s.alive[nA + e] === 0) k++
    }
    const tally = [1, fighters.length, attacking, ready, hit]
    if (delta + 10 * k >= 0) {
      damage += delta
      kills += 10 * k
    } else {
      heal -= delta + 10 * k
      healSteps.push(s.steps)
      tally.forEach((v, i) => (acts.heal[i]! += v))
    }
    tally.forEach((v, i) => (acts.all[i]! += v))
    const cell = idle.get(fighters.length) ?? [0, 0, 0]
    const marauders = fighters.filter((a) => w.types[a]!.name === "marauder").length
    idle.set(fighters.length, [cell[0] + 1, cell[1] + (ready === 0 ? 1 : 0), cell[2] + marauders])
  }
  rows.push([s.battleWon ? 1 : 0, s.steps, damage / scale, kills / scale, heal / scale, s.battleWon ? 200 / scale : 0])
}
const show = (label: string, b: typeof rows) => {
  if (b.length === 0) return
  const m = (i: number) => b.reduce((a, r) => a + r[i]!, 0) / b.length
  const ret = m(2) + m(3) + m(4) + m(5)
  console.log(`  ${label.padEnd(6)} n=${b.length} len=${m(1).toFixed(1)} return=${ret.toFixed(2)} damage=${m(2).toFixed(2)} kills=${m(3).toFixed(2)} net-heal=${m(4).toFixed(2)} win-bonus=${m(5).toFixed(2)}`)
}
console.log(`${name} focus fire, ours, ${episodes} episodes (S2's reward in parts)`)
show("all", rows)
show("wins", rows.filter((r) => r[0] === 1))
show("losses", rows.filter((r) => r[0] === 0))
const hist = new Map<number, number>()
for (const t of healSteps) hist.set(Math.floor(t / 10) * 10, (hist.get(Math.floor(t / 10) * 10) ?? 0) + 1)
console.log(`  net-healing steps: ${(healSteps.length / episodes).toFixed(1)} per episode; by step: ${[...hist.entries()].sort((a, b) => a[0] - b[0]).map(([b, n]) => `${b}-${b + 9}: ${n}`).join(", ")}`)
for (const [label, [n, alive, attacking, ready, hit]] of [["net-healing steps", acts.heal], ["all steps", acts.all]] as const) {
  console.log(`  ${label}: ${n} steps; per step ${(alive! / n!).toFixed(2)} fighting allies alive, ${(attacking! / n!).toFixed(2)} sent to attack, ${(ready! / n!).toFixed(2)} able to fire within it, ${(hit! / n!).toFixed(2)} hit`)
}
console.log(`  steps in which no fighting ally can fire, by fighting allies alive: ${[...idle.entries()].filter(([n]) => n > 0).sort((a, b) => a[0] - b[0]).map(([n, [all, none, m]]) => `${n}: ${none}/${all} (${(m / all).toFixed(2)} Marauders)`).join(", ")}`)
