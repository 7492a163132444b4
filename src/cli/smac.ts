/**
 * `fsv smac`: record a scripted SMAC-lite episode, and replay a recording as an HTML page.
 *
 *   fsv smac record --map 2s3z --seed 1 --policy focus-fire --out episode.json
 *   fsv smac replay episode.json [--out episode.html]
 *
 * `--map` takes a built-in map name or the path of a map JSON file.
 */
import { Console, Effect, FileSystem, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { makeEnv } from "../envs/smac/Env.ts"
import { FileUnreadable, type MapInvalid, type UnknownMap } from "../envs/smac/errors.ts"
import { BUILTIN_MAP_NAMES, decodeMap, loadMap, type MapSpec } from "../envs/smac/MapSpec.ts"
import { makePolicy, POLICY_NAMES } from "../envs/smac/policies.ts"
import { decodeRecording, recordEpisode, renderHtml, summarize } from "../envs/smac/Replay.ts"
import { stream, streamState } from "../rng/Rng.ts"

/** Read and parse a JSON file, failing with FileUnreadable. */
export const readJson = (path: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError((e) => new FileUnreadable({ path, reason: e.message }))
    )
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new FileUnreadable({ path, reason: `not valid JSON (${e instanceof Error ? e.message : String(e)})` })
    })
  })

const writeText = (path: string, text: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    yield* fs.writeFileString(path, text).pipe(
      Effect.mapError((e) => new FileUnreadable({ path, reason: `cannot write: ${e.message}` }))
    )
  })

/** A built-in map name, or a path ending in .json. */
export const resolveMap = (
  nameOrPath: string
): Effect.Effect<MapSpec, UnknownMap | MapInvalid | FileUnreadable, FileSystem.FileSystem> =>
  nameOrPath.endsWith(".json")
    ? Effect.flatMap(readJson(nameOrPath), (json) => decodeMap(json, nameOrPath))
    : loadMap(nameOrPath)

const recordCommand = Command.make(
  "record",
  {
    map: Flag.String("map").pipe(
      Flag.withDescription(`Built-in map (${BUILTIN_MAP_NAMES.join(", ")}) or a map JSON file.`),
      Flag.withDefault("2s3z")
    ),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Root seed of the episode."), Flag.withDefault(0)),
    policy: Flag.Literals("policy", POLICY_NAMES).pipe(
      Flag.withDescription("Scripted policy: random (uniform valid actions) or focus-fire."),
      Flag.withDefault("focus-fire" as const)
    ),
    out: Flag.String("out").pipe(Flag.withDescription("Where to write the recording (JSON)."), Flag.withDefault("episode.json"))
  },
  ({ map, seed, policy, out }) =>
    Effect.gen(function*() {
      const spec = yield* resolveMap(map)
      const env = makeEnv(spec)
      const state = env.reset(streamState(seed, ["smac", spec.name, "env"]))
      const act = makePolicy(env, policy, stream(seed, ["smac", spec.name, "policy", policy]))
      const rec = recordEpisode(env, state, act, { seed, policy })
      yield* writeText(out, JSON.stringify(rec))
      yield* Console.log(`${summarize(rec)}\nRecording written to ${out}; view it with: fsv smac replay ${out}`)
    })
).pipe(Command.withDescription("Play one scripted SMAC-lite episode and record it as JSON."))

const replayCommand = Command.make(
  "replay",
  {
    file: Argument.String("file").pipe(Argument.withDescription("A recording written by `fsv smac record`.")),
    out: Flag.String("out").pipe(Flag.withDescription("Where to write the HTML page (default: FILE with .html)."), Flag.optional)
  },
  ({ file, out }) =>
    Effect.gen(function*() {
      const json = yield* readJson(file)
      const rec = yield* Effect.fromResult(decodeRecording(json, file))
      const page = Option.getOrElse(out, () => file.replace(/\.json$/i, "") + ".html")
      yield* writeText(page, renderHtml(rec))
      yield* Console.log(`${summarize(rec)}\nReplay page written to ${page} (self-contained; open it in a browser).`)
    })
).pipe(Command.withDescription("Render a recorded SMAC-lite episode as a self-contained HTML animation and print its summary."))

export const smacCommand = Command.make("smac").pipe(
  Command.withDescription("SMAC-lite, the StarCraft micromanagement simulator: record and replay episodes."),
  Command.withSubcommands([recordCommand, replayCommand])
)
