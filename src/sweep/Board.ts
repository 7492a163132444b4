/**
 * The board: which runs are running where, which failed and why. It is observability, not
 * the source of truth: an artifact in the store is what makes a run done, and the workflow
 * engine is what makes a run happen. Writes never fail a run (a lost write is logged).
 *
 * Two boards: in one process, a map mirrored to a journal file in the store
 * (`<store>/.sweeps/<sweep id>.json`) so that `fsv sweep status` in another shell can read
 * it; on a cluster, a table in the sweep's PostgreSQL database, written by every runner.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql"
import type { RunItem, RunResult } from "./Run.ts"

export const RunStateName = Schema.Literals(["running", "done", "failed"])
export type RunStateName = typeof RunStateName.Type

export const RunState = Schema.Struct({
  state: RunStateName,
  /** The runner (and thread) that last took the run. */
  worker: Schema.String,
  /** How many times a worker started it (a killed runner's attempt counts). */
  attempts: Schema.Int,
  /** "cached" or seconds for a done run; the reason for a failed one. */
  detail: Schema.String,
  /** Epoch milliseconds of the last change. */
  updatedAt: Schema.Number
})
export type RunState = typeof RunState.Type

export interface RunBoardShape {
  readonly started: (item: RunItem, worker: string) => Effect.Effect<void>
  readonly finished: (item: RunItem, result: RunResult) => Effect.Effect<void>
  readonly failed: (item: RunItem, worker: string, reason: string) => Effect.Effect<void>
  readonly read: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, RunState>>
}

export class RunBoard extends Context.Service<RunBoard, RunBoardShape>()("fsv/sweep/RunBoard") {
  /** A board in memory, mirrored to `journal` (atomically replaced on every change). */
  static readonly local = (journal: string, plan?: JournalPlan): Layer.Layer<RunBoard> =>
    Layer.sync(RunBoard, () => makeLocalBoard(journal, plan))

  /** A board in the `fsv_sweep_runs` table of the cluster's database. */
  static readonly sql: Layer.Layer<RunBoard, never, SqlClient.SqlClient> = Layer.effect(RunBoard, Effect.suspend(() => makeSqlBoard))
}

/** Where a local sweep keeps its journal. */
export const journalPath = (storeRoot: string, sweepId: string): string => join(storeRoot, ".sweeps", `${sweepId}.json`)

/** What a journal says of its sweep, for readers without the spec (`fsv dashboard`). */
export const JournalPlan = Schema.Struct({
  name: Schema.String,
  stage: Schema.String,
  /** Every run in plan order, then the summary (index "summary"): its key, stage and grid values. */
  runs: Schema.Array(Schema.Struct({
    index: Schema.Union([Schema.Int, Schema.Literal("summary")]),
    key: Schema.String,
    stage: Schema.String,
    params: Schema.Record(Schema.String, Schema.Json)
  }))
})
export type JournalPlan = typeof JournalPlan.Type

export const Journal = Schema.Struct({
  /** The process running the sweep, to tell a live "running" from an interrupted one. */
  pid: Schema.Int,
  runs: Schema.Record(Schema.String, RunState),
  /** The sweep's runs (journals before the dashboard have none). */
  plan: Schema.optional(JournalPlan)
})
export type Journal = typeof Journal.Type

