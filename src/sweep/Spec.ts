/**
 * The sweep spec: which stage to run, the config every run starts from, a grid of
 * config path → values, and a budget. Expansion into run configs is a pure function;
 * decoding each run's config with the stage's own Schema happens in `Plan.ts`.
 *
 * ```json
 * { "name": "lr-study", "stage": "tiny-fit",
 *   "base": { "steps": 200, "padFiles": 0, "padBytes": 0, "fail": false },
 *   "grid": { "seed": [1, 2, 3], "learner.lr": [0.001, 0.0005] },
 *   "budget": { "maxRuns": 100 } }
 * ```
 */
import { readFile } from "node:fs/promises"
import { Effect, Schema } from "effect"
import * as SchemaIssue from "effect/SchemaIssue"
import { parseConfigText } from "../store/ConfigFile.ts"

export const Budget = Schema.Struct({
  /** Refuse to expand a grid into more runs than this (a guard against a typo multiplying the cluster bill). */
  maxRuns: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /** Training steps of every run, written at `stepsPath` in each run's config. */
  steps: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /** Where `steps` goes in the stage's config (default "steps"). */
  stepsPath: Schema.optionalKey(Schema.String)
})
export type Budget = typeof Budget.Type

export const SweepSpec = Schema.Struct({
  /** A name for the progress line, the status listing and the summary's tables. */
  name: Schema.String.check(Schema.isMinLength(1)),
  /** The stage every run executes, by its registered name (`knownStages`). */
  stage: Schema.String.check(Schema.isMinLength(1)),
  /** The config every run starts from, in the stage's encoded (JSON) form. */
  base: Schema.optionalKey(Schema.Record(Schema.String, Schema.Json)),
  /** Config path ("learner.lr", dot-separated) → the values it takes; runs are the cartesian product. */
  grid: Schema.Record(Schema.String, Schema.Array(Schema.Json).check(Schema.isMinLength(1))),
  budget: Schema.optionalKey(Budget)
})
export type SweepSpec = typeof SweepSpec.Type

type Json = Schema.Json

/** The spec file cannot be read or is not JSON. */
export class SpecUnreadable extends Schema.TaggedError<SpecUnreadable>()("SpecUnreadable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot read the sweep spec ${this.file}: ${this.reason}.`
  }
}

/** One field of the spec (or of a run config the spec produces) is wrong. */
export const SpecProblem = Schema.Struct({ path: Schema.String, message: Schema.String })
export type SpecProblem = typeof SpecProblem.Type

/** The spec decodes, but names bad fields; every problem names its path in the spec. */
export class SpecInvalid extends Schema.TaggedError<SpecInvalid>()("SpecInvalid", {
  file: Schema.String,
  problems: Schema.Array(SpecProblem)
}) {
  override get message(): string {
    const shown = this.problems.slice(0, 8).map((p) => `${p.path}: ${p.message}`)
    const more = this.problems.length > shown.length ? `; and ${this.problems.length - shown.length} more` : ""
    return `The sweep spec ${this.file} is invalid: ${shown.join("; ")}${more}. Nothing was run.`
  }
}

// ---------------------------------------------------------------------------------------
// Paths

/** `learner.lr` → ["learner", "lr"]. */
export const splitPath = (path: string): ReadonlyArray<string> => path.split(".")

/** How a path in the spec is spelled in messages: `grid["learner.lr"][2]`, `base.learner.lr`. */
export const gridEntryPath = (path: string, index?: number): string =>
  `grid[${JSON.stringify(path)}]${index === undefined ? "" : `[${index}]`}`

/** `["learner", "lr"]` → `.learner.lr`; numeric keys as `[0]`. */
export const formatPath = (segments: ReadonlyArray<PropertyKey>): string =>
  segments.map((s) => (typeof s === "number" ? `[${s}]` : `.${String(s)}`)).join("")

/** A problem with a grid key itself (before any value is set), or undefined when the path is settable. */
export const pathProblem = (base: Readonly<Record<string, Json>>, path: string): string | undefined => {
  const segments = splitPath(path)
  if (segments.some((s) => s === "")) return `"${path}" is not a dot-separated config path`
  let node: Json | undefined = base
  for (let i = 0; i < segments.length - 1; i++) {
    if (node === undefined) return undefined // created on the way
    if (node === null || typeof node !== "object" || Array.isArray(node)) {
      return `base${formatPath(segments.slice(0, i))} is ${node === null ? "null" : Array.isArray(node) ? "an array" : typeof node}, so "${path}" cannot be set`
    }
    node = (node as Record<string, Json>)[segments[i]!]
  }
  if (node !== undefined && (node === null || typeof node !== "object" || Array.isArray(node))) {
    return `base${formatPath(segments.slice(0, -1))} is not an object, so "${path}" cannot be set`
  }
  return undefined
}

/** A copy of `config` with `value` at `path`, creating objects on the way. Pure. */
export const setPath = (config: Readonly<Record<string, Json>>, path: string, value: Json): Record<string, Json> => {
  const [head, ...rest] = splitPath(path)
  const key = head!
  if (rest.length === 0) return { ...config, [key]: value }
  const child = config[key]
  const inner = child !== null && typeof child === "object" && !Array.isArray(child) ? (child as Record<string, Json>) : {}
  return { ...config, [key]: setPath(inner, rest.join("."), value) }
}

// ---------------------------------------------------------------------------------------
// Expansion

/** One grid point: the index of each grid path's value, and the values. */
export interface GridPoint {
  /** Grid path → index into that path's value list. */
  readonly indices: Readonly<Record<string, number>>
  /** Grid path → value. */
  readonly params: Readonly<Record<string, Json>>
  /** The run's config before the stage's Schema sees it. */
  readonly config: Readonly<Record<string, Json>>
}

