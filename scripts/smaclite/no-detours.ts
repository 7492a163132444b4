import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
// Our 2c_vs_64zg with ground detours switched off (units walk straight and slide, as SMAClite
// does), on the episodes of bench smac-policies (first 100 seeds). Run: node scripts/smaclite/no-detours.ts
const env = makeEnv(BUILTIN_MAPS["2c_vs_64zg"]); (env.world.paths as any).open = true // no detours: walk straight and slide, as SMAClite
for (const pol of ["random", "focus-fire"] as const) {
  let wins = 0, len = 0; const E = 100
  for (let seed = 0; seed < E; seed++) {
    const s = env.reset(streamState(seed, ["bench", "smac-policies", "2c_vs_64zg", "env"])); const p = makePolicy(env, pol, stream(seed, ["bench", "smac-policies", "2c_vs_64zg", pol])); const a = new Int32Array(2)
    while (!s.terminated) { p(s, a); env.step(s, a) }
    wins += s.battleWon ? 1 : 0; len += s.steps
  }
  console.log("ours without detours", pol, "wins", wins, "/", E, "mean length", (len / E).toFixed(1))
}
