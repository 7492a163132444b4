/** SMAC-lite: SMAC's interface over a seeded, deterministic combat simulator. */
export * from "./Env.ts"
export * from "./errors.ts"
export * from "./options.ts"
export { BUILTIN_MAP_NAMES, BUILTIN_MAPS, type BuiltinMapName, decodeMap, loadMap, MapSpec } from "./MapSpec.ts"
export { focusFireActions, makePolicy, POLICY_NAMES, type PolicyName, randomActions } from "./policies.ts"
export { decodeRecording, Recording, recordEpisode, renderHtml, summarize } from "./Replay.ts"
