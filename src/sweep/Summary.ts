/**
 * The summary of a sweep, as a stage of its own: its inputs are the runs' artifacts (their
 * digests are in its key), its config the sweep's name and grid values. A resubmitted sweep
 * therefore finds the same summary key and computes nothing.
 *
 * Tables for any stage: a table of runs (grid values, artifact digest, and every finite
 * number a run's `result.json` exposes, nested keys joined with dots), and a table over seeds
 * (runs that differ only in seed grid paths, with mean, sample standard deviation, min and
 * max of each metric: the band over seeds). Figures for the experiments whose `result.json`
 * its registry lists (`Figures.ts`): an SVG each, with the plotted numbers beside it as CSV.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import { vegaLiteToSvg } from "../report/svg.ts"
import { defineStage } from "../store/Stage.ts"
import { type AnyExperimentFigures, summaryFigures, type SweptResult } from "./Figures.ts"
import { isSeedPath } from "./Spec.ts"

export const SummaryConfig = Schema.Struct({
  /** The sweep's name. */
  name: Schema.String,
  /** The stage every run executed. */
  stage: Schema.String,
  /** The grid paths, in expansion order: the parameter columns. */
  parameters: Schema.Array(Schema.String),
  /** Each run: the input its artifact is bound to, and its grid values. */
  runs: Schema.Array(Schema.Struct({ input: Schema.String, params: Schema.Record(Schema.String, Schema.Json) }))
})
export type SummaryConfig = typeof SummaryConfig.Type

