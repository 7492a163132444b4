import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
// deaths.py's count on ours: focus fire, the episodes of `npm run bench -- smac-policies` (seeds
// 0..N-1); the mean step of the k-th allied and enemy death, and per unit type the mean step of
// death and deaths per episode. Run: node scripts/smaclite/deaths-ours.ts 3s5z 40
const name = process.argv[2] as keyof typeof BUILTIN_MAPS
const episodes = Number(process.argv[3] ?? 40)
const env = makeEnv(BUILTIN_MAPS[name])
const ad: number[][] = [], ed: number[][] = [], lens: number[] = []
const byType: Record<string, number[]> = {}
for (let seed = 0; seed < episodes; seed++) {
  const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
  const p = makePolicy(env, "focus-fire", stream(seed, ["bench", "smac-policies", name, "focus-fire"]))
  const total = s.alive.length
  const na = env.info.nAgents
  const a = new Int32Array(na)
  const aD: number[] = [], eD: number[] = []
  let steps = 0
  const was = Array.from(s.alive)
  while (!s.terminated) {
    p(s, a); env.step(s, a); steps++
    let deadA = 0, deadE = 0
    for (let u = 0; u < total; u++) if (!s.alive[u]) { if (u < na) deadA++; else deadE++ }
    while (aD.length < deadA) aD.push(steps)
    for (let u = 0; u < total; u++) if (was[u] && !s.alive[u]) { was[u] = 0; const t = u < na ? env.info.agentTypes[u]! : "enemy " + env.info.enemyTypes[u - na]!; (byType[t] ??= []).push(steps) }
    while (eD.length < deadE) eD.push(steps)
  }
  ad.push(aD); ed.push(eD); lens.push(steps)
}
const meanK = (xs: number[][], k: number) => { const v = xs.filter((x) => x.length > k).map((x) => x[k]!); return [v.reduce((a, b) => a + b, 0) / Math.max(1, v.length), v.length] as const }
const n = Math.max(...ad.map((x) => x.length)), m = Math.max(...ed.map((x) => x.length), 0)
console.log(name, "ours length", (lens.reduce((a, b) => a + b, 0) / lens.length).toFixed(1))
console.log("  ally deaths k=1..:", Array.from({ length: n }, (_, k) => meanK(ad, k)[0].toFixed(1)).join(" "))
console.log("  enemy deaths k=1..:", Array.from({ length: m }, (_, k) => meanK(ed, k)[0].toFixed(1)).join(" "), " (count", Array.from({ length: m }, (_, k) => meanK(ed, k)[1]).join(" "), ")")
console.log("  ally deaths by type (mean step, deaths per episode):", Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, [(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1), (v.length / episodes).toFixed(2)]])))
