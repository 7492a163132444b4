/**
 * The threaded wasm backend: thread counts resolve with typed errors, the backend really runs
 * on 2 threads, and a SMAC learner update gives the same bytes on 1 and 2 threads (so the
 * thread count can stay out of artifact keys).
 */
import { createHash } from "node:crypto"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { Backend, resolveThreads } from "../../src/backend/Backend.ts"
import { shareWasmIdentity } from "../../src/backend/wasmIdentity.ts"
import { wasmThreadsInUse } from "../../src/backend/wasmThreads.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { benchUpdater, syntheticBatch } from "../../bench/_smacBatch.ts"

/** Activate wasm on `threads` threads; resolves to the count the Backend service reports. */
const activate = (threads: number) =>
  Effect.runPromise(Effect.gen(function*() {
    return (yield* Backend).threads
  }).pipe(Effect.provide(Backend.layer("wasm", threads))))

/** Digest of the parameters after three updates of `algo` on a fixed synthetic 2s3z batch. */
const updatedParams = (algo: "qmix" | "fsv"): string => {
  const shape = smacShape(makeEnv(BUILTIN_MAPS["2s3z"]))
  const learner = benchUpdater(algo, shape, syntheticBatch(shape, 30, 8))
  for (let k = 0; k < 3; k++) learner.update()
  learner.dispose()
  return createHash("sha256").update(learner.params).digest("hex")
}

describe("wasm threads", () => {
  it("resolve from the flag, then FSV_THREADS, then one per core; bad counts fail naming the source", () => {
    expect(Effect.runSync(resolveThreads("3", { FSV_THREADS: "1" }))).toBe(3)
    expect(Effect.runSync(resolveThreads(undefined, { FSV_THREADS: "1" }))).toBe(1)
    expect(Effect.runSync(resolveThreads(undefined, {}))).toBeGreaterThanOrEqual(1)
    for (const [flag, env, source] of [["0", {}, "--threads"], ["two", {}, "--threads"], [undefined, { FSV_THREADS: "9" }, "FSV_THREADS"]] as const) {
      const err = Effect.runSync(Effect.flip(resolveThreads(flag, env)))
      expect(err._tag).toBe("InvalidThreads")
      expect(err.message).toContain(`(from ${source})`)
      expect(err.message).toMatch(/integer from 1 to 8/)
    }
  })

  it("run on 2 threads and give a learner update the same bytes as 1 thread", async () => {
    expect(await activate(1)).toBe(1)
    expect(wasmThreadsInUse()).toBe(1)
    const one = { qmix: updatedParams("qmix"), fsv: updatedParams("fsv") }
    expect(await activate(2)).toBe(2)
    expect(tf.getBackend()).toBe("wasm")
    expect(wasmThreadsInUse()).toBe(2) // not a silent fallback to one thread
    expect({ qmix: updatedParams("qmix"), fsv: updatedParams("fsv") }).toEqual(one)
    expect(tf.memory().numTensors).toBe(0)
  }, 120_000)

  it("clone a tensor by sharing its memory, freed with the last holder, and give the same update bytes as the package's copying Identity", async () => {
    expect(await activate(1)).toBe(1)
    const backend = tf.engine().backend
    const before = backend.numDataIds()
    const x = tf.tensor1d([1, 2, 3])
    const y = tf.clone(x)
    expect(backend.numDataIds()).toBe(before + 1) // one buffer for both: no copy
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]) // still there after the first holder let go
    y.dispose()
    expect(backend.numDataIds()).toBe(before)
    const shared = { qmix: updatedParams("qmix"), fsv: updatedParams("fsv") }
    try {
      shareWasmIdentity(false)
      const x2 = tf.tensor1d([4])
      const y2 = tf.clone(x2)
      expect(backend.numDataIds()).toBe(before + 2) // the package's kernel copies: the comparison below is a real one
      tf.dispose([x2, y2])
      expect({ qmix: updatedParams("qmix"), fsv: updatedParams("fsv") }).toEqual(shared)
    } finally {
      shareWasmIdentity(true)
    }
    expect(backend.numDataIds()).toBe(before)
  }, 120_000)
})
