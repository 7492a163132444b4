/**
 * One run of a sweep: what travels to a runner (`RunItem`), what comes back (`RunResult`
 * or `RunFailed`), and how a worker executes it: decode the config with the stage's Schema
 * and call `runStage`, exactly as a user running the stage alone would. The store answers a
 * key that exists with a cache hit and publishes a new one atomically.
 */
import { Cause, Clock, Effect, Schema } from "effect"
import { Backend, parseBackendName } from "../backend/Backend.ts"
import { Progress } from "../progress/Progress.ts"
import { type ArtifactRef, artifactDir, ArtifactStore, hasArtifactAt } from "../store/ArtifactStore.ts"
import type { Digest } from "../store/Canonical.ts"
import { type AnyStage, decodeConfig, runStage } from "../store/Stage.ts"

/** An input artifact of a run, by the name the stage reads it under. */
export const RunInput = Schema.Struct({ name: Schema.String, stage: Schema.String, digest: Schema.String })
export type RunInput = typeof RunInput.Type

/** One unit of work, as it travels through the queue to a runner. */
export const RunItem = Schema.Struct({
  /** The artifact digest the coordinator expects; also the queue's idempotency key. */
  key: Schema.String,
  stage: Schema.String,
  /** Canonical JSON of the stage's encoded config. */
  config: Schema.String,
  inputs: Schema.Array(RunInput),
  /** The tensor backend (part of the key, so every runner uses the coordinator's). */
  backend: Schema.String
})
export type RunItem = typeof RunItem.Type

export const RunResult = Schema.Struct({
  stage: Schema.String,
  digest: Schema.String,
  /** True when the artifact existed and nothing ran. */
  cached: Schema.Boolean,
  /** Wall-clock seconds in the worker (not part of any artifact). */
  seconds: Schema.Number,
  /** Which runner or thread executed it, for the status listing. */
  worker: Schema.String
})
export type RunResult = typeof RunResult.Type

/** A run did not produce its artifact. */
export class RunFailed extends Schema.TaggedError<RunFailed>()("RunFailed", {
  stage: Schema.String,
  key: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Run ${this.stage}/${this.key.slice(0, 12)} failed: ${this.reason}`
  }
}

const firstLine = (s: string): string => s.split("\n").find((l) => l.trim() !== "") ?? s

/** A failure of any kind as one line for the board and the status listing. */
const describeCause = (cause: Cause.Cause<unknown>): string => {
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure) {
    const e = failure.error as { message?: unknown }
    return firstLine(typeof e?.message === "string" && e.message !== "" ? e.message : String(failure.error))
  }
  return firstLine(Cause.pretty(cause))
}

/**
 * Execute `item` in this thread against the store in context. Every failure, typed or not,
 * becomes a `RunFailed` naming the run.
 */
export const executeRun = (
  item: RunItem,
  stages: ReadonlyMap<string, AnyStage>,
  worker: string
): Effect.Effect<RunResult, RunFailed, ArtifactStore | Progress> =>
  Effect.gen(function*() {
    const fail = (reason: string) => new RunFailed({ stage: item.stage, key: item.key, reason })
    const stage = stages.get(item.stage)
    if (!stage) return yield* fail(`this runner does not know stage "${item.stage}" (known: ${[...stages.keys()].join(", ")})`)
    const store = yield* ArtifactStore
    const inputs: Record<string, ArtifactRef> = {}
    for (const input of item.inputs) {
      const dir = artifactDir(store.root, input.stage, input.digest)
      if (!hasArtifactAt(dir)) return yield* fail(`its input ${input.name} is not in the store (${dir})`)
      inputs[input.name] = { stage: input.stage, digest: input.digest as Digest, dir, cached: true }
    }
    const backend = yield* parseBackendName(item.backend, "the sweep's backend")
    const config = yield* decodeConfig(stage, JSON.parse(item.config) as unknown, `config of run ${item.key.slice(0, 12)}`)
    const started = yield* Clock.currentTimeMillis
    const ref = yield* runStage(stage, config, { inputs }).pipe(Effect.provide(Backend.layer(backend)))
    const finished = yield* Clock.currentTimeMillis
    if (ref.digest !== item.key) {
      return yield* fail(
        `this runner computes key ${ref.digest.slice(0, 12)} where the coordinator expected ${item.key.slice(0, 12)}: ` +
          `the runner and the coordinator run different fsv code or runtimes (compare stage.json in ${ref.dir}); run the same version everywhere`
      )
    }
    return { stage: ref.stage, digest: ref.digest, cached: ref.cached, seconds: (finished - started) / 1000, worker }
  }).pipe(
    Effect.catchCause((cause) => {
      // An interrupted run (the runner is shutting down) is not a failed one: it goes back to the queue.
      if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const failure = cause.reasons.find(Cause.isFailReason)
      if (failure && failure.error instanceof RunFailed) return Effect.fail(failure.error)
      return Effect.fail(new RunFailed({ stage: item.stage, key: item.key, reason: describeCause(cause) }))
    })
  )
