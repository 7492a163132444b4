/**
 * `fsv sweep SPEC` on one machine: the sweep workflow on the in-memory workflow engine, the
 * run queue in memory, `jobs` worker threads, no server.
 *
 * Why in memory is enough here: the durable state of a sweep is its artifacts. Every run is
 * a content-addressed stage, so a sweep resubmitted after a crash finds the finished runs as
 * cache hits and computes only what is missing; a run killed mid-way left no artifact (the
 * store publishes atomically) and is simply run again. What is lost with the process is only
 * which runs were in flight, which the journal (`Board.ts`) records for `fsv sweep status`.
 */
import { Effect, Layer } from "effect"
import * as PersistedQueue from "effect/persistence/PersistedQueue"
import { WorkflowEngine } from "effect/workflow"
import { Progress } from "../progress/Progress.ts"
import { journalPath, type JournalPlan, RunBoard } from "./Board.ts"
import type { SweepPlan } from "./Plan.ts"
import { RunPool } from "./Pool.ts"
import type { StageRegistry } from "./Registry.ts"
import { withProgress } from "./Status.ts"
import { payloadOf, runQueueWorker, type Submitted, SweepWorkflow, SweepWorkflowLayer } from "./Workflow.ts"

/** Run `plan` here with `jobs` threads (no more than it has runs) against the store at `root`. */
export const sweepLocal = (
  plan: SweepPlan,
  options: { readonly jobs: number; readonly root: string; readonly registry: StageRegistry }
): Effect.Effect<Submitted, never, Progress> => {
  const jobs = Math.max(1, Math.min(options.jobs, plan.runs.length))
  return Effect.gen(function*() {
    const board = yield* RunBoard
    const progress = yield* Progress
    const outcome = yield* withProgress(plan, board, progress, SweepWorkflow.execute(payloadOf(plan, 1)))
    return { outcome, finishedBefore: false }
  }).pipe(
    Effect.provide(
      Layer.mergeAll(SweepWorkflowLayer, runQueueWorker(jobs, "local")).pipe(
        Layer.provideMerge(RunPool.layer({ size: jobs, root: options.root, registry: options.registry.module, label: "local" })),
        Layer.provideMerge(RunBoard.local(journalPath(options.root, plan.id), journalPlan(plan))),
        Layer.provideMerge(PersistedQueue.layer.pipe(Layer.provide(PersistedQueue.layerStoreMemory))),
        Layer.provideMerge(WorkflowEngine.layerMemory)
      )
    )
  )
}

/** The plan's outline for the journal: what `fsv dashboard` lists without the spec. Pure. */
export const journalPlan = (plan: SweepPlan): JournalPlan => ({
  name: plan.name,
  stage: plan.stage,
  runs: [
    ...plan.runs.map((r) => ({ index: r.index, key: r.item.key, stage: r.item.stage, params: r.params })),
    { index: "summary" as const, key: plan.summary.key, stage: plan.summary.stage, params: {} }
  ]
})
