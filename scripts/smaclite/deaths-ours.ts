import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
// deaths.py's count on ours: focus fire, the episodes of `npm run bench -- smac-policies` (seeds
// 0..N-1): per side and unit type the deaths per episode and their mean step; the step the last
// allied Zealot dies; and of the endgame after it (the allied Stalkers alone) its length, the
// damage the Stalkers take per step and the enemies alive as it starts.
// Run: node scripts/smaclite/deaths-ours.ts 3s5z 40
const name = process.argv[2] as keyof typeof BUILTIN_MAPS
const episodes = Number(process.argv[3] ?? 40)
const env = makeEnv(BUILTIN_MAPS[name])
const { nAgents: na, agentTypes, enemyTypes } = env.info
const kind = (u: number): string => (u < na ? agentTypes[u]! : enemyTypes[u - na]!)
const deaths: Record<string, Array<number>> = {}
const lengths: Array<number> = [], lastZealot: Array<number> = []
const endEnemies: Record<string, number> = {}
let endSteps = 0, endDamage = 0, endShield = 0
// The Zealot phase: the steps before the endgame.
let zSteps = 0, zDamage = 0
const zAttackers: Record<string, number> = {}
for (let seed = 0; seed < episodes; seed++) {
  const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
  const p = makePolicy(env, "focus-fire", stream(seed, ["bench", "smac-policies", name, "focus-fire"]))
  const a = new Int32Array(na)
  const was = Array.from(s.alive)
  let endgame = false
  let steps = 0
  while (!s.terminated) {
    const before = Array.from({ length: na }, (_, u) => [s.hp[u]!, s.shield[u]!] as const)
    p(s, a)
    env.step(s, a)
    steps++
    for (let u = 0; u < s.alive.length; u++) {
      if (was[u] && !s.alive[u]) {
        was[u] = 0
        ;(deaths[`${u < na ? "ally" : "enemy"} ${kind(u)}`] ??= []).push(steps)
      }
    }
    // The endgame: from the step the last allied Zealot died, the allied Stalkers alone.
    if (!endgame) {
      zSteps++
      for (let u = 0; u < na; u++) if (agentTypes[u] === "zealot") zDamage += before[u]![0] - s.hp[u]! + (before[u]![1] - s.shield[u]!)
      for (let u = na; u < s.alive.length; u++) {
        const t = s.target[u]!
        if (s.alive[u] && t >= 0 && t < na && agentTypes[t] === "zealot") zAttackers[kind(u)] = (zAttackers[kind(u)] ?? 0) + 1
      }
    }
    if (!agentTypes.some((t, u) => t === "zealot" && s.alive[u])) {
      if (!endgame) {
        endgame = true
        lastZealot.push(steps)
        for (let u = na; u < s.alive.length; u++) if (s.alive[u]) endEnemies[kind(u)] = (endEnemies[kind(u)] ?? 0) + 1
      }
      endSteps++
      for (let u = 0; u < na; u++) {
        if (agentTypes[u] !== "stalker") continue
        const [h, sh] = before[u]!
        endDamage += h - s.hp[u]! + (sh - s.shield[u]!)
        endShield += sh - s.shield[u]!
      }
    }
  }
  lengths.push(steps)
}
const mean = (xs: ReadonlyArray<number>) => xs.reduce((x, y) => x + y, 0) / xs.length
console.log(`${name} ours, ${episodes} episodes, length ${mean(lengths).toFixed(1)}`)
for (const [k, v] of Object.entries(deaths).sort()) console.log(`  ${k}: ${(v.length / episodes).toFixed(2)} die per episode, at step ${mean(v).toFixed(1)} on average`)
console.log(`  zealot phase: ${(zSteps / episodes).toFixed(1)} steps, damage to the allied zealots ${(zDamage / zSteps).toFixed(2)} per step; enemies targeting an allied zealot at a step's end: ${Object.entries(zAttackers).sort().map(([k, v]) => `${k} ${(v / zSteps).toFixed(2)}`).join(", ")}`)
if (lastZealot.length > 0) {
  const n = lastZealot.length
  const alive = Object.entries(endEnemies).sort().map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(", ")
  console.log(`  last allied zealot dies at step ${mean(lastZealot).toFixed(1)}; endgame ${(endSteps / n).toFixed(1)} steps, damage to the stalkers ${(endDamage / Math.max(1, endSteps)).toFixed(2)} per step (${(endShield / endDamage).toFixed(2)} of it shields); enemies alive as it starts: ${alive}`)
}