const makeLocalBoard = (journal: string, plan: JournalPlan | undefined): RunBoardShape => {
  const runs = new Map<string, RunState>()
  let writing: Promise<void> = Promise.resolve()
  let version = 0
  const flush = () =>
    Effect.promise(() => {
      const mine = ++version
      writing = writing.then(async () => {
        if (mine !== version) return // a newer snapshot follows
        const body: Journal = { pid: process.pid, runs: Object.fromEntries(runs), ...(plan ? { plan } : {}) }
        const tmp = `${journal}.${process.pid}.tmp`
        await mkdir(dirname(journal), { recursive: true })
        await writeFile(tmp, JSON.stringify(body) + "\n")
        await rename(tmp, journal)
      }).catch(() => {})
      return writing
    })
  const set = (key: string, f: (prev: RunState | undefined, now: number) => RunState) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.suspend(() => {
        runs.set(key, f(runs.get(key), now))
        return flush()
      }))
  return {
    started: (item, worker) =>
      set(item.key, (prev, now) => ({ state: "running", worker, attempts: (prev?.attempts ?? 0) + 1, detail: "", updatedAt: now })),
    finished: (item, result) =>
      set(item.key, (prev, now) => ({
        state: "done",
        worker: result.worker,
        attempts: prev?.attempts ?? 1,
        detail: result.cached ? "cached" : `${result.seconds.toFixed(1)}s`,
        updatedAt: now
      })),
    failed: (item, worker, reason) =>
      set(item.key, (prev, now) => ({ state: "failed", worker, attempts: prev?.attempts ?? 1, detail: reason, updatedAt: now })),
    read: (keys) => Effect.sync(() => new Map(keys.flatMap((k) => (runs.has(k) ? [[k, runs.get(k)!] as const] : []))))
  }
}

/** Read a local journal; undefined when there is none (or it is unreadable). */
export const readJournal = (path: string): Effect.Effect<Journal | undefined> =>
  Effect.promise(() => readFile(path, "utf8").then((t) => JSON.parse(t) as unknown, () => undefined)).pipe(
    Effect.flatMap((json) => (json === undefined ? Effect.succeed(undefined) : Schema.decodeUnknownEffect(Journal)(json))),
    Effect.orElseSucceed(() => undefined)
  )

/** Whether process `pid` is alive on this host. */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

// ---------------------------------------------------------------------------------------
// SQL

/** Create the board's table (idempotent). */
export const ensureBoardTable = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS fsv_sweep_runs (
    key TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    state TEXT NOT NULL,
    worker TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    detail TEXT NOT NULL,
    updated_at BIGINT NOT NULL
  )`
})

interface BoardRow {
  readonly key: string
  readonly state: string
  readonly worker: string
  readonly attempts: number
  readonly detail: string
  readonly updated_at: string | number | bigint
}

const makeSqlBoard = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* ensureBoardTable.pipe(Effect.orDie)
  const quietly = (label: string) => <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<void> =>
    effect.pipe(Effect.asVoid, Effect.catchCause((cause) => Effect.logWarning(`sweep board: could not record ${label}`, cause)))
  const upsert = (item: RunItem, state: RunStateName, worker: string, detail: string, bump: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      sql`INSERT INTO fsv_sweep_runs (key, stage, state, worker, attempts, detail, updated_at)
          VALUES (${item.key}, ${item.stage}, ${state}, ${worker}, ${Math.max(bump, 1)}, ${detail}, ${now})
          ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state, worker = EXCLUDED.worker, detail = EXCLUDED.detail,
            updated_at = EXCLUDED.updated_at, attempts = fsv_sweep_runs.attempts + ${bump}`)
  return {
    started: (item, worker) => upsert(item, "running", worker, "", 1).pipe(quietly("a start")),
    finished: (item, result) =>
      upsert(item, "done", result.worker, result.cached ? "cached" : `${result.seconds.toFixed(1)}s`, 0).pipe(quietly("a finish")),
    failed: (item, worker, reason) => upsert(item, "failed", worker, reason, 0).pipe(quietly("a failure")),
    read: (keys) =>
      (keys.length === 0
        ? Effect.succeed([] as ReadonlyArray<BoardRow>)
        : sql<BoardRow>`SELECT key, state, worker, attempts, detail, updated_at FROM fsv_sweep_runs WHERE ${sql.in("key", keys)}`
      ).pipe(
        Effect.map((rows) =>
          new Map(rows.map((r) => [r.key, {
            state: r.state as RunStateName,
            worker: r.worker,
            attempts: Number(r.attempts),
            detail: r.detail,
            updatedAt: Number(r.updated_at)
          }]))
        ),
        Effect.catchCause((cause) => Effect.as(Effect.logWarning("sweep board: could not read", cause), new Map()))
      )
  } satisfies RunBoardShape
})
