/**
 * `npm run bench -- smac-policies`: the scripted-policy table of SMAC-lite. For every map, 200
 * seeded episodes (seeds 0..199) of uniformly random valid actions and of the focus-fire script:
 * win rate, time-out rate, mean episode length and mean return. Findings about the mechanics, not
 * tuned constants. Options: `--episodes N`; `--maps a,b,my_map.json` (default: every built-in map); `--trace MAP [--seed N] [--steps K]` prints instead the
 * first K (10) steps of the table's focus-fire episode N (0) on MAP: actions, who hit whom, and
 * every unit's position, hp + shield, weapon cooldown (loops) and target.
 */
import { makeEnv, type Env, type EnvState } from "../src/envs/smac/Env.ts"
import { UnknownMap } from "../src/envs/smac/errors.ts"
import { BUILTIN_MAP_NAMES, BUILTIN_MAPS, type BuiltinMapName } from "../src/envs/smac/MapSpec.ts"
import { makePolicy, POLICY_NAMES, type PolicyName } from "../src/envs/smac/policies.ts"
import { stream, streamState } from "../src/rng/Rng.ts"
import { flag } from "./_util.ts"
import { benchMaps } from "./_maps.ts"

/** The table's episode `seed` of `policy` on `name`: its environment state and policy. */
const episode = (env: Env, name: string, policyName: PolicyName, seed: number) => ({
  s: env.reset(streamState(seed, ["bench", "smac-policies", name, "env"])),
  policy: makePolicy(env, policyName, stream(seed, ["bench", "smac-policies", name, policyName]))
})

const unitName = (env: Env, u: number): string => (u < env.info.nAgents ? `A${u}` : `E${u - env.info.nAgents}`)

const traceLine = (env: Env, s: EnvState): string =>
  Array.from({ length: env.world.nUnits }, (_, u) =>
    `${unitName(env, u)}(${s.x[u]!.toFixed(2)},${s.y[u]!.toFixed(2)} ${(s.hp[u]! + s.shield[u]!).toFixed(0)}hp ` +
    `cd${s.cooldown[u]} ${s.target[u]! >= 0 ? `→${unitName(env, s.target[u]!)}` : "-"})`
  ).join(" ")

const trace = (name: BuiltinMapName, seed: number, steps: number): void => {
  const env = makeEnv(BUILTIN_MAPS[name])
  const { s, policy } = episode(env, name, "focus-fire", seed)
  const actions = new Int32Array(env.info.nAgents)
  process.stdout.write(`${name}, focus fire, episode ${seed}; a unit that hit during step t shows cd = loops left after it\n`)
  process.stdout.write(`t=0  ${traceLine(env, s)}\n`)
  for (let t = 1; t <= steps && !s.terminated; t++) {
    policy(s, actions)
    const r = env.step(s, actions)
    const hits = Array.from(s.fired, (f, u) => (f >= 0 ? `${unitName(env, u)}→${unitName(env, f)}` : "")).filter((h) => h)
    process.stdout.write(`t=${t}  actions [${actions.join(",")}]  hits [${hits.join(" ")}]  reward ${r.reward.toFixed(2)}\n`)
    process.stdout.write(`     ${traceLine(env, s)}\n`)
  }
}

export async function run(args: ReadonlyArray<string>): Promise<void> {
  const traceMap = flag(args, "trace")
  if (traceMap !== undefined) {
    if (!(BUILTIN_MAP_NAMES as ReadonlyArray<string>).includes(traceMap)) {
      throw new UnknownMap({ name: traceMap, known: BUILTIN_MAP_NAMES })
    }
    return trace(traceMap as BuiltinMapName, Number(flag(args, "seed") ?? 0), Number(flag(args, "steps") ?? 10))
  }
  const episodes = Number(flag(args, "episodes") ?? 200)
  process.stdout.write(`${episodes} seeded episodes per map and policy\n`)
  process.stdout.write("map        policy      win rate  time-outs  mean length  mean return\n")
  for (const map of benchMaps(flag(args, "maps"), BUILTIN_MAP_NAMES)) {
    const name = map.name
    const env = makeEnv(map)
    const actions = new Int32Array(env.info.nAgents)
    for (const policyName of POLICY_NAMES) {
      let wins = 0
      let timeouts = 0
      let steps = 0
      let total = 0
      for (let seed = 0; seed < episodes; seed++) {
        const { s, policy } = episode(env, name, policyName, seed)
        while (!s.terminated) {
          policy(s, actions)
          total += env.step(s, actions).reward
        }
        if (s.battleWon) wins++
        else if (s.steps >= env.info.episodeLimit) timeouts++
        steps += s.steps
      }
      process.stdout.write(
        `${name.padEnd(10)} ${policyName.padEnd(11)} ${(wins / episodes).toFixed(3).padStart(8)}  ` +
          `${(timeouts / episodes).toFixed(3).padStart(9)}  ${(steps / episodes).toFixed(1).padStart(11)}  ` +
          `${(total / episodes).toFixed(2).padStart(11)}\n`
      )
    }
  }
}
