/**
 * Our side of the SMAClite side-by-side table (issue 18, part 3). The same episodes as
 * `npm run bench -- smac-policies` (same seeds 0..N-1, same stream names, so the same win rates,
 * time-outs, mean lengths and returns), plus what that bench does not print: the spread of the
 * lengths and returns, each episode's outcome, length and return, the return's parts, and the
 * wall-clock speed of the loop when each step also computes every agent's observation and the
 * state (as bench/smac.ts and SMAClite's step do; this does not change the trajectory).
 *
 *   node scripts/smaclite/ours.ts --maps 2s3z,3s_vs_5z,MMM2 [--episodes 200] [--out FILE] [--merge "why"] [--wall-contact body]
 *
 * `--wall-contact body` plays every map with `wallContact: "body"` (bodies kept off walls, as
 * SMAClite's obstacles do; src/envs/smac/MapSpec.ts) instead of the map's own setting.
 * `--merge` keeps the other maps of an existing FILE and replaces only those measured now, each
 * with a `remeasured` record (date, command, why).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAP_NAMES } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy, POLICY_NAMES } from "../../src/envs/smac/policies.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
import { benchMaps } from "../../bench/_maps.ts"

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const episodes = Number(arg("episodes") ?? 200)
const out = arg("out")
const mapList = (arg("maps") ?? BUILTIN_MAP_NAMES.join(",")).split(",").filter((m) => (BUILTIN_MAP_NAMES as ReadonlyArray<string>).includes(m))
const contactArg = arg("wall-contact")
if (contactArg !== undefined && contactArg !== "body" && contactArg !== "centre") throw new Error(`--wall-contact takes body or centre, not ${contactArg}`)
const wallContact: "body" | "centre" | undefined = contactArg
const results: Record<string, unknown> = {}
const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = (xs: ReadonlyArray<number>) => {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))
}

for (const given of benchMaps(mapList.join(","), BUILTIN_MAP_NAMES)) {
  const map = wallContact === undefined ? given : { ...given, wallContact }
  const name = map.name
  const env = makeEnv(map)
  const { nAgents, obsSize, stateSize } = env.info
  const actions = new Int32Array(nAgents)
  const obs = new Float32Array(obsSize)
  const state = new Float32Array(stateSize)
  const perPolicy: Record<string, unknown> = {}
  const loadStart = loadavg()[0]!
  for (const policyName of POLICY_NAMES) {
    const outcome: Array<string> = []
    const length: Array<number> = []
    const ret: Array<number> = []
    let dealt = 0
    let restored = 0
    let envSteps = 0
    const t0 = performance.now()
    for (let seed = 0; seed < episodes; seed++) {
      const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
      const policy = makePolicy(env, policyName, stream(seed, ["bench", "smac-policies", name, policyName]))
      let total = 0
      while (!s.terminated) {
        for (let a = 0; a < nAgents; a++) env.obs(s, a, obs)
        env.state(s, state)
        policy(s, actions)
        total += env.step(s, actions).reward
      }
      envSteps += s.steps
      outcome.push(s.battleWon ? "W" : s.steps >= env.info.episodeLimit ? "T" : "L")
      length.push(s.steps)
      ret.push(Math.round(total * 1e4) / 1e4)
      dealt += s.damageDealt
      restored += s.enemyRestored
    }
    const wall = (performance.now() - t0) / 1000
    const wins = outcome.filter((o) => o === "W").length
    const timeouts = outcome.filter((o) => o === "T").length
    perPolicy[policyName] = {
      episodes,
      seeds: `0..${episodes - 1}`,
      win_rate: wins / episodes,
      wins,
      timeouts,
      timeout_rate: timeouts / episodes,
      mean_length: mean(length),
      sd_length: sd(length),
      mean_return: mean(ret),
      sd_return: sd(ret),
      mean_enemy_hp_shield_dealt: dealt / episodes,
      mean_enemy_hp_shield_restored: restored / episodes,
      env_steps: envSteps,
      wall_s: wall,
      env_steps_per_s: envSteps / wall,
      agent_steps_per_s: (envSteps * nAgents) / wall,
      per_episode: { outcome: outcome.join(""), length, return: ret }
    }
    const p = perPolicy[policyName] as { mean_length: number; mean_return: number; agent_steps_per_s: number }
    process.stdout.write(
      `${name.padEnd(13)} ${policyName.padEnd(10)} win=${(wins / episodes).toFixed(3)} to=${(timeouts / episodes).toFixed(3)} ` +
        `len=${p.mean_length.toFixed(1)} ret=${p.mean_return.toFixed(2)} agent-steps/s=${Math.round(p.agent_steps_per_s)}\n`
    )
  }
  results[name] = {
    n_agents: nAgents,
    wall_contact: map.wallContact ?? "centre",
    episode_limit: env.info.episodeLimit,
    load_avg_1m_at_start_and_end: [loadStart, loadavg()[0]],
    policies: perPolicy
  }
}
const merge = arg("merge")
if (merge !== undefined) {
  for (const entry of Object.values(results) as Array<Record<string, unknown>>) {
    entry.remeasured = { date_utc: new Date().toISOString(), command: `node scripts/smaclite/ours.ts ${process.argv.slice(2).join(" ")}`, why: merge }
  }
}
const previous = merge !== undefined && out !== undefined && existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : undefined
const doc = previous !== undefined ? { ...previous, maps: { ...previous.maps, ...results } } : {
  what: "fsv-ts SMAC-lite under the two scripted policies: the episodes of `npm run bench -- smac-policies` (seeds 0..N-1)",
  date_utc: new Date().toISOString(),
  node: process.version,
  machine: "2-core VM shared with two niced training runs; this process under nice -n 10",
  command: `node scripts/smaclite/ours.ts ${process.argv.slice(2).join(" ")}`,
  maps: results
}
if (out !== undefined) writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`)
