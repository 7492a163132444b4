/**
 * Committed SMAC runs (docs/results/, pipelines/smac/committed.ts).
 *
 *   npm run results -- record ARTIFACT_DIR --preset NAME [--commit SHA] [--machine TEXT] [--out docs/results]
 *       (--commit: where the artifact's meta.json does not record it)
 *       one docs/results/<map>-<algo>-seed<s>-<preset>.json per run of a finished smac artifact
 *   npm run results -- evaluate docs/results/FILE.json ARTIFACT_DIR [--episodes 500]
 *       plays the run's final parameters on N test starts its tests never played and writes the
 *       win rate with its 95% interval into the file (the table's "unseen starts" column)
 *   npm run results -- table [--write]
 *       the baseline table from docs/results/*.json; --write puts it between the markers in
 *       README.md and docs/smac-train.md, and draws docs/results/win-rate-<map>-<preset>.svg
 *       (spec/smac-train/committed.test.ts checks they agree with the data)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs"
import { basename, join, resolve } from "node:path"
import { Effect, Result, Schema } from "effect"
import { CommittedRun, committedFigures, formatCommitted, renderBaselineTable, replaceMarkedTable } from "../pipelines/smac/committed.ts"
import { evaluateGreedy } from "../pipelines/smac/evaluate.ts"
import { runName } from "../pipelines/smac/stage.ts"
import { fromArtifact } from "../src/cli/evaluate.ts"
import { gitCommit } from "../src/store/gitCommit.ts"
import { presetDifferences, SMAC_PRESETS, type SmacPreset } from "../pipelines/smac/presets.ts"
import { vegaLiteToSvg } from "../src/report/svg.ts"

const ROOT = resolve(import.meta.dirname, "..")
const RESULTS = join(ROOT, "docs", "results")
const DOCS = [join(ROOT, "README.md"), join(ROOT, "docs", "smac-train.md")]

const fail = (message: string): never => {
  console.error(`error: ${message}`)
  process.exit(1)
}
const flag = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const readJson = (path: string): any => {
  try {
    return JSON.parse(readFileSync(path, "utf8"))
  } catch (e) {
    return fail(`cannot read ${path} as JSON (${String(e)})`)
  }
}

export const readCommitted = (dir = RESULTS): Array<CommittedRun> =>
  (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : []).map((f) =>
    Schema.decodeUnknownSync(CommittedRun)(JSON.parse(readFileSync(join(dir, f), "utf8")))
  )

const record = (args: ReadonlyArray<string>): void => {
  const dir = args[0] ?? fail("give a smac artifact directory")
  const preset = flag(args, "preset") ?? fail("give --preset NAME (or none)")
  const machine = flag(args, "machine") ?? "2-core AMD EPYC VM, 24 GiB; wasm, 1 thread; beside one other process"
  const out = flag(args, "out") ?? RESULTS
  const stage = readJson(join(dir, "stage.json"))
  if (stage.stage !== "smac") fail(`${dir} is a ${stage.stage} artifact, not smac`)
  if (preset !== "none") {
    if (!(SMAC_PRESETS as ReadonlyArray<string>).includes(preset)) fail(`--preset ${preset}: not a preset (${SMAC_PRESETS.join(", ")}, or none)`)
    const differences = presetDifferences(stage.config, preset as SmacPreset)
    if (differences.length > 0) fail(`${dir} did not run preset ${preset}:\n  ${differences.join("\n  ")}\n(give the preset it ran, or --preset none)`)
  }
  const meta = readJson(join(dir, "meta.json"))
  // Artifacts record their commit in meta.json since session 16; older ones need --commit.
  const commit = flag(args, "commit") ?? (typeof meta.commit === "string" ? meta.commit : fail("give --commit SHA: the commit the command ran at (this artifact's meta.json does not record it)"))
  if (typeof meta.commit === "string" && meta.commit !== commit) fail(`--commit ${commit}, but ${dir}/meta.json says it ran at ${meta.commit}`)
  const result = readJson(join(dir, "result.json"))
  mkdirSync(out, { recursive: true })
  for (const run of result.runs) {
    const committed = Schema.decodeUnknownSync(CommittedRun)({
      map: run.map,
      algo: run.algo,
      seed: run.seed,
      preset,
      budget: stage.config.run.steps,
      commit,
      command: ["fsv", ...meta.argv].join(" "),
      artifact: { stage: "smac", stageVersion: stage.stageVersion, digest: basename(resolve(dir)) },
      wallSeconds: meta.seconds,
      machine,
      curve: run.curve
    })
    const file = join(out, `${run.map}-${run.algo}-seed${run.seed}-${preset}.json`)
    writeFileSync(file, formatCommitted(committed))
    console.log(file)
  }
}

/**
 * A committed run's final parameters (from its artifact `dir`) played greedily on `episodes` test
 * starts that none of its tests played: its tests played starts 0 … tests × testEpisodes − 1, one
 * block per curve point, so the first unseen start is tests × testEpisodes. Fails with a message.
 */
