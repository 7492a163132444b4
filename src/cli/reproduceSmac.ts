/**
 * `fsv reproduce smac [--maps 3m,2s3z,my_map.json] [--algos qmix,fsv] [--seeds 0,1] [--budget N|paper]
 * [--preset pymarl|pymarl-quarter|pymarl2|fsv-authors] [--config FILE] [--backend wasm] [--threads N] [--store DIR] [--resume]
 * [--checkpoint-every N]`: train
 * every learner on every map and seed, store result.json, metrics.jsonl, report.md and one
 * win-rate figure per map, print the report.
 *
 * `--preset NAME` merges a named recipe over the defaults (`pipelines/smac/presets.ts`, every
 * value with its source). `--config FILE` is JSON merged over that (objects key by key, anything
 * else replaced), e.g. `{"run": {"envs": 4}, "learners": {"fsv": {"alphaStart": 0.1}}}`; then
 * `--maps`, `--algos` and `--seeds` apply. The result is decoded by the stage's Schema, so a
 * wrong field fails with its path before anything runs.
 */
import { Console, Effect, type FileSystem, Layer, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { CHECKPOINT_EVERY, DEFAULT_BUDGETS, defaultBudget, defaultSmacConfig, PAPER_BUDGET, SmacCheckpointing, smacStage } from "../../pipelines/smac/stage.ts"
import { BUILTIN_MAP_NAMES, type BuiltinMapName } from "../envs/smac/MapSpec.ts"
import { mergeJson, SMAC_PRESETS, smacPresetConfig } from "../../pipelines/smac/presets.ts"
import { Backend } from "../backend/Backend.ts"
import { announceNativeHint } from "../backend/nativeHint.ts"
import { Progress } from "../progress/Progress.ts"
import { Checkpoints, currentOrigin } from "../../pipelines/smac/checkpoint.ts"
import { ArtifactStore, readArtifactText } from "../store/ArtifactStore.ts"
import { LiveRuns } from "../store/Live.ts"
import { decodeConfig, runStage } from "../store/Stage.ts"
import { backendFlag, storeFlag, threadsFlag } from "./flags.ts"
import { readConfigFile } from "../store/ConfigFile.ts"
import { resolveMap } from "./smac.ts"
import type { FileUnreadable, MapInvalid, UnknownMap } from "../envs/smac/errors.ts"

/** `--budget` is neither a positive whole number of steps nor "paper". */
export class BadBudget extends Schema.TaggedError<BadBudget>()("BadBudget", { given: Schema.String }) {
  override get message(): string {
    return `--budget ${this.given}: give environment steps per run as a positive whole number or "paper" (${PAPER_BUDGET}); without --budget, each map's default (${budgetTable}).`
  }
}

/** `--checkpoint-every` is not a positive whole number. */
export class BadCheckpointInterval extends Schema.TaggedError<BadCheckpointInterval>()("BadCheckpointInterval", { given: Schema.Number }) {
  override get message(): string {
    return `--checkpoint-every ${this.given}: give environment steps between checkpoints as a positive whole number (default ${CHECKPOINT_EVERY}).`
  }
}

const budgetTable = Object.entries(DEFAULT_BUDGETS).map(([m, n]) => `${m} ${n}`).join(", ")

const list = (s: string): Array<string> => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0)

/**
 * Steps per run: `--budget` when given, else the largest default budget among the maps
 * (unknown map names are left for the config's decoding to report).
 */
export const resolveBudget = (given: string | undefined, maps: ReadonlyArray<string>): Effect.Effect<number, BadBudget> => {
  if (given !== undefined) return parseBudget(given)
  const known = maps.filter((m): m is BuiltinMapName => (BUILTIN_MAP_NAMES as ReadonlyArray<string>).includes(m))
  return Effect.succeed(defaultBudget(known.length > 0 ? known : ["3m"]))
}

export const parseBudget = (given: string): Effect.Effect<number, BadBudget> => {
  if (given === "paper") return Effect.succeed(PAPER_BUDGET)
  const n = Number(given)
  return Number.isSafeInteger(n) && n > 0 ? Effect.succeed(n) : Effect.fail(new BadBudget({ given }))
}

/**
 * Said on stderr whenever `--preset pymarl` is used: the name moved from the quarter-ratio recipe
 * to the SMAC paper's setup (docs/results/README.md), and a script written before would now get
 * a run with four times the updates.
 */
export const PYMARL_RENAMED =
  "note: --preset pymarl is the SMAC paper's setup: PyMARL's episode runner, one environment and one update per episode. " +
  "Before the presets were renamed it meant today's defaults (8 environments, 2 updates per 8 episodes), now --preset pymarl-quarter."

