/**
 * `npm run bench -- smac`: SMAC-lite agent-steps per second per map, random valid actions, one
 * core. Each step does what a runner does: every agent's mask (the random policy reads it), every
 * agent's observation and the state into reused buffers, then `step`. Median of 5 repeats of
 * ~0.6 s each after a warm-up. Options: `--repeats N`, `--seconds S`, `--cpu` (divide by the
 * process's CPU time instead of wall time: steadier on a machine shared with other jobs, where a
 * wall-clock rate also counts the time the process waited for a core), `--maps a,b,my_map.json`
 * (default: every built-in map). Beside each rate it prints SMAClite's, from the committed
 * measurement `docs/results/smaclite/<map>.json` (random valid actions, 200 episodes, wall clock,
 * measured on this machine by `scripts/smaclite/side_by_side.py`; a different run, so the ratio
 * is indicative), where there is one.
 */
import { makeEnv } from "../src/envs/smac/Env.ts"
import { BUILTIN_MAP_NAMES, type MapSpec } from "../src/envs/smac/MapSpec.ts"
import { benchMaps } from "./_maps.ts"
import { randomActions } from "../src/envs/smac/policies.ts"
import { stream, streamState } from "../src/rng/Rng.ts"
import { flag, median } from "./_util.ts"
import { existsSync, readFileSync } from "node:fs"

/** SMAClite's agent-steps/s on `map` under random play, from its committed measurement, if any. */
const smacliteRate = (map: string): number | undefined => {
  const file = new URL(`../docs/results/smaclite/${map}.json`, import.meta.url)
  if (!existsSync(file)) return undefined
  const rate = (JSON.parse(readFileSync(file, "utf8")) as { policies?: { random?: { agent_steps_per_s?: number } } })
    .policies?.random?.agent_steps_per_s
  return typeof rate === "number" ? rate : undefined
}

/** CPU seconds (user + system) this process has used. */
const cpuSeconds = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** Agent-steps per second (wall, or CPU with `cpu`) over `seconds` of random play on `mapName`. */
const measure = (map: MapSpec, seconds: number, seed: number, cpu = false): number => {
  const mapName = map.name
  const env = makeEnv(map)
  const { nAgents, obsSize, stateSize } = env.info
  const policy = stream(seed, ["bench", "smac", mapName, "policy"])
  const actions = new Int32Array(nAgents)
  const obs = new Float32Array(obsSize)
  const state = new Float32Array(stateSize)
  let episode = 0
  let s = env.reset(streamState(seed, ["bench", "smac", mapName, `episode ${episode}`]))
  let agentSteps = 0
  const start = performance.now()
  const cpuStart = cpuSeconds()
  const deadline = start + seconds * 1000
  while (performance.now() < deadline) {
    for (let k = 0; k < 64; k++) {
      for (let a = 0; a < nAgents; a++) env.obs(s, a, obs)
      env.state(s, state)
      randomActions(env, s, policy, actions)
      agentSteps += nAgents
      if (env.step(s, actions).terminated) {
        episode += 1
        s = env.reset(streamState(seed, ["bench", "smac", mapName, `episode ${episode}`]))
      }
    }
  }
  return agentSteps / (cpu ? cpuSeconds() - cpuStart : (performance.now() - start) / 1000)
}

export async function run(args: ReadonlyArray<string>): Promise<void> {
  const repeats = Number(flag(args, "repeats") ?? 5)
  const seconds = Number(flag(args, "seconds") ?? 0.6)
  const cpu = args.includes("--cpu")
  for (const map of benchMaps(flag(args, "maps"), BUILTIN_MAP_NAMES)) {
    measure(map, 0.3, 0) // warm-up (JIT)
    const rates = Array.from({ length: repeats }, (_, r) => measure(map, seconds, r + 1, cpu))
    const ours = median(rates)
    const theirs = smacliteRate(map.name)
    const beside = theirs === undefined ? "" : `   SMAClite ${Math.round(theirs).toString().padStart(5)} agent-steps/s (committed, wall)  ${Math.round(ours / theirs)}×`
    process.stdout.write(`${map.name.padEnd(16)} ${Math.round(ours).toString().padStart(7)} agent-steps/${cpu ? "cpu-s" : "s"}${beside}\n`)
  }
}
