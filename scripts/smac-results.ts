/**
 * Committed SMAC runs (docs/results/, pipelines/smac/committed.ts).
 *
 *   npm run results -- record ARTIFACT_DIR --commit SHA --preset NAME [--machine TEXT] [--out docs/results]
 *       one docs/results/<map>-<algo>-seed<s>-<preset>.json per run of a finished smac artifact
 *   npm run results -- table [--write]
 *       the baseline table from docs/results/*.json; --write puts it between the markers in
 *       README.md and docs/smac-train.md, and draws docs/results/win-rate-<map>-<preset>.svg
 *       (spec/smac-train/committed.test.ts checks they agree with the data)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs"
import { basename, join, resolve } from "node:path"
import { Schema } from "effect"
import { CommittedRun, committedFigures, renderBaselineTable, replaceMarkedTable } from "../pipelines/smac/committed.ts"
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
  const commit = flag(args, "commit") ?? fail("give --commit SHA: the commit the command ran at")
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
    // One curve point per line: small diffs when a run is re-recorded, and readable by eye.
    const { curve, ...head } = committed
    const text = JSON.stringify(head, null, 1).replace(/\n}$/, `,\n "curve": [\n${curve.map((p) => `  ${JSON.stringify(p)}`).join(",\n")}\n ]\n}`)
    writeFileSync(file, text + "\n")
    console.log(file)
  }
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
  else fail("usage: npm run results -- record ARTIFACT_DIR --commit SHA --preset NAME | table [--write]")
}
