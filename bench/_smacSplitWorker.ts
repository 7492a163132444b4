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
import type { RecurrentAlgo } from "../src/learners/recurrent/Learner.ts"
import { buildRecurrentLearner, defaultRecurrentLearnerConfigs } from "../src/learners/recurrent/registry.ts"
import { stream } from "../src/rng/Rng.ts"
import { smacShape } from "../src/runner/EpisodeRunner.ts"
import { gumbelNoise, learnerUpdate } from "../src/runner/train.ts"
import { syntheticBatch } from "./_smacBatch.ts"

const { algo, episodes, index } = workerData as { algo: RecurrentAlgo; episodes: number; index: number }
await tf.setBackend("wasm")
await tf.ready()
const shape = smacShape(makeEnv(BUILTIN_MAPS["2s3z"]))
const data = syntheticBatch(shape, 121, episodes, index)
const learner = buildRecurrentLearner(algo, shape, defaultRecurrentLearnerConfigs)
const params = learner.layout.init(stream(0, ["bench", algo]))
const squareAvg = new Float32Array(params.length)
const target = learner.layout.tensors(params, 1)
const gumbel = learner.samplesNextActions
  ? gumbelNoise(stream(index, ["bench", algo, "gumbel"]), data.T * data.B * shape.agents * shape.actions)
  : undefined
parentPort!.on("message", (m: string) => {
  if (m === "stop") {
    tf.dispose(target)
    parentPort!.close()
    return
  }
  learnerUpdate(learner, shape, params, squareAvg, target, data, 0.5, gumbel)
  parentPort!.postMessage("done")
})
parentPort!.postMessage("ready")
