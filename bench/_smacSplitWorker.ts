/**
 * A worker thread of `npm run bench -- smac-train --split K`: its own tfjs with the wasm
 * backend, one learner, a synthetic batch of B/K episodes. On each "go" it runs one full
 * update (forward, backward, RMSProp) and answers "done", so the main thread can time K
 * workers updating at once.
 */
import { parentPort, workerData } from "node:worker_threads"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { makeEnv } from "../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../src/envs/smac/MapSpec.ts"
import type { RecurrentAlgo } from "../src/learners/recurrent.ts"
import { smacShape } from "../pipelines/smac/EpisodeRunner.ts"
import { benchUpdater, syntheticBatch } from "./_smacBatch.ts"

const { algo, episodes, index } = workerData as { algo: RecurrentAlgo; episodes: number; index: number }
await tf.setBackend("wasm")
await tf.ready()
const shape = smacShape(makeEnv(BUILTIN_MAPS["2s3z"]))
const updater = benchUpdater(algo, shape, syntheticBatch(shape, 121, episodes, index), index)
parentPort!.on("message", (m: string) => {
  if (m === "stop") {
    updater.dispose()
    parentPort!.close()
    return
  }
  updater.update()
  parentPort!.postMessage("done")
})
parentPort!.postMessage("ready")
