/**
 * `fsv evaluate SOURCE [--run NAME] [--map NAME|FILE] [--episodes N] [--first-episode K]
 * [--replays K] [--out DIR]`: play a trained SMAC-lite run's greedy policy for N episodes and
 * report its win rate and return with 95% intervals, writing `result.json` and replay pages of
 * the first K episodes to `--out`.
 *
 * SOURCE is either
 * - a smac artifact directory (version 3 on: its `params/<run>.f32` are the run's final
 *   parameters, `stage.json` its config), with `--run qmix-2s3z-seed0` when it holds several runs;
 * - or a checkpoint, `<store>/.checkpoints/<key>/<run>.json`, of a run finished or in progress:
 *   its parameters, and the config from the run's live file beside it
 *   (`<store>/.live/<key>/<run>.jsonl`);
 * - or an artifact with `--checkpoint FILE`: that checkpoint's parameters, the artifact's config.
 *
 * The episodes start from the run's own test starts. By default they are the run's last test
 * (its 32 starts, from the last test's first), so on the map it was trained on the result
 * equals the run's last test point, bit for bit; `--first-episode` and `--episodes` pick other
 * starts (unseen ones past the run's last test: `--first-episode` ≥ the tests it ran).
 */
import { existsSync, statSync } from "node:fs"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import * as tf from "@tensorflow/tfjs"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { decodeCheckpoint } from "../../pipelines/smac/checkpoint.ts"
import { evaluateGreedy, type GreedyEvaluation } from "../../pipelines/smac/evaluate.ts"
import { type SmacCurvePoint, SmacResult } from "../../pipelines/smac/results.ts"
import { mapNameOf, mapOf, paramsFile, runCheckpointKey, runName, SmacConfig, type SmacMapEntry } from "../../pipelines/smac/stage.ts"
import type { MapSpec } from "../envs/smac/MapSpec.ts"
import { renderHtml } from "../envs/smac/Replay.ts"
import { readArtifactText } from "../store/ArtifactStore.ts"
import { LIVE_DIR, LiveHeader } from "../store/Live.ts"
import { readKeyRecord } from "../store/Rerun.ts"
import { runtimeVersion } from "../store/Stage.ts"
import { BACKEND_NAMES } from "../backend/Backend.ts"
import { resolveMap } from "./smac.ts"

