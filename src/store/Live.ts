/**
 * Runs in progress, as they go: one JSON-lines file per training run under
 * `<store>/.live/<key>/<run>.jsonl`, beside the checkpoints (`.checkpoints/<key>/<run>.json`,
 * the same key), so that `fsv dashboard` can draw a curve before the run's artifact exists.
 *
 * The first line is the run's header (what it is), every further line one evaluation point.
 * A resumed run rewrites its file from the checkpoint's curve, so the file never holds a point
 * that the run's artifact will not. Observability, not results: nothing here is in an artifact
 * or its key, and a failed write is dropped (a run never fails for its live file).
 */
import { mkdir, readdir, readFile, rename, stat, writeFile, appendFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"

export const LIVE_DIR = ".live"

/** What a live run is: the experiment that writes it and the labels its result will carry. */
export const LiveHeader = Schema.Struct({
  kind: Schema.Literal("run"),
  /** The stage whose artifact the run will end in (e.g. "smac"). */
  stage: Schema.String,
  /** The run's name inside the key (e.g. "qmix-2s3z-seed0"). */
  name: Schema.String,
  algo: Schema.String,
  map: Schema.String,
  seed: Schema.Int,
  /** Environment steps the run will take. */
  budget: Schema.Int,
  /** The training config the run decodes (its stage's encoded config). */
  config: Schema.Json
})
export type LiveHeader = typeof LiveHeader.Type

/** One evaluation: greedy test win rate and return at environment step t. */
export const LivePoint = Schema.Struct({
  kind: Schema.Literal("test"),
  t: Schema.Finite,
  winRate: Schema.Finite,
  return: Schema.Finite
})
export type LivePoint = typeof LivePoint.Type

export interface LiveRunsShape {
  /** Start (or, on resume, restart) run `header.name` under `key` with the points it already has. */
  readonly begin: (key: string, header: LiveHeader, points: ReadonlyArray<Omit<LivePoint, "kind">>) => Effect.Effect<void>
  /** Add one evaluation point. */
  readonly point: (key: string, name: string, point: Omit<LivePoint, "kind">) => Effect.Effect<void>
  /** The run has taken its last step (its artifact follows once every run of the stage has). */
  readonly end: (key: string, name: string) => Effect.Effect<void>
}

const line = (x: unknown): string => JSON.stringify(x) + "\n"

/** Where runs in progress write their curves. `none` keeps nothing (tests, library use). */
export class LiveRuns extends Context.Service<LiveRuns, LiveRunsShape>()("fsv/store/LiveRuns") {
  static readonly none: Layer.Layer<LiveRuns> = Layer.succeed(LiveRuns, { begin: () => Effect.void, point: () => Effect.void, end: () => Effect.void })

  /** Files under `<root>/.live/`. */
  static readonly files = (root: string): Layer.Layer<LiveRuns> =>
    Layer.succeed(LiveRuns, {
      begin: (key, header, points) => {
        const path = liveRunPath(root, key, header.name)
        return Effect.promise(async () => {
          await mkdir(dirname(path), { recursive: true })
          const tmp = `${path}.${process.pid}.tmp`
          await writeFile(tmp, [header, ...points.map((p) => ({ kind: "test", ...p }))].map(line).join(""))
          await rename(tmp, path)
        }).pipe(Effect.catchCause(() => Effect.void))
      },
      point: (key, name, point) =>
        Effect.promise(() => appendFile(liveRunPath(root, key, name), line({ kind: "test", ...point }))).pipe(
          Effect.catchCause(() => Effect.void)
        ),
      end: (key, name) =>
        Effect.promise(() => appendFile(liveRunPath(root, key, name), line({ kind: "end" }))).pipe(Effect.catchCause(() => Effect.void))
    })
}

export const liveRunPath = (root: string, key: string, name: string): string => join(root, LIVE_DIR, key, `${name}.jsonl`)

/** A live run as read back: its header, its points so far, and when its file last changed. */
export interface LiveRun {
  readonly key: string
  readonly header: LiveHeader
  readonly points: ReadonlyArray<LivePoint>
  /** Whether the run took its last step. */
  readonly ended: boolean
  /** Epoch milliseconds of the file's last change. */
  readonly updatedAt: number
}

const decodeHeader = Schema.decodeUnknownOption(LiveHeader)
const decodePoint = Schema.decodeUnknownOption(LivePoint)

/**
 * Parse a live file's text. Pure. A last line cut off mid-write, or any line that is not a
 * point, is skipped; a file without a valid header is no live run (undefined).
 */
export const parseLiveRun = (key: string, text: string, updatedAt: number): LiveRun | undefined => {
  const rows = text.split("\n").filter((l) => l.trim() !== "").flatMap((l) => {
    try {
      return [JSON.parse(l) as unknown]
    } catch {
      return []
    }
  })
  const header = rows.length > 0 ? decodeHeader(rows[0]) : undefined
  if (header === undefined || header._tag === "None") return undefined
  const points = rows.slice(1).flatMap((r) => {
    const p = decodePoint(r)
    return p._tag === "Some" ? [p.value] : []
  })
  const ended = rows.some((r) => typeof r === "object" && r !== null && (r as { kind?: unknown }).kind === "end")
  return { key, header: header.value, points, ended, updatedAt }
}

/** Every live run in the store (none when it has no `.live/`), in order of key and name. */
export const readLiveRuns = (root: string): Effect.Effect<ReadonlyArray<LiveRun>> =>
  Effect.promise(async () => {
    const base = join(root, LIVE_DIR)
    const keys = await readdir(base).catch(() => [] as Array<string>)
    const runs: Array<LiveRun> = []
    for (const key of keys.sort()) {
      const names = await readdir(join(base, key)).catch(() => [] as Array<string>)
      for (const file of names.filter((n) => n.endsWith(".jsonl")).sort()) {
        const path = join(base, key, file)
        const [text, info] = await Promise.all([readFile(path, "utf8").catch(() => ""), stat(path).catch(() => undefined)])
        const run = parseLiveRun(key, text, info?.mtimeMs ?? 0)
        if (run !== undefined) runs.push(run)
      }
    }
    return runs
  })
