/**
 * Where each run of a sweep stands, for the progress line and `fsv sweep status`.
 *
 * The store decides "done": a run whose artifact exists is done, whoever computed it and
 * whenever. The board adds what the store cannot know: running (where, which attempt),
 * failed (why). A local run whose sweep process is gone shows as interrupted.
 */
import { Effect, Fiber, Schedule } from "effect"
import type { ProgressShape } from "../progress/Progress.ts"
import { artifactDir, hasArtifactAt } from "../store/ArtifactStore.ts"
import type { RunBoardShape, RunState } from "./Board.ts"
import type { SweepPlan } from "./Plan.ts"

export type RunStatus = "done" | "running" | "failed" | "interrupted" | "pending"

export interface RunView {
  readonly index: number | "summary"
  readonly key: string
  readonly params: Readonly<Record<string, unknown>>
  readonly status: RunStatus
  readonly where: string
  readonly detail: string
  readonly attempts: number
}

export interface Counts {
  readonly total: number
  readonly done: number
  readonly running: number
  readonly failed: number
  readonly pending: number
}

/**
 * A run's status from what is known about it. Pure.
 * `inStore` is undefined when no store was consulted; `ownerAlive` is undefined when the
 * board's owner cannot be checked (a cluster).
 */
export const resolveStatus = (inStore: boolean | undefined, board: RunState | undefined, ownerAlive?: boolean): RunStatus => {
  if (inStore === true) return "done"
  if (board === undefined) return "pending"
  if (board.state === "running") return ownerAlive === false ? "interrupted" : "running"
  if (board.state === "failed") return "failed"
  // the board says done but the store was consulted and lacks it: deleted since, or another store
  return inStore === false ? "pending" : "done"
}

export const countStatuses = (views: ReadonlyArray<Pick<RunView, "status">>): Counts => {
  const n = (s: RunStatus) => views.filter((v) => v.status === s).length
  return {
    total: views.length,
    done: n("done"),
    running: n("running"),
    failed: n("failed"),
    pending: n("pending") + n("interrupted")
  }
}

/** Every run of the plan (and its summary, last) with its status. */
export const viewPlan = (
  plan: SweepPlan,
  board: ReadonlyMap<string, RunState>,
  options: { readonly storeRoot?: string | undefined; readonly ownerAlive?: boolean | undefined }
): ReadonlyArray<RunView> => {
  const view = (index: number | "summary", key: string, stage: string, params: Readonly<Record<string, unknown>>): RunView => {
    const inStore = options.storeRoot === undefined ? undefined : hasArtifactAt(artifactDir(options.storeRoot, stage, key))
    const b = board.get(key)
    return {
      index,
      key,
      params,
      status: resolveStatus(inStore, b, options.ownerAlive),
      where: b?.worker ?? "",
      detail: b?.detail ?? "",
      attempts: b?.attempts ?? 0
    }
  }
  return [
    ...plan.runs.map((r) => view(r.index, r.item.key, r.item.stage, r.params)),
    view("summary", plan.summary.key, plan.summary.stage, {})
  ]
}

/** The counts line: `12 runs · 10 done · 1 running · 0 failed · 1 pending`. */
export const countsLine = (c: Counts): string =>
  `${c.total} runs · ${c.done} done · ${c.running} running · ${c.failed} failed · ${c.pending} pending`

const formatParams = (params: Readonly<Record<string, unknown>>): string =>
  Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")

/** The status listing. Pure. */
export const statusLines = (plan: SweepPlan, views: ReadonlyArray<RunView>): ReadonlyArray<string> => {
  const runs = views.filter((v) => v.index !== "summary")
  const summary = views.find((v) => v.index === "summary")
  const rows = views.map((v) => [
    v.status,
    v.index === "summary" ? "summary" : String(v.index),
    v.key.slice(0, 12),
    v.index === "summary" ? "" : formatParams(v.params),
    [v.where, v.attempts > 1 ? `attempt ${v.attempts}` : "", v.detail].filter((s) => s !== "").join(" · ")
  ])
  const header = ["state", "run", "key", "params", "where · detail"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const fmt = (r: ReadonlyArray<string>) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()
  return [
    `sweep ${plan.name} (${plan.stage}, id ${plan.id.slice(0, 12)}): ${countsLine(countStatuses(runs))}` +
      `; summary ${summary?.status ?? "pending"}`,
    fmt(header),
    ...rows.map(fmt)
  ]
}

/**
 * Show progress while `effect` runs: runs done out of the total, with running, failed and
 * the time left (from the rate so far), read from the board every `every` milliseconds.
 */
export const withProgress = <A, E, R>(
  plan: SweepPlan,
  board: RunBoardShape,
  progress: ProgressShape,
  effect: Effect.Effect<A, E, R>,
  every = 1000
): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const keys = plan.runs.map((r) => r.item.key)
    const task = progress.task(`sweep ${plan.name}`, keys.length, "runs")
    const counts = Effect.map(board.read(keys), (states) => {
      const statuses = keys.map((k) => ({ status: resolveStatus(undefined, states.get(k)) }))
      return countStatuses(statuses)
    })
    const detail = (c: Counts) => `${c.running} running · ${c.failed} failed`
    const poll = counts.pipe(
      Effect.tap((c) => Effect.sync(() => task.update(c.done, detail(c)))),
      Effect.repeat(Schedule.spaced(every))
    )
    const fiber = yield* Effect.forkChild(poll)
    const result = yield* effect.pipe(Effect.onExit(() => Fiber.interrupt(fiber)))
    const final = yield* counts
    // Progress's `done` reports the whole total as done; say what happened when some runs did not finish.
    if (final.done === final.total) task.done(detail(final))
    else progress.log(`\nsweep ${plan.name}: ${countsLine(final)}`)
    return result
  })