/** The source cannot be evaluated: what is wrong with it and what to give instead. */
export class EvaluateSourceInvalid extends Schema.TaggedError<EvaluateSourceInvalid>()("EvaluateSourceInvalid", {
  source: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot evaluate ${this.source}: ${this.reason}`
  }
}

/** A count flag is not a whole number in range. */
export class BadCount extends Schema.TaggedError<BadCount>()("BadCount", { flag: Schema.String, given: Schema.Number, least: Schema.Int }) {
  override get message(): string {
    return `--${this.flag} ${this.given}: give a whole number ≥ ${this.least}.`
  }
}

/** What a source gives: the run, its config, the parameters and the test it is compared with. */
export interface TrainedRun {
  readonly config: SmacConfig
  readonly algo: SmacConfig["algos"][number]
  /** The map's name, and the map itself (from the config: built-in or given whole). */
  readonly map: string
  readonly spec: MapSpec
  readonly seed: number
  readonly name: string
  readonly params: Float32Array
  /** Environment steps the parameters were trained for (undefined: the run's end). */
  readonly tEnv: number | undefined
  /** The run's tests so far (the curve), the last of which the default evaluation replays. */
  readonly curve: ReadonlyArray<SmacCurvePoint>
}

const invalid = (source: string, reason: string) => new EvaluateSourceInvalid({ source, reason })

const readBytes = (source: string, path: string) =>
  Effect.tryPromise({ try: () => readFile(path), catch: (e) => invalid(source, `cannot read ${path} (${String(e)})`) })

const decodeWith = <S extends Schema.Decoder<unknown>>(schema: S, source: string, what: string, value: unknown) =>
  Schema.decodeUnknownEffect(schema)(value).pipe(Effect.mapError((e) => invalid(source, `${what} does not decode: ${e.message}`)))

const parseJson = (source: string, what: string, text: string) =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => invalid(source, `${what} is not JSON (${String(e)})`) })

const readCheckpoint = (file: string) =>
  Effect.gen(function*() {
    const text = (yield* readBytes(file, file)).toString("utf8")
    return yield* Effect.try({ try: () => decodeCheckpoint(text), catch: (e) => invalid(file, `it is not a smac checkpoint (${String(e)}).`) })
  })

/** The entry of `config`'s maps named `name`. */
const entryIn = (source: string, config: SmacConfig, name: string): Effect.Effect<SmacMapEntry, EvaluateSourceInvalid> => {
  const entry = config.maps.find((m) => mapNameOf(m) === name)
  return entry === undefined ? Effect.fail(invalid(source, `its config has no map named ${name}.`)) : Effect.succeed(entry)
}

/** A run of a smac artifact: its config, map, seed, curve and final parameters (or a checkpoint's). */
export const fromArtifact = (dir: string, run: string | undefined, checkpoint: string | undefined): Effect.Effect<TrainedRun, EvaluateSourceInvalid> =>
  Effect.gen(function*() {
    const record = yield* readKeyRecord(dir).pipe(Effect.mapError((e) => invalid(dir, e.message)))
    if (record.stage !== "smac") return yield* invalid(dir, `it is a "${record.stage}" artifact; fsv evaluate plays smac runs.`)
    const config = yield* decodeWith(SmacConfig, dir, "stage.json's config", record.config)
    const resultText = yield* readArtifactText(dir, "result.json").pipe(Effect.mapError((e) => invalid(dir, e.message)))
    const result = yield* decodeWith(SmacResult, dir, "result.json", yield* parseJson(dir, "result.json", resultText))
    const names = result.runs.map((r) => runName(r.algo, r.map, r.seed))
    const chosen = run === undefined
      ? (result.runs.length === 1 ? result.runs[0] : undefined)
      : result.runs.find((_, i) => names[i] === run)
    if (chosen === undefined) {
      return yield* invalid(dir, run === undefined
        ? `it holds ${names.length} runs; pick one with --run (${names.join(", ")}).`
        : `it has no run ${run} (its runs: ${names.join(", ")}).`)
    }
    const algo = chosen.algo as TrainedRun["algo"]
    const map = chosen.map
    const spec = mapOf(yield* entryIn(dir, config, map))
    const name = runName(algo, map, chosen.seed)
    if (checkpoint !== undefined) {
      const state = yield* readCheckpoint(checkpoint)
      if (basename(checkpoint, ".json") !== name) yield* Console.error(`note: ${checkpoint} is named for another run than ${name}; its parameters are played as ${name}'s.`)
      return { config, algo, map, spec, seed: chosen.seed, name, params: state.params, tEnv: state.tEnv, curve: state.curve }
    }
    const relative = paramsFile(algo, map, chosen.seed)
    const file = join(dir, relative)
    if (!existsSync(file)) {
      return yield* invalid(dir, `it has no ${relative} (smac artifacts keep their final parameters from stage version 3; ` +
        `this one is version ${record.stageVersion}). Give the run's last checkpoint with --checkpoint <store>/.checkpoints/<key>/${name}.json.`)
    }
    const bytes = yield* readBytes(dir, file)
    if (bytes.byteLength % 4 !== 0) return yield* invalid(dir, `${file} is ${bytes.byteLength} bytes, not whole float32 values.`)
    const params = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
    return { config, algo, map, spec, seed: chosen.seed, name, params, tEnv: undefined, curve: chosen.curve }
  })