export const smacReproduceCommand = Command.make(
  "smac",
  {
    maps: Flag.String("maps").pipe(Flag.withDescription(`Comma-separated maps (default 3m): built-in names (${BUILTIN_MAP_NAMES.join(", ")}) or map JSON files.`), Flag.optional),
    algos: Flag.String("algos").pipe(Flag.withDescription("Comma-separated learners (default qmix,fsv): vdn, qmix, qtran, fsv."), Flag.optional),
    seeds: Flag.String("seeds").pipe(Flag.withDescription("Comma-separated seeds (default 0)."), Flag.optional),
    budget: Flag.String("budget").pipe(Flag.withDescription(`Environment steps per run, or "paper" (${PAPER_BUDGET}). Default per map: ${budgetTable} (the largest among --maps).`), Flag.optional),
    preset: Flag.Literals("preset", SMAC_PRESETS).pipe(
      Flag.withDescription("A training recipe merged over the defaults before --config: pymarl (the SMAC paper's setup: PyMARL's values and its episode runner, one environment and one update per episode), pymarl-quarter (the defaults: PyMARL's values with 2 updates per 8 episodes, a quarter of the updates; the runs in docs/results/*-pymarl-quarter.json ran it under its old name, --preset pymarl), pymarl2 (its fine-tuned QMIX: Adam 1e-3, TD(λ) 0.6, batch 128, 4 envs), fsv-authors (the FOP authors' code: TD(λ) 0.8, RMSProp 5e-4, 4 heads, α 0.5 → 0.05 over 90k)."),
      Flag.optional
    ),
    config: Flag.String("config").pipe(Flag.withDescription("A JSON or YAML file (.yaml/.yml) merged over the default config (e.g. {\"learners\": {\"fsv\": {\"alphaStart\": 0.1}}}); --maps/--algos/--seeds apply after it."), Flag.optional),
    backend: backendFlag,
    threads: threadsFlag,
    store: storeFlag,
    resume: Flag.Boolean("resume").pipe(Flag.withDescription("Continue each run from its last checkpoint in the store."), Flag.withDefault(false)),
    checkpointEvery: Flag.Int("checkpoint-every").pipe(
      Flag.withDescription(`Environment steps between checkpoints (default ${CHECKPOINT_EVERY}); does not change the results.`),
      Flag.withDefault(CHECKPOINT_EVERY)
    )
  },
  ({ maps, algos, seeds, budget, preset, config: configFile, backend, threads, store, resume, checkpointEvery }) =>
    Effect.gen(function*() {
      const fromFile = Option.isSome(configFile) ? yield* readConfigFile(configFile.value) : {}
      const fileMaps = (fromFile as { maps?: unknown }).maps
      // --maps: built-in names, and paths of map files (.json), each read, checked and put in
      // the config whole, so the map is part of the artifact's key.
      const flagMaps = Option.isSome(maps)
        ? yield* Effect.forEach(list(maps.value), (m): Effect.Effect<unknown, UnknownMap | MapInvalid | FileUnreadable, FileSystem.FileSystem> =>
          m.endsWith(".json") ? resolveMap(m) : Effect.succeed(m))
        : undefined
      const chosenMaps: ReadonlyArray<unknown> = flagMaps ?? (Array.isArray(fileMaps) ? fileMaps : defaultSmacConfig(1).maps)
      const steps = yield* resolveBudget(Option.getOrUndefined(budget), chosenMaps.filter((m): m is string => typeof m === "string"))
      const recipe = Option.match(preset, { onNone: () => defaultSmacConfig(steps), onSome: (name) => smacPresetConfig(steps, name) })
      if (Option.getOrUndefined(preset) === "pymarl") yield* Console.error(PYMARL_RENAMED)
      const defaults = mergeJson(recipe, fromFile) as ReturnType<typeof defaultSmacConfig>
      const config = yield* decodeConfig(smacStage, {
        ...defaults,
        maps: Option.match(maps, { onNone: () => defaults.maps, onSome: () => chosenMaps }),
        algos: Option.match(algos, { onNone: () => defaults.algos, onSome: list }),
        seeds: Option.match(seeds, { onNone: () => defaults.seeds, onSome: (s) => list(s).map(Number) })
      }, [
        ...Option.match(preset, { onNone: () => [], onSome: (name) => [`--preset ${name}`] }),
        ...Option.match(configFile, { onNone: () => [], onSome: (file) => [file] }),
        "--maps/--algos/--seeds"
      ].join(" with "))
      if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery <= 0) return yield* new BadCheckpointInterval({ given: checkpointEvery })
      const layers = Layer.mergeAll(
        ArtifactStore.layer(store),
        Backend.fromFlag(Option.getOrUndefined(backend), Option.getOrUndefined(threads)),
        Progress.stderr,
        Checkpoints.files(store, currentOrigin()),
        LiveRuns.files(store),
        Layer.succeed(SmacCheckpointing, { resume, every: checkpointEvery })
      )
      yield* announceNativeHint("smac", Option.getOrUndefined(backend))
      const ref = yield* runStage(smacStage, config).pipe(Effect.provide(layers))
      yield* Console.log(yield* readArtifactText(ref.dir, "report.md"))
      yield* Console.log(ref.dir)
    })
).pipe(Command.withDescription("Section 5.3 on SMAC-lite: test win rate of each learner against environment steps, per map and seed."))
