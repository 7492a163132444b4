/**
 * Run training programs, in this thread or on worker threads.
 *
 * Programs are independent and each is deterministic, so running them side by side on
 * `jobs` threads changes the wall time, never the numbers. Workers are scoped: interrupting
 * the run terminates them.
 */
import { Worker } from "node:worker_threads"
import { Effect, Schema } from "effect"
import type { BackendName } from "../../backend/Backend.ts"
import { CHUNK, type ProgramSpec, programTrainer } from "./program.ts"
import type { SliceResult } from "./train.ts"

/** A worker thread died before finishing its program. */
export class TrainingFailed extends Schema.TaggedError<TrainingFailed>()("TrainingFailed", {
  algo: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Training ${this.algo} failed in its worker thread: ${this.reason}. ` +
      `Rerun with FSV_JOBS=1 to train in the main thread and see the full error.`
  }
}

export interface PoolOptions {
  /** Threads to use; 1 trains in this thread. */
  readonly jobs: number
  /** The tensor backend each worker activates (the main thread's is already active). */
  readonly backend: BackendName
  /** Steps done so far by program `index`. */
  readonly onProgress?: (index: number, steps: number) => void
}

/** The worker entry beside this module: worker.ts from source, worker.js from the compiled build. */
const workerUrl = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url)

const inThread = (spec: ProgramSpec, report: (steps: number) => void): Effect.Effect<Array<SliceResult>> =>
  Effect.scoped(
    Effect.gen(function*() {
      const trainer = yield* Effect.acquireRelease(Effect.sync(() => programTrainer(spec)), (t) => Effect.sync(t.dispose))
      while (trainer.stepsDone() < spec.steps) {
        trainer.run(CHUNK)
        report(trainer.stepsDone())
        yield* Effect.yieldNow
      }
      return trainer.results()
    })
  )

const inWorker = (
  spec: ProgramSpec,
  backend: BackendName,
  report: (steps: number) => void
): Effect.Effect<Array<SliceResult>, TrainingFailed> =>
  Effect.callback<Array<SliceResult>, TrainingFailed>((resume) => {
    const worker = new Worker(workerUrl, { workerData: { backend, spec } })
    let settled = false
    const fail = (reason: string) => {
      if (settled) return
      settled = true
      resume(Effect.fail(new TrainingFailed({ algo: spec.algo, reason })))
    }
    worker.on("message", (m: { kind: "progress"; steps: number } | { kind: "done"; results: Array<SliceResult> }) => {
      if (m.kind === "progress") report(m.steps)
      else if (!settled) {
        settled = true
        resume(Effect.succeed(m.results))
        void worker.terminate()
      }
    })
    worker.on("error", (e) => fail(e instanceof Error ? e.message : String(e)))
    worker.on("exit", (code) => fail(`the thread exited with code ${code} before reporting results`))
    return Effect.promise(() => worker.terminate())
  })

/** Results of every program, in the order given. */
export const trainPrograms = (
  specs: ReadonlyArray<ProgramSpec>,
  { jobs, backend, onProgress = () => {} }: PoolOptions
): Effect.Effect<Array<Array<SliceResult>>, TrainingFailed> =>
  jobs <= 1 || specs.length <= 1
    ? Effect.forEach(specs, (spec, i) => inThread(spec, (steps) => onProgress(i, steps)))
    : Effect.forEach(specs, (spec, i) => inWorker(spec, backend, (steps) => onProgress(i, steps)), { concurrency: jobs })