const fromCheckpoint = (file: string): Effect.Effect<TrainedRun, EvaluateSourceInvalid> =>
  Effect.gen(function*() {
    const state = yield* readCheckpoint(file)
    const key = basename(dirname(file))
    const name = basename(file, ".json")
    const livePath = join(dirname(dirname(dirname(file))), LIVE_DIR, key, `${name}.jsonl`)
    if (!existsSync(livePath)) {
      return yield* invalid(file, `its config is in the run's live file, ${livePath}, which is missing ` +
        `(runs write it from stage version 3 on). Give the run's artifact as the source and this file with --checkpoint.`)
    }
    const first = (yield* readBytes(file, livePath)).toString("utf8").split("\n")[0] ?? ""
    const header = yield* decodeWith(LiveHeader, file, `${livePath}'s header`, yield* parseJson(file, livePath, first))
    const config = yield* decodeWith(SmacConfig, file, `${livePath}'s config`, header.config)
    const algo = header.algo as TrainedRun["algo"]
    const map = header.map
    const entry = yield* entryIn(file, config, map)
    // The key names the runtime too; evaluation acts on the CPU, so any backend's run will do.
    if (!BACKEND_NAMES.some((b) => runCheckpointKey(config, algo, entry, header.seed, runtimeVersion(b, tf.version.tfjs)) === key)) {
      yield* Console.error(`note: ${file} was written by other code than this fsv's, or under other tfjs or Node versions (its key differs); its parameters are read with this code's layout.`)
    }
    return { config, algo, map, spec: mapOf(entry), seed: header.seed, name, params: state.params, tEnv: state.tEnv, curve: state.curve }
  })

/** The evaluation's record: what was played, from where, and what came out. */
export const evaluationRecord = (
  trained: TrainedRun,
  source: string,
  mapName: string,
  first: number,
  evaluation: GreedyEvaluation,
  reference: SmacCurvePoint | undefined
) => ({
  source,
  run: trained.name,
  trainedOn: trained.map,
  map: mapName,
  ...(trained.tEnv === undefined ? {} : { trainedSteps: trained.tEnv }),
  firstEpisode: first,
  episodes: evaluation.episodes.length,
  winRate: evaluation.winRate,
  winRateCi95: evaluation.winRateCi,
  meanReturn: evaluation.meanReturn,
  returnCi95: evaluation.returnCi,
  ...(reference === undefined ? {} : { runTest: reference }),
  played: evaluation.episodes
})

const fmt = (x: number, d = 2) => x.toFixed(d)

