/**
 * A pool of worker threads that execute runs, one run per thread at a time.
 *
 * tfjs is single-threaded per JavaScript thread, so parallel runs need threads; and a
 * cluster runner must keep its own event loop free for heartbeats and lock refreshes while a
 * run trains for hours, or its shard and queue locks would lapse and the run be taken over.
 * The pool speaks effect/rpc over `worker_threads` (`RpcClient.layerProtocolWorker`); each
 * thread imports the stage registry module and serves `RunStage` (`worker.ts`).
 */
import { NodeWorker } from "@effect/platform-node"
import { Context, Effect, Layer, Schema } from "effect"
import { Rpc, RpcClient, RpcGroup } from "effect/rpc"
import { Worker } from "node:worker_threads"
import { RunFailed, RunItem, RunResult } from "./Run.ts"
import { siblingModule } from "../runtime/moduleUrl.ts"

export const RunStage = Rpc.make("RunStage", {
  payload: { item: RunItem, root: Schema.String, worker: Schema.String },
  success: RunResult,
  error: RunFailed
})
export const PoolRpcs = RpcGroup.make(RunStage)

/** What a worker thread is told when it starts. */
export interface WorkerData {
  /** URL of the stage registry module (see `Registry.ts`). */
  readonly registry: string
}

export interface RunPoolShape {
  /** Threads in the pool: at most this many runs at once. */
  readonly size: number
  readonly run: (item: RunItem) => Effect.Effect<RunResult, RunFailed>
}

export class RunPool extends Context.Service<RunPool, RunPoolShape>()("fsv/sweep/RunPool") {
  /**
   * `size` threads writing to the store at `root`; `label` names this process in results
   * (a runner's address, or "local").
   */
  static readonly layer = (options: {
    readonly size: number
    readonly root: string
    readonly registry: string
    readonly label: string
  }): Layer.Layer<RunPool> =>
    Layer.effect(
      RunPool,
      Effect.gen(function*() {
        const client = yield* RpcClient.make(PoolRpcs)
        return {
          size: options.size,
          run: (item: RunItem) =>
            client.RunStage({ item, root: options.root, worker: options.label }).pipe(
              Effect.catchTag("RpcClientError", (e) =>
                Effect.fail(new RunFailed({ stage: item.stage, key: item.key, reason: `the worker thread failed: ${e.message}` }))
              )
            )
        }
      })
    ).pipe(
      Layer.provide(RpcClient.layerProtocolWorker({ size: options.size, concurrency: 1 })),
      Layer.provide(
        NodeWorker.layer(() =>
          new Worker(siblingModule("./worker", import.meta.url), { workerData: { registry: options.registry } satisfies WorkerData })
        )
      ),
      Layer.orDie
    )
}