/** A run's `result.json` is not JSON. */
export class ResultUnreadable extends Schema.TaggedError<ResultUnreadable>()("ResultUnreadable", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot summarize ${this.path}: ${this.reason}.`
  }
}

/** The file of a run artifact the summary reads its numbers from. */
export const RESULT_FILE = "result.json"

/** The input name of run `i` (zero-based): `run-0000`, sorted like the runs. */
export const runInputName = (i: number): string => `run-${String(i).padStart(4, "0")}`

/** Every finite number in a JSON value, keyed by its dotted path (arrays are skipped: curves belong in figures). */
export const numericFields = (value: unknown, prefix = ""): Record<string, number> => {
  if (typeof value === "number") return Number.isFinite(value) && prefix !== "" ? { [prefix]: value } : {}
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {}
  const out: Record<string, number> = {}
  for (const k of Object.keys(value).sort()) {
    Object.assign(out, numericFields((value as Record<string, unknown>)[k], prefix === "" ? k : `${prefix}.${k}`))
  }
  return out
}

export interface SummaryRow {
  readonly input: string
  readonly digest: string
  readonly params: Readonly<Record<string, Schema.Json>>
  readonly metrics: Readonly<Record<string, number>>
}

export interface Band {
  readonly mean: number
  /** Sample standard deviation (n − 1); 0 for a single run. */
  readonly std: number
  readonly min: number
  readonly max: number
}

export interface SeedGroup {
  /** The grid values shared by the group (every parameter but the seed ones). */
  readonly params: Readonly<Record<string, Schema.Json>>
  readonly n: number
  readonly metrics: Readonly<Record<string, Band>>
}

export const band = (xs: ReadonlyArray<number>): Band => {
  const n = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / n
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0)
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min: Math.min(...xs), max: Math.max(...xs) }
}

/** Group runs over their seed parameters. Pure; groups in order of first appearance. */
export const seedGroups = (parameters: ReadonlyArray<string>, rows: ReadonlyArray<SummaryRow>): ReadonlyArray<SeedGroup> => {
  const keep = parameters.filter((p) => !isSeedPath(p))
  const groups = new Map<string, { params: Record<string, Schema.Json>; rows: Array<SummaryRow> }>()
  for (const row of rows) {
    const params = Object.fromEntries(keep.map((p) => [p, row.params[p] ?? null]))
    const id = JSON.stringify(keep.map((p) => params[p]))
    const g = groups.get(id) ?? { params, rows: [] }
    g.rows.push(row)
    groups.set(id, g)
  }
  return [...groups.values()].map((g) => {
    const names = [...new Set(g.rows.flatMap((r) => Object.keys(r.metrics)))].sort()
    const metrics: Record<string, Band> = {}
    for (const m of names) {
      const xs = g.rows.map((r) => r.metrics[m]).filter((x): x is number => x !== undefined)
      if (xs.length > 0) metrics[m] = band(xs)
    }
    return { params: g.params, n: g.rows.length, metrics }
  })
}

const csvCell = (v: unknown): string => {
  const s = typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v)
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** RFC 4180 CSV of a header and rows. */
export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): string =>
  [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n"

/** The summary's files from its rows. Pure. */
export const summaryFiles = (config: SummaryConfig, rows: ReadonlyArray<SummaryRow>): Record<string, string> => {
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort()
  const groups = seedGroups(config.parameters, rows)
  const kept = config.parameters.filter((p) => !isSeedPath(p))
  const runsCsv = toCsv(
    ["run", "digest", ...config.parameters, ...metricNames],
    rows.map((r) => [r.input, r.digest, ...config.parameters.map((p) => r.params[p]), ...metricNames.map((m) => r.metrics[m])])
  )
  const bandCols = metricNames.flatMap((m) => [`${m}.mean`, `${m}.std`, `${m}.min`, `${m}.max`])
  const groupsCsv = toCsv(
    [...kept, "n", ...bandCols],
    groups.map((g) => [
      ...kept.map((p) => g.params[p]),
      g.n,
      ...metricNames.flatMap((m) => {
        const b = g.metrics[m]
        return b ? [b.mean, b.std, b.min, b.max] : [undefined, undefined, undefined, undefined]
      })
    ])
  )
  const summary = {
    name: config.name,
    stage: config.stage,
    parameters: config.parameters,
    metrics: metricNames,
    runs: rows,
    seedGroups: groups
  }
  return {
    "summary.json": JSON.stringify(summary, null, 2) + "\n",
    "runs.csv": runsCsv,
    "seeds.csv": groupsCsv
  }
}

/** The summary stage's name (one stage of that name, whatever the registry's figures). */
export const SUMMARY_STAGE = "sweep-summary"

/** The summary stage, drawing the figures of `experiments` (a registry's `figures`). */
export const summaryStageFor = (experiments: ReadonlyArray<AnyExperimentFigures>) => defineStage({
  name: SUMMARY_STAGE,
  // 3: an experiment's figures may include a side-by-side layout (smac: win-rate-maps, with two maps or more).
  version: 3,
  description: "tables of a sweep's runs (grid values, artifact digests, result.json numbers, bands over seeds) and the figures its experiment calls for",
  config: SummaryConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const rows: Array<SummaryRow> = []
      const results: Array<SweptResult> = []
      for (const run of config.runs) {
        const ref = ctx.inputs[run.input]
        if (!ref) return yield* new ResultUnreadable({ path: run.input, reason: "no input artifact bound to this name" })
        const path = join(ref.dir, RESULT_FILE)
        const text = yield* Effect.promise(() => readFile(path, "utf8").then((t) => t, () => undefined))
        const json = text === undefined ? {} : yield* Effect.try({
          try: () => JSON.parse(text) as unknown,
          catch: (e) => new ResultUnreadable({ path, reason: `not JSON (${e instanceof Error ? e.message : String(e)})` })
        })
        rows.push({ input: run.input, digest: ref.digest, params: run.params, metrics: numericFields(json) })
        results.push({ params: run.params, result: json })
      }
      const files = summaryFiles(config, rows)
      for (const figure of summaryFigures(experiments, config.name, config.parameters, results)) {
        files[`${figure.name}.svg`] = yield* Effect.promise(() => vegaLiteToSvg(figure.spec))
        files[`${figure.name}.csv`] = toCsv(figure.header, figure.rows)
      }
      return files
    })
})