/** A grid path is a seed when its last segment contains "seed" (`seed`, `seeds`, `rootSeed`): runs that differ only in seeds form a band. */
export const isSeedPath = (path: string): boolean => /seed/i.test(path.split(".").at(-1) ?? "")

/** Grid paths in the order expansion uses: sorted, so the spelling of the file does not matter. */
export const gridPaths = (spec: SweepSpec): ReadonlyArray<string> => Object.keys(spec.grid).sort()

/** Number of runs the grid expands to. */
export const gridSize = (spec: SweepSpec): number =>
  gridPaths(spec).reduce((n, p) => n * spec.grid[p]!.length, 1)

/** The base config with the budget applied. */
export const baseConfig = (spec: SweepSpec): Readonly<Record<string, Json>> => {
  const base = spec.base ?? {}
  const steps = spec.budget?.steps
  return steps === undefined ? base : setPath(base, spec.budget?.stepsPath ?? "steps", steps)
}

/**
 * Every grid point, row-major over the sorted grid paths (the last path varies fastest).
 * Pure: the same spec always gives the same runs in the same order.
 */
export const expandGrid = (spec: SweepSpec): ReadonlyArray<GridPoint> => {
  const paths = gridPaths(spec)
  const base = baseConfig(spec)
  const out: Array<GridPoint> = []
  const walk = (depth: number, indices: Record<string, number>, params: Record<string, Json>, config: Record<string, Json>): void => {
    if (depth === paths.length) {
      out.push({ indices: { ...indices }, params: { ...params }, config })
      return
    }
    const path = paths[depth]!
    spec.grid[path]!.forEach((value, i) => {
      walk(depth + 1, { ...indices, [path]: i }, { ...params, [path]: value }, setPath(config, path, value))
    })
  }
  walk(0, {}, {}, base as Record<string, Json>)
  return out
}

/** Problems with the grid's shape and the budget, before any config is decoded. Pure. */
export const gridProblems = (spec: SweepSpec): ReadonlyArray<SpecProblem> => {
  const problems: Array<SpecProblem> = []
  const base = baseConfig(spec)
  const paths = gridPaths(spec)
  if (paths.length === 0) problems.push({ path: "grid", message: "names no config path (a sweep of one run is `fsv run`)" })
  for (const path of paths) {
    const problem = pathProblem(base, path)
    if (problem) problems.push({ path: gridEntryPath(path), message: problem })
    const stepsPath = spec.budget?.steps === undefined ? undefined : spec.budget.stepsPath ?? "steps"
    if (stepsPath !== undefined && (path === stepsPath || path.startsWith(stepsPath + ".") || stepsPath.startsWith(path + "."))) {
      problems.push({ path: gridEntryPath(path), message: `also set by budget.steps (at "${stepsPath}"); set it in one place` })
    }
  }
  const maxRuns = spec.budget?.maxRuns
  const size = gridSize(spec)
  if (maxRuns !== undefined && size > maxRuns) {
    problems.push({ path: "budget.maxRuns", message: `the grid expands to ${size} runs, more than the budget of ${maxRuns}` })
  }
  return problems
}

/**
 * Where in the spec a problem at `configPath` of a run's config comes from: the grid entry
 * that set it (with the index of the value), else the base config.
 */
export const specPathOf = (point: GridPoint, configPath: ReadonlyArray<PropertyKey>, budget?: Budget): string => {
  const dotted = configPath.map(String).join(".")
  for (const path of Object.keys(point.indices)) {
    if (dotted === path || dotted.startsWith(path + ".")) {
      return gridEntryPath(path, point.indices[path]) + formatPath(configPath.slice(splitPath(path).length))
    }
  }
  if (budget?.steps !== undefined && dotted === (budget.stepsPath ?? "steps")) return "budget.steps"
  return `base${formatPath(configPath)}`
}

// ---------------------------------------------------------------------------------------
// Reading

const standardIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** A Schema issue as (path, message) pairs. */
export const issueProblems = (issue: SchemaIssue.Issue): ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> =>
  standardIssues(issue).issues.map((i) => ({
    path: (i.path ?? []).map((p) => (typeof p === "object" && p !== null && "key" in p ? p.key : p) as PropertyKey),
    message: i.message
  }))

/** A path into the spec file as a user reads it: `grid["learner.lr"][2]`, `budget.maxRuns`. */
export const specFieldPath = (segments: ReadonlyArray<PropertyKey>): string => {
  if (segments.length === 0) return "(top level)"
  const [head, key, index, ...rest] = segments
  if (head === "grid" && typeof key === "string") {
    return typeof index === "number"
      ? gridEntryPath(key, index) + formatPath(rest)
      : gridEntryPath(key) + formatPath(segments.slice(2))
  }
  return formatPath(segments).slice(1)
}

/** Decode a spec from parsed JSON; `file` names it in errors. */
export const decodeSpec = (json: unknown, file: string): Effect.Effect<SweepSpec, SpecInvalid> =>
  Schema.decodeUnknownEffect(SweepSpec)(json, { errors: "all" }).pipe(
    Effect.mapError((e) =>
      new SpecInvalid({
        file,
        problems: issueProblems(e.issue).map((p) => ({ path: specFieldPath(p.path), message: p.message }))
      })
    )
  )

/** Read and decode a spec file (JSON, or YAML for .yaml/.yml). */
export const readSpec = (file: string): Effect.Effect<SweepSpec, SpecUnreadable | SpecInvalid> =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => new SpecUnreadable({ file, reason: e instanceof Error ? e.message : String(e) })
    })
    const json = yield* Effect.fromResult(parseConfigText(file, text)).pipe(
      Effect.mapError((e) => new SpecUnreadable({ file, reason: e.reason }))
    )
    return yield* decodeSpec(json, file)
  })