export const evaluateCommitted = async (run: CommittedRun, dir: string, episodes: number, commit: string): Promise<NonNullable<CommittedRun["evaluation"]>> => {
  if (basename(resolve(dir)) !== run.artifact.digest) throw new Error(`${dir} is not the artifact of that run (${run.artifact.digest})`)
  const trained = await Effect.runPromise(fromArtifact(dir, runName(run.algo, run.map, run.seed), undefined).pipe(Effect.mapError((e) => new Error(e.message))))
  const first = trained.curve.length * trained.config.run.testEpisodes
  const played = evaluateGreedy({
    algo: trained.algo, learners: trained.config.learners, trainedOn: trained.spec, map: trained.spec, source: dir,
    seed: trained.seed, rootSeed: trained.config.rootSeed, params: trained.params, first, episodes, replays: 0, envs: 8
  })
  if (Result.isFailure(played)) throw new Error(played.failure.message)
  const e = played.success
  return { firstEpisode: first, episodes, won: e.episodes.filter((x) => x.won).length, winRateCi95: e.winRateCi, meanReturn: e.meanReturn, commit }
}

const evaluate = async (args: ReadonlyArray<string>): Promise<void> => {
  const file = args[0] ?? fail("give a committed run's file (docs/results/….json)")
  const dir = args[1] ?? fail("give the run's artifact directory (<store>/smac/<digest>)")
  const episodes = Number(flag(args, "episodes") ?? "500")
  if (!Number.isSafeInteger(episodes) || episodes < 1) fail(`--episodes ${flag(args, "episodes")}: give a whole number ≥ 1`)
  const run = Schema.decodeUnknownSync(CommittedRun)(readJson(file))
  const commit = gitCommit(ROOT) ?? fail("cannot read this checkout's commit (not a git checkout?)")
  const evaluation = await evaluateCommitted(run, dir, episodes, commit).catch((e: Error) => fail(`${file}: ${e.message}`))
  writeFileSync(file, formatCommitted({ ...run, evaluation }))
  const { won, winRateCi95: ci } = evaluation
  console.log(`${file}: ${won}/${episodes} won from start ${evaluation.firstEpisode} (${(won / episodes).toFixed(2)}, 95% CI ${ci.lo.toFixed(2)}–${ci.hi.toFixed(2)}), return ${evaluation.meanReturn.toFixed(2)}`)
}

/** The figures of the committed runs, as file name → SVG text. */
export const renderCommittedFigures = async (runs: ReadonlyArray<CommittedRun>): Promise<Array<[string, string]>> =>
  Promise.all(committedFigures(runs).map(async (f) => [`${f.name}.svg`, await vegaLiteToSvg(f.spec)] as [string, string]))

const table = async (args: ReadonlyArray<string>): Promise<void> => {
  const text = renderBaselineTable(readCommitted())
  console.log(text)
  if (!args.includes("--write")) return
  for (const doc of DOCS) {
    const next = replaceMarkedTable(readFileSync(doc, "utf8"), text)
    if (next === undefined) fail(`${doc} lacks the baseline table's markers`)
    writeFileSync(doc, next!)
    console.error(`wrote the table into ${doc}`)
  }
  for (const [name, svg] of await renderCommittedFigures(readCommitted())) {
    writeFileSync(join(RESULTS, name), svg)
    console.error(`wrote ${join(RESULTS, name)}`)
  }
}

if (import.meta.main) {
  const [command, ...rest] = process.argv.slice(2)
  if (command === "record") record(rest)
  else if (command === "table") await table(rest)
  else if (command === "evaluate") await evaluate(rest)
  else fail("usage: npm run results -- record ARTIFACT_DIR --preset NAME [--commit SHA] | evaluate FILE ARTIFACT_DIR [--episodes N] | table [--write]")
}
