/**
 * Entry of a pool thread (see `Pool.ts`): imports the stage registry named in its
 * `workerData` and executes `RunStage` requests one at a time with the store they name.
 */
import { NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { RpcServer } from "effect/rpc"
import { threadId, workerData } from "node:worker_threads"
import { Progress } from "../progress/Progress.ts"
import { ArtifactStore } from "../store/ArtifactStore.ts"
import { LiveRuns } from "../store/Live.ts"
import { PoolRpcs, type WorkerData } from "./Pool.ts"
import { loadRegistry, stagesByName } from "./Registry.ts"
import { executeRun } from "./Run.ts"

const { registry } = workerData as WorkerData
const loaded = await loadRegistry(registry)
const stages = stagesByName(loaded)

const Handlers = PoolRpcs.toLayer({
  RunStage: ({ item, root, worker }) =>
    executeRun(item, stages, `${worker}#${threadId}`).pipe(
      Effect.provide(loaded.runServices?.(root) ?? Layer.empty), // e.g. checkpoints of long runs
      Effect.provide(ArtifactStore.layer(root)),
      Effect.provide(LiveRuns.files(root)), // runs that report their curves as they go (fsv dashboard)
      Effect.provide(Progress.silent)
    )
})

RpcServer.layer(PoolRpcs).pipe(
  Layer.provide(Handlers),
  Layer.provide(RpcServer.layerProtocolWorkerRunner),
  Layer.provide(NodeWorkerRunner.layer),
  Layer.launch,
  NodeRuntime.runMain
)
