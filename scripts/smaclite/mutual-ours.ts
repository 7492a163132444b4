import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { resolveMap } from "../../src/cli/smac.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
// Our side of mutual_wins.py: bench smac-policies episodes of bane_vs_bane; wins, and episodes
// where both sides died (S2: no win). Run: node scripts/smaclite/mutual-ours.ts [MAP [EPISODES]],
// MAP bane_vs_bane (default) or a variant of it as a file, e.g. docs/maps/bane_vs_bane_octagon.json:
// every map gets bane_vs_bane's streams; 200 episodes (seeds 0..199) unless given.
const file = process.argv[2]
const episodes = Number(process.argv[3] ?? 200)
const env = makeEnv(await Effect.runPromise(resolveMap(file ?? "bane_vs_bane").pipe(Effect.provide(NodeServices.layer))))
const { nAgents, nEnemies } = env.info
for (const pol of ["random", "focus-fire"] as const) {
  let wins = 0, both = 0
  for (let seed = 0; seed < episodes; seed++) {
    const s = env.reset(streamState(seed, ["bench", "smac-policies", "bane_vs_bane", "env"])); const p = makePolicy(env, pol, stream(seed, ["bench", "smac-policies", "bane_vs_bane", pol])); const a = new Int32Array(nAgents)
    while (!s.terminated) { p(s, a); env.step(s, a) }
    let allies = 0, enemies = 0; for (let u = 0; u < nAgents + nEnemies; u++) if (s.alive[u]) { if (u < nAgents) allies++; else enemies++ }
    if (s.battleWon) wins++; if (allies === 0 && enemies === 0) both++
  }
  console.log("ours", file ?? "", pol, "episodes", episodes, "wins", wins, "both sides dead (no win, S2)", both)
}
