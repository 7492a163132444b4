/**
 * Run training programs, in this thread or on worker threads.
 *
 * A program is plain data (it crosses to a worker thread by structured clone) plus a
 * `ProgramModule`: the URL of a module and the name of its export (this same `ProgramModule`)
 * whose `programTrainer(spec)` builds its trainer. Programs are independent and each
 * is deterministic, so running them side by side on `jobs` threads changes the wall time,
 * never the numbers. Workers are scoped: interrupting the run terminates them.
 */
import { availableParallelism } from "node:os"
import { Worker } from "node:worker_threads"
import { Effect, Schema } from "effect"
import type { BackendName } from "../backend/Backend.ts"
import { siblingModule } from "./moduleUrl.ts"
import type { Trainer } from "./Trainer.ts"


/** The plain-data part every program spec has. */
export interface ProgramSpecBase {
  readonly algo: string
  readonly steps: number
}

/** How to build a program's trainer, named by module URL and export so a worker thread can import it. */
export interface ProgramModule<S extends ProgramSpecBase, R> {
  readonly url: string
  /** The name under which the module at `url` exports this object. */
  readonly exportName: string
  readonly programTrainer: (spec: S) => Trainer<R>
  /** Environment steps between progress reports (and yields to the scheduler). */
  readonly chunk: number
}

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

/** One program's results and the wall time it took (for benchmarks; never in an artifact). */
export interface ProgramOutcome<R> {
  readonly results: R
  readonly seconds: number
}

export interface TrainWorkerData {
  readonly backend: BackendName
  readonly module: string
  readonly exportName: string
  readonly chunk: number
  readonly spec: unknown
}

export type WorkerMessage<R> = { readonly kind: "progress"; readonly steps: number } | { readonly kind: "done"; readonly results: R }

const inThread = <S extends ProgramSpecBase, R>(
  mod: ProgramModule<S, R>,
  spec: S,
  report: (steps: number) => void
): Effect.Effect<ProgramOutcome<R>> =>
  Effect.scoped(
    Effect.gen(function*() {
      const started = performance.now()
      const trainer = yield* Effect.acquireRelease(Effect.sync(() => mod.programTrainer(spec)), (t) => Effect.sync(t.dispose))
      while (!trainer.done()) {
        trainer.advance(mod.chunk)
        report(trainer.stepsDone())
        yield* Effect.yieldNow
      }
      const results = trainer.results()
      return { results, seconds: (performance.now() - started) / 1000 }
    })
  )

const inWorker = <S extends ProgramSpecBase, R>(
  mod: ProgramModule<S, R>,
  spec: S,
  backend: BackendName,
  report: (steps: number) => void
): Effect.Effect<ProgramOutcome<R>, TrainingFailed> =>
  Effect.callback<ProgramOutcome<R>, TrainingFailed>((resume) => {
    const started = performance.now()
    const workerData: TrainWorkerData = { backend, module: mod.url, exportName: mod.exportName, chunk: mod.chunk, spec }
    const worker = new Worker(siblingModule("./poolWorker", import.meta.url), { workerData })
    let settled = false
    const fail = (reason: string) => {
      if (settled) return
      settled = true
      resume(Effect.fail(new TrainingFailed({ algo: spec.algo, reason })))
    }
    worker.on("message", (m: WorkerMessage<R>) => {
      if (m.kind === "progress") report(m.steps)
      else if (!settled) {
        settled = true
        resume(Effect.succeed({ results: m.results, seconds: (performance.now() - started) / 1000 }))
        void worker.terminate()
      }
    })
    worker.on("error", (e) => fail(e instanceof Error ? e.message : String(e)))
    worker.on("exit", (code) => fail(`the thread exited with code ${code} before reporting results`))
    return Effect.promise(() => worker.terminate())
  })

/** Every program's outcome, in the order given. */
export const trainPrograms = <S extends ProgramSpecBase, R>(
  mod: ProgramModule<S, R>,
  specs: ReadonlyArray<S>,
  { jobs, backend, onProgress = () => {} }: PoolOptions
): Effect.Effect<Array<ProgramOutcome<R>>, TrainingFailed> =>
  jobs <= 1 || specs.length <= 1
    ? Effect.forEach(specs, (spec, i) => inThread(mod, spec, (steps) => onProgress(i, steps)))
    : Effect.forEach(specs, (spec, i) => inWorker(mod, spec, backend, (steps) => onProgress(i, steps)), { concurrency: jobs })

/** Worker threads to train on: FSV_JOBS, else up to 2. Wall time only; the bytes do not depend on it. */
export const jobsFromEnv = (env: Record<string, string | undefined> = process.env): number => {
  const n = Number(env["FSV_JOBS"])
  return Number.isInteger(n) && n >= 1 ? n : Math.max(1, Math.min(2, availableParallelism()))
}