export const evaluateCommand = Command.make(
  "evaluate",
  {
    source: Argument.String("source").pipe(Argument.withDescription("A smac artifact directory, or a run's checkpoint (<store>/.checkpoints/<key>/<run>.json).")),
    checkpoint: Flag.String("checkpoint").pipe(Flag.withDescription("With an artifact as the source: play the parameters of this checkpoint of the run (e.g. one written before the end, or the last of an artifact older than stage version 3)."), Flag.optional),
    run: Flag.String("run").pipe(Flag.withDescription("Which run of the artifact, e.g. qmix-2s3z-seed0 (needed when it holds several)."), Flag.optional),
    map: Flag.String("map").pipe(Flag.withDescription("Play on this map (a built-in name or a map JSON file) instead of the one trained on; it must give the same network sizes."), Flag.optional),
    episodes: Flag.Int("episodes").pipe(Flag.withDescription("Greedy episodes to play (default: the run's test episodes, 32)."), Flag.optional),
    firstEpisode: Flag.Int("first-episode").pipe(Flag.withDescription("The first test start to play (default: the run's last test's first, which reproduces that test)."), Flag.optional),
    replays: Flag.Int("replays").pipe(Flag.withDescription("Write replay pages of the first K episodes."), Flag.withDefault(3)),
    out: Flag.String("out").pipe(Flag.withDescription("Where to write result.json and replays/ (default: evaluate-<run>)."), Flag.optional)
  },
  ({ source, checkpoint, run, map, episodes, firstEpisode, replays, out }) =>
    Effect.gen(function*() {
      const isDir = existsSync(source) && statSync(source).isDirectory()
      if (!existsSync(source)) return yield* invalid(source, "no such file or directory; give a smac artifact directory or a checkpoint file.")
      if (!isDir && (Option.isSome(run) || Option.isSome(checkpoint))) return yield* invalid(source, "--run and --checkpoint go with an artifact directory as the source; a checkpoint source is one run already.")
      const trained = isDir ? yield* fromArtifact(source, Option.getOrUndefined(run), Option.getOrUndefined(checkpoint)) : yield* fromCheckpoint(source)
      const testEpisodes = trained.config.run.testEpisodes
      const n = Option.getOrElse(episodes, () => testEpisodes)
      const lastTestFirst = Math.max(0, trained.curve.length - 1) * testEpisodes
      const first = Option.getOrElse(firstEpisode, () => lastTestFirst)
      if (!Number.isSafeInteger(n) || n < 1) return yield* new BadCount({ flag: "episodes", given: n, least: 1 })
      if (!Number.isSafeInteger(first) || first < 0) return yield* new BadCount({ flag: "first-episode", given: first, least: 0 })
      if (!Number.isSafeInteger(replays) || replays < 0) return yield* new BadCount({ flag: "replays", given: replays, least: 0 })
      const trainedOn = trained.spec
      const playOn = Option.isSome(map) ? yield* resolveMap(map.value) : trainedOn
      const evaluation = yield* Effect.fromResult(evaluateGreedy({
        algo: trained.algo,
        learners: trained.config.learners,
        trainedOn,
        map: playOn,
        source,
        seed: trained.seed,
        rootSeed: trained.config.rootSeed,
        params: trained.params,
        first,
        episodes: n,
        replays,
        envs: trained.config.run.envs
      }))
      // The run's test these episodes are: the same starts, on the same map, of the same parameters.
      const sameParams = trained.tEnv === undefined || trained.tEnv === trained.curve.at(-1)?.t
      const reference = playOn.name === trainedOn.name && first === lastTestFirst && n === testEpisodes && sameParams ? trained.curve.at(-1) : undefined
      const dir = Option.getOrElse(out, () => `evaluate-${trained.name}`)
      const record = evaluationRecord(trained, source, playOn.name, first, evaluation, reference)
      yield* Effect.tryPromise({
        try: async () => {
          await mkdir(join(dir, "replays"), { recursive: true })
          await writeFile(join(dir, "result.json"), JSON.stringify(record, null, 2) + "\n")
          for (const [i, rec] of evaluation.recordings.entries()) {
            await writeFile(join(dir, "replays", `episode-${evaluation.episodes[i]!.k}.html`), renderHtml(rec))
          }
        },
        catch: (e) => invalid(source, `cannot write to ${dir} (${String(e)})`)
      })
      const wins = evaluation.episodes.filter((e) => e.won).length
      const lines = [
        `${trained.name}${trained.tEnv === undefined ? "" : ` after ${trained.tEnv} steps`} on ${playOn.name}: ${n} greedy episodes from test start ${first}`,
        `win rate ${fmt(evaluation.winRate)} (${wins}/${n}; 95% CI ${fmt(evaluation.winRateCi.lo)}–${fmt(evaluation.winRateCi.hi)})`,
        `return ${fmt(evaluation.meanReturn)} (95% CI ${fmt(evaluation.returnCi.lo)}–${fmt(evaluation.returnCi.hi)})`,
        ...(reference === undefined ? [] : [
          reference.winRate === evaluation.winRate && reference.return === evaluation.meanReturn
            ? `= the run's last test at t = ${reference.t} (win rate ${fmt(reference.winRate)}, return ${fmt(reference.return)}), bit for bit`
            : `≠ the run's last test at t = ${reference.t} (win rate ${reference.winRate}, return ${reference.return}): the same starts gave other episodes; report this as a bug`
        ]),
        `${dir}/result.json${evaluation.recordings.length > 0 ? `, replays in ${dir}/replays/` : ""}`
      ]
      yield* Console.log(lines.join("\n"))
    })
).pipe(Command.withDescription("Play a trained SMAC-lite run's greedy policy (artifact or checkpoint) on a map it fits: win rate and return with 95% intervals, and replay pages."))
