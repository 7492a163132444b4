/**
 * `npm run bench -- smac-policies`: the scripted-policy table of SMAC-lite. For every map, 200
 * seeded episodes (seeds 0..199) of uniformly random valid actions and of the focus-fire script:
 * win rate, time-out rate, mean episode length and mean return. Findings about the mechanics, not
 * tuned constants. Option: `--episodes N`.
 */
import { makeEnv } from "../src/envs/smac/Env.ts"
import { BUILTIN_MAP_NAMES, BUILTIN_MAPS } from "../src/envs/smac/MapSpec.ts"
import { makePolicy, POLICY_NAMES } from "../src/envs/smac/policies.ts"
import { stream, streamState } from "../src/rng/Rng.ts"

export async function run(args: ReadonlyArray<string>): Promise<void> {
  const i = args.indexOf("--episodes")
  const episodes = i >= 0 ? Number(args[i + 1]) : 200
  process.stdout.write(`${episodes} seeded episodes per map and policy\n`)
  process.stdout.write("map        policy      win rate  time-outs  mean length  mean return\n")
  for (const name of BUILTIN_MAP_NAMES) {
    const env = makeEnv(BUILTIN_MAPS[name])
    const actions = new Int32Array(env.info.nAgents)
    for (const policyName of POLICY_NAMES) {
      let wins = 0
      let timeouts = 0
      let steps = 0
      let total = 0
      for (let seed = 0; seed < episodes; seed++) {
        const s = env.reset(streamState(seed, ["bench", "smac-policies", name, "env"]))
        const policy = makePolicy(env, policyName, stream(seed, ["bench", "smac-policies", name, policyName]))
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
