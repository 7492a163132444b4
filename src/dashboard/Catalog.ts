/**
 * What `fsv dashboard` shows, read from an artifact store: its artifacts with their key fields,
 * the runs in progress (`.live/`), the sweeps (`.sweeps/`), figures of any selection of them,
 * and the difference between two artifacts' key records. Reads only; never writes the store.
 *
 * The figures are the ones a sweep's summary draws (`summaryFigures` over the experiments of the
 * program's registry), so a selection on the page is banded over seeds exactly as the reports do.
 */
import { readdir, readFile, stat } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import type { Figure } from "../report/charts.ts"
import { KEY_RECORD, MANIFEST, META, readManifest } from "../store/ArtifactStore.ts"
import { canonicalJson, isDigest } from "../store/Canonical.ts"
import { type LiveRun, readLiveRuns } from "../store/Live.ts"
import { Journal, type JournalPlan, processAlive } from "../sweep/Board.ts"
import { type AnyExperimentFigures, summaryFigures, type SweptResult } from "../sweep/Figures.ts"
import { countStatuses, resolveStatus, type RunStatus } from "../sweep/Status.ts"

// ---------------------------------------------------------------------------------------
// Errors

/** The directory given as the store does not exist or cannot be read. */
export class StoreMissing extends Schema.TaggedError<StoreMissing>()("StoreMissing", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `No artifact store at ${this.path}: ${this.reason}. Pass --store with the directory your runs wrote to ` +
      `(the default is ./artifacts).`
  }
}

