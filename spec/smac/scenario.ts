/** Test helpers: hand-built SMAC-lite situations (states are plain data, so tests set them directly). */
import { makeEnv, type Env, type EnvState } from "../../src/envs/smac/Env.ts"
import type { EnvOptions } from "../../src/envs/smac/options.ts"
import { BUILTIN_MAPS, type BuiltinMapName } from "../../src/envs/smac/MapSpec.ts"
import { streamState } from "../../src/rng/Rng.ts"

export const setup = (name: BuiltinMapName, options?: EnvOptions): { env: Env; s: EnvState } => {
  const env = makeEnv(BUILTIN_MAPS[name], options)
  return { env, s: env.reset(streamState(7, ["spec", "smac", name])) }
}

/** Remove unit u from the battle. */
export const kill = (s: EnvState, u: number): void => {
  s.alive[u] = 0
  s.hp[u] = 0
  s.shield[u] = 0
}

export const place = (s: EnvState, u: number, x: number, y: number): void => {
  s.x[u] = x
  s.y[u] = y
}

/** Kill every unit not listed. */
export const keepOnly = (s: EnvState, keep: ReadonlyArray<number>): void => {
  for (let u = 0; u < s.alive.length; u++) if (!keep.includes(u)) kill(s, u)
}
