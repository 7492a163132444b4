import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { resolveMap } from "../../src/cli/smac.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
// timeline.py's count on ours: random play, the episodes of `npm run bench -- smac-policies`
// (seeds 0..N-1): mean length; the first step an ally and an enemy lose hp + shield (contact); the
// mean step of the k-th allied death for k = 1, n/4, n/2, 3n/4, n; enemies killed per episode; and
// from contact on, the hp + shield each side loses per step and the attack actions chosen per step.
// Run: node scripts/smaclite/timeline-ours.ts 27m_vs_30m 40   (or a map file: docs/maps/2s_vs_1sc_pentagon.json)
const spec = await Effect.runPromise(resolveMap(process.argv[2]!).pipe(Effect.provide(NodeServices.layer)))
const name = spec.name
const episodes = Number(process.argv[3] ?? 40)
const env = makeEnv(spec)
const { nAgents: n, nEnemies } = env.info
const ks = [...new Set([1, Math.max(1, n >> 2), Math.max(1, n >> 1), Math.max(1, (3 * n) >> 2), n])].sort((a, b) => a - b)
const kth = new Map(ks.map((k) => [k, [] as Array<number>]))
const lengths: Array<number> = [], contactA: Array<number> = [], contactE: Array<number> = [], killed: Array<number> = []
let fightSteps = 0, fightAllyLoss = 0, fightEnemyLoss = 0, fightAttacks = 0
for (let seed = 0; seed < episodes; seed++) {
  const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
  const p = makePolicy(env, "random", stream(seed, ["bench", "smac-policies", name, "random"]))
  const a = new Int32Array(n)
  const health = (u0: number, u1: number): number => {
    let h = 0
    for (let u = u0; u < u1; u++) h += s.alive[u] ? s.hp[u]! + s.shield[u]! : 0
    return h
  }
  let t = 0, dead = 0
  let ca: number | undefined, ce: number | undefined
  while (!s.terminated) {
    const ha = health(0, n), he = health(n, n + nEnemies)
    p(s, a)
    env.step(s, a)
    t++
    const la = ha - health(0, n), le = he - health(n, n + nEnemies)
    if (ca === undefined && la > 0) ca = t
    if (ce === undefined && le > 0) ce = t
    if (ca !== undefined || ce !== undefined) {
      fightSteps++
      fightAllyLoss += la
      fightEnemyLoss += le
      for (const x of a) if (x >= 6) fightAttacks++
    }
    let nowDead = 0
    for (let u = 0; u < n; u++) if (!s.alive[u]) nowDead++
    for (let d = dead + 1; d <= nowDead; d++) kth.get(d)?.push(t)
    dead = nowDead
  }
  lengths.push(t)
  contactA.push(ca ?? t)
  contactE.push(ce ?? t)
  let k = 0
  for (let u = n; u < n + nEnemies; u++) if (!s.alive[u]) k++
  killed.push(k)
}
const mean = (xs: ReadonlyArray<number>) => xs.reduce((x, y) => x + y, 0) / xs.length
console.log(`${name} random ours, ${episodes} episodes: length ${mean(lengths).toFixed(1)}`)
console.log(`  contact: allies first lose health at step ${mean(contactA).toFixed(1)}, enemies at ${mean(contactE).toFixed(1)}`)
console.log(`  k-th allied death, mean step (episodes where it happens): ${[...kth].filter(([, v]) => v.length > 0).map(([k, v]) => `${k}: ${mean(v).toFixed(1)} (${v.length})`).join(", ")}`)
console.log(`  enemies killed per episode ${mean(killed).toFixed(2)}; from contact on, per step: allies lose ${(fightAllyLoss / fightSteps).toFixed(2)}, enemies lose ${(fightEnemyLoss / fightSteps).toFixed(2)}, agents choose ${(fightAttacks / fightSteps).toFixed(2)} attacks`)