/** The directory exists but holds something other than an artifact store. */
export class NotAStore extends Schema.TaggedError<NotAStore>()("NotAStore", {
  path: Schema.String,
  entry: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.path} is not an artifact store: ${this.entry} ${this.reason}. A store holds <stage>/<digest>/ ` +
      `directories (and .live/, .sweeps/, .checkpoints/); pass --store with the directory your runs wrote to.`
  }
}

/** A request names an artifact or live run the store does not hold. */
export class NotInStore extends Schema.TaggedError<NotInStore>()("NotInStore", { id: Schema.String }) {
  override get message(): string {
    return `The store holds no ${this.id}.`
  }
}

const isDir = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false)

/**
 * Check that `root` is a store: a readable directory whose visible subdirectories are stages,
 * each holding only digest-named entries. Top-level files (a README) are allowed; an empty
 * directory is a store with nothing in it yet.
 */
export const checkStore = (root: string): Effect.Effect<void, StoreMissing | NotAStore> =>
  Effect.gen(function*() {
    const entries = yield* Effect.tryPromise({
      try: () => readdir(root, { withFileTypes: true }),
      catch: (e) => new StoreMissing({ path: root, reason: (e as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String(e) })
    })
    for (const e of entries) {
      if (e.name.startsWith(".") || !e.isDirectory()) continue
      const inside = yield* Effect.promise(() => readdir(join(root, e.name)).catch(() => [] as Array<string>))
      const foreign = inside.find((n) => !isDigest(n))
      if (foreign !== undefined) {
        return yield* new NotAStore({ path: root, entry: `${e.name}/`, reason: `holds "${foreign}", which is not an artifact digest` })
      }
    }
  })

// ---------------------------------------------------------------------------------------
// Artifacts

/** An artifact as the list shows it. */
export interface ArtifactSummary {
  readonly id: string
  readonly stage: string
  readonly digest: string
  readonly learners: ReadonlyArray<string>
  readonly maps: ReadonlyArray<string>
  readonly seeds: ReadonlyArray<number>
  /** Environment steps per run, where the config has one. */
  readonly budget: number | null
  readonly backend: string
  readonly finishedAt: string | null
  readonly seconds: number | null
  readonly bytes: number
  readonly files: ReadonlyArray<string>
}

type Rec = { readonly [k: string]: unknown }
const isRec = (x: unknown): x is Rec => typeof x === "object" && x !== null && !Array.isArray(x)
const strings = (x: unknown): Array<string> => (Array.isArray(x) ? x.filter((v): v is string => typeof v === "string") : [])

/**
 * The fields a user picks runs by, from a stage's encoded config, whatever the experiment:
 * learners (`algos`, or the matrix's `runs` with FSV's α0), `maps`, `seeds`, and the budget
 * (`run.steps` or `steps`). Pure.
 */
export const keyFields = (config: unknown): Pick<ArtifactSummary, "learners" | "maps" | "seeds" | "budget"> => {
  const c = isRec(config) ? config : {}
  const fromRuns = Array.isArray(c.runs)
    ? c.runs.filter(isRec).map((r) => (typeof r.algo === "string" ? (typeof r.alpha0 === "number" ? `${r.algo} α0=${r.alpha0}` : r.algo) : "")).filter((s) => s !== "")
    : []
  const budget = isRec(c.run) && typeof c.run.steps === "number" ? c.run.steps : typeof c.steps === "number" ? c.steps : null
  return {
    learners: strings(c.algos).length > 0 ? strings(c.algos) : fromRuns,
    maps: strings(c.maps),
    seeds: Array.isArray(c.seeds) ? c.seeds.filter((s): s is number => typeof s === "number") : [],
    budget
  }
}

const readJsonFile = (path: string): Effect.Effect<unknown> =>
  Effect.promise(() => readFile(path, "utf8").then((t) => JSON.parse(t) as unknown, () => undefined))

/** One artifact's summary, or undefined when `dir` holds no readable manifest (a run still publishing). */
const summarize = (root: string, stage: string, digest: string): Effect.Effect<ArtifactSummary | undefined> =>
  Effect.gen(function*() {
    const dir = join(root, stage, digest)
    const manifest = yield* readManifest(dir).pipe(Effect.orElseSucceed(() => undefined))
    if (manifest === undefined) return undefined
    const key = yield* readJsonFile(join(dir, KEY_RECORD))
    const meta = yield* readJsonFile(join(dir, META))
    const runtime = isRec(key) && isRec(key.runtime) ? key.runtime : {}
    const m = isRec(meta) ? meta : {}
    return {
      id: `${stage}/${digest}`,
      stage,
      digest,
      ...keyFields(isRec(key) ? key.config : undefined),
      backend: typeof runtime.backend === "string" ? runtime.backend : "",
      finishedAt: typeof m.finishedAt === "string" ? m.finishedAt : null,
      seconds: typeof m.seconds === "number" ? m.seconds : null,
      bytes: Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0),
      files: [...Object.keys(manifest.files), MANIFEST].sort()
    }
  })

/** Every finished artifact, newest first. */
export const listArtifacts = (root: string): Effect.Effect<ReadonlyArray<ArtifactSummary>> =>
  Effect.gen(function*() {
    const stages = yield* Effect.promise(() => readdir(root, { withFileTypes: true }).catch(() => []))
    const out: Array<ArtifactSummary> = []
    for (const s of stages) {
      if (s.name.startsWith(".") || !s.isDirectory()) continue
      const digests = yield* Effect.promise(() => readdir(join(root, s.name)).catch(() => [] as Array<string>))
      for (const d of digests.filter(isDigest)) {
        const a = yield* summarize(root, s.name, d)
        if (a !== undefined) out.push(a)
      }
    }
    return out.sort((a, b) => ((b.finishedAt ?? "") < (a.finishedAt ?? "") ? -1 : (b.finishedAt ?? "") > (a.finishedAt ?? "") ? 1 : a.id < b.id ? -1 : 1))
  })

/** The artifact `stage/digest` if the store holds it (both parts checked, so no path leaves the store). */
export const artifactById = (root: string, id: string): Effect.Effect<{ readonly stage: string; readonly digest: string; readonly dir: string }, NotInStore> =>
  Effect.gen(function*() {
    const [stage, digest, ...rest] = id.split("/")
    const ok = rest.length === 0 && stage !== undefined && digest !== undefined && /^[A-Za-z0-9_-]+$/.test(stage) && isDigest(digest)
    const dir = ok ? join(root, stage, digest) : ""
    if (!ok || !(yield* Effect.promise(() => isDir(dir)))) return yield* new NotInStore({ id })
    return { stage: stage!, digest: digest!, dir }
  })

// ---------------------------------------------------------------------------------------
// Live runs

/** A run in progress as the list shows it. */
export interface LiveSummary {
  readonly id: string
  readonly stage: string
  readonly name: string
  readonly algo: string
  readonly map: string
  readonly seed: number
  readonly budget: number
  readonly points: number
  readonly lastT: number | null
  readonly lastWinRate: number | null
  readonly ended: boolean
  readonly updatedAt: number
}

export const liveId = (run: LiveRun): string => `live/${run.key}/${run.header.name}`

export const summarizeLive = (run: LiveRun): LiveSummary => ({
  id: liveId(run),
  stage: run.header.stage,
  name: run.header.name,
  algo: run.header.algo,
  map: run.header.map,
  seed: run.header.seed,
  budget: run.header.budget,
  points: run.points.length,
  lastT: run.points.at(-1)?.t ?? null,
  lastWinRate: run.points.at(-1)?.winRate ?? null,
  ended: run.ended,
  updatedAt: run.updatedAt
})

// ---------------------------------------------------------------------------------------
// Figures

/** A figure for the page: its Vega-Lite spec and how many rows of numbers it draws. */
export interface PageFigure {
  readonly name: string
  readonly spec: Figure["spec"]
  readonly rows: number
}

/**
 * The figures of a selection of artifacts (`stage/digest`) and live runs (`live/key/name`),
 * drawn as a sweep's summary draws its runs: series are learners, told apart by the selection
 * they come from only where two selections hold the same learner on the same map.
 */
export const figuresFor = (
  root: string,
  ids: ReadonlyArray<string>,
  experiments: ReadonlyArray<AnyExperimentFigures>
): Effect.Effect<ReadonlyArray<PageFigure>, NotInStore> =>
  Effect.gen(function*() {
    const live = ids.some((id) => id.startsWith("live/")) ? yield* readLiveRuns(root) : []
    const runs: Array<SweptResult> = []
    for (const id of ids) {
      if (id.startsWith("live/")) {
        const run = live.find((r) => liveId(r) === id)
        if (run === undefined) return yield* new NotInStore({ id })
        const h = run.header
        runs.push({
          params: { selection: `live ${h.name}` },
          result: { experiment: h.stage, runs: [{ algo: h.algo, map: h.map, seed: h.seed, curve: run.points.map(({ t, winRate, return: r }) => ({ t, winRate, return: r })) }] }
        })
      } else {
        const a = yield* artifactById(root, id)
        runs.push({ params: { selection: a.digest.slice(0, 8) }, result: yield* readJsonFile(join(a.dir, "result.json")) })
      }
    }
    return summaryFigures(experiments, "selected", ["selection"], runs).map((f) => ({ name: f.name, spec: f.spec, rows: f.rows.length }))
  })

// ---------------------------------------------------------------------------------------
// Config diff

/** One difference between two key records: the JSON path, and each side's value (undefined: absent). */
export interface DiffRow {
  readonly path: string
  readonly a: unknown
  readonly b: unknown
}

/** A JSON value's leaves by path; arrays of scalars are one leaf (a payoff table, a seed list). */
const leaves = (x: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> => {
  if (isRec(x)) {
    const keys = Object.keys(x)
    if (keys.length === 0) out.set(path, x)
    for (const k of keys) leaves(x[k], path === "" ? k : `${path}.${k}`, out)
  } else if (Array.isArray(x) && x.some((v) => typeof v === "object" && v !== null)) {
    x.forEach((v, i) => leaves(v, `${path}[${i}]`, out))
  } else {
    out.set(path, x)
  }
  return out
}

/** The paths where `a` and `b` differ, sorted; equal values (by canonical JSON) are left out. Pure. */
export const diffJson = (a: unknown, b: unknown): ReadonlyArray<DiffRow> => {
  const la = leaves(a, "", new Map())
  const lb = leaves(b, "", new Map())
  const paths = [...new Set([...la.keys(), ...lb.keys()])].sort()
  return paths.flatMap((path) => {
    const va = la.get(path)
    const vb = lb.get(path)
    const same = la.has(path) && lb.has(path) && canonicalJson(va) === canonicalJson(vb)
    return same ? [] : [{ path, a: va, b: vb }]
  })
}

/** The key records of two artifacts, and where they differ (stage, config, inputs, code, runtime). */
export const diffArtifacts = (root: string, a: string, b: string): Effect.Effect<ReadonlyArray<DiffRow>, NotInStore> =>
  Effect.gen(function*() {
    const ra = yield* artifactById(root, a)
    const rb = yield* artifactById(root, b)
    return diffJson(yield* readJsonFile(join(ra.dir, KEY_RECORD)), yield* readJsonFile(join(rb.dir, KEY_RECORD)))
  })

// ---------------------------------------------------------------------------------------
// Sweeps

/** A sweep in the store, as `fsv sweep status` would list it. */
export interface SweepSummary {
  readonly id: string
  readonly name: string
  readonly stage: string
  readonly alive: boolean
  readonly counts: ReturnType<typeof countStatuses>
  readonly runs: ReadonlyArray<{
    readonly index: number | "summary"
    readonly key: string
    readonly stage: string
    readonly params: Readonly<Record<string, unknown>>
    readonly status: RunStatus
    readonly detail: string
  }>
}

const sweepRuns = (root: string, journal: Journal, plan: JournalPlan | undefined, alive: boolean): Effect.Effect<SweepSummary["runs"]> =>
  Effect.gen(function*() {
    const planned = plan?.runs ?? Object.keys(journal.runs).map((key, i) => ({ index: i, key, stage: "", params: {} }))
    const out: Array<SweepSummary["runs"][number]> = []
    for (const r of planned) {
      const inStore = r.stage === "" ? undefined : yield* Effect.promise(() => isDir(join(root, r.stage, r.key)))
      const board = journal.runs[r.key]
      out.push({ index: r.index, key: r.key, stage: r.stage, params: r.params, status: resolveStatus(inStore, board, alive), detail: board?.detail ?? "" })
    }
    return out
  })

/** Every sweep journal in the store. */
export const listSweeps = (root: string): Effect.Effect<ReadonlyArray<SweepSummary>> =>
  Effect.gen(function*() {
    const dir = join(root, ".sweeps")
    const files = yield* Effect.promise(() => readdir(dir).catch(() => [] as Array<string>))
    const out: Array<SweepSummary> = []
    for (const file of files.filter((f) => f.endsWith(".json")).sort()) {
      const json = yield* readJsonFile(join(dir, file))
      const journal = yield* Schema.decodeUnknownEffect(Journal)(json).pipe(Effect.orElseSucceed(() => undefined))
      if (journal === undefined) continue
      const alive = processAlive(journal.pid)
      const runs = yield* sweepRuns(root, journal, journal.plan, alive)
      out.push({
        id: file.replace(/\.json$/, ""),
        name: journal.plan?.name ?? "",
        stage: journal.plan?.stage ?? "",
        alive,
        counts: countStatuses(runs.filter((r) => r.index !== "summary")),
        runs
      })
    }
    return out
  })


