/**
 * A sweep as a durable workflow (effect/workflow), the same on one machine and on a cluster:
 *
 * - `SweepWorkflow` starts one `RunWorkflow` per run and waits for all of them; when every
 *   run has its artifact it starts the summary run, whose inputs are the runs' artifacts.
 * - `RunWorkflow` is keyed by the run's artifact key, so two sweeps that overlap while both
 *   are running share one execution of the common runs. It offers its run to `RunQueue`.
 * - `RunQueue` is a `DurableQueue`: a pull queue that runners (or the local process) drain
 *   with a bounded number of workers, so a free worker takes the next run wherever it is.
 *   A worker that dies holding a run stops refreshing its lock, and after the lock expires
 *   another worker takes the run again.
 *
 * (One child workflow per run, rather than many `DurableQueue.process` calls in the sweep's
 * own body, because a workflow suspends at its first durable wait: the sibling offers would
 * be cut off and the runs would trickle out one at a time. Child executions are dispatched
 * together before the parent suspends.)
 *
 * Only the engine and the queue's storage differ between the modes: in memory for
 * `fsv sweep SPEC`, PostgreSQL (cluster message storage and a queue table) with `--cluster`.
 */
import { Effect, Layer, Schema } from "effect"
import { DurableQueue, Workflow } from "effect/workflow"
import { RunBoard } from "./Board.ts"
import type { SweepPlan } from "./Plan.ts"
import { RunPool } from "./Pool.ts"
import { RunFailed, RunItem, RunResult } from "./Run.ts"

export const RunQueue = DurableQueue.make({
  name: "fsv-run",
  payload: RunItem,
  success: RunResult,
  error: RunFailed,
  idempotencyKey: (item) => item.key
})

export const RunWorkflow = Workflow.make("fsv-run", {
  payload: { item: RunItem, generation: Schema.Int },
  success: RunResult,
  error: RunFailed,
  idempotencyKey: (p) => `${p.item.key}/${p.generation}`
})

/** A run: offer it to the queue and wait for a worker's result. */
export const RunWorkflowLayer = RunWorkflow.toLayer((p) => DurableQueue.process(RunQueue, p.item))

export const RunOutcome = Schema.Struct({
  key: Schema.String,
  result: Schema.optionalKey(RunResult),
  error: Schema.optionalKey(Schema.String)
})
export type RunOutcome = typeof RunOutcome.Type

export const SweepOutcome = Schema.Struct({
  runs: Schema.Array(RunOutcome),
  /** Present when every run succeeded and the summary was written (or failed to be). */
  summary: Schema.optionalKey(RunOutcome)
})
export type SweepOutcome = typeof SweepOutcome.Type

export const SweepWorkflow = Workflow.make("fsv-sweep", {
  payload: {
    /** The plan's id (the summary's key). */
    id: Schema.String,
    /** Bumped by the coordinator to retry a sweep whose earlier execution ended with failures. */
    generation: Schema.Int,
    name: Schema.String,
    runs: Schema.Array(RunItem),
    summary: RunItem
  },
  success: SweepOutcome,
  idempotencyKey: (p) => `${p.id}/${p.generation}`
})
export type SweepPayload = typeof SweepWorkflow.payloadSchema.Type

/** The workflow payload of a plan; `generation` starts at 1. */
export const payloadOf = (plan: SweepPlan, generation: number): SweepPayload => ({
  id: plan.id,
  generation,
  name: plan.name,
  runs: plan.runs.map((r) => r.item),
  summary: plan.summary
})

/** What a submission returns: the outcome, and whether it was an earlier execution's (nothing computed now). */
export interface Submitted {
  readonly outcome: SweepOutcome
  readonly finishedBefore: boolean
}

/** A run's result or failure as data, so that one failed run does not stop the others. */
const outcomeOf = (key: string) => <R>(effect: Effect.Effect<RunResult, RunFailed, R>): Effect.Effect<RunOutcome, never, R> =>
  effect.pipe(
    Effect.map((result): RunOutcome => ({ key, result })),
    Effect.catchTag("RunFailed", (e) => Effect.succeed<RunOutcome>({ key, error: e.reason }))
  )

/** The sweep's body: all runs, then the summary. Deterministic given its payload, as replay requires. */
const SweepBodyLayer = SweepWorkflow.toLayer((payload) =>
  Effect.gen(function*() {
    const run = (item: RunItem) => RunWorkflow.execute({ item, generation: payload.generation }).pipe(outcomeOf(item.key))
    const runs = yield* Effect.forEach(payload.runs, run, { concurrency: "unbounded" })
    if (runs.some((r) => r.error !== undefined)) return { runs }
    return { runs, summary: yield* run(payload.summary) }
  })
)

/** Both workflows, registered with the engine in context. */
export const SweepWorkflowLayer = Layer.mergeAll(SweepBodyLayer, RunWorkflowLayer)

/**
 * Drain `RunQueue` with `concurrency` workers, each handing its run to the thread pool and
 * recording it on the board. A failed run is delivered to the workflow as a `RunFailed`
 * (not retried: stages are deterministic); a run interrupted by shutdown goes back to the queue.
 */
export const runQueueWorker = (concurrency: number, label: string) =>
  DurableQueue.worker(
    RunQueue,
    (item) =>
      Effect.gen(function*() {
        const pool = yield* RunPool
        const board = yield* RunBoard
        yield* board.started(item, label)
        return yield* pool.run(item).pipe(
          Effect.tap((result) => board.finished(item, result)),
          Effect.tapError((e) => board.failed(item, label, e.reason))
        )
      }),
    { concurrency }
  )
