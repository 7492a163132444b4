import * as tf from "@tensorflow/tfjs"
import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import {
  acquireOptimizer,
  acquireTensor,
  acquireVariable,
  Backend,
  resolveBackendName,
  withLeakCheck
} from "../../src/backend/Backend.ts"

const wasm = Backend.layer("wasm")

describe("backend selection", () => {
  it("flag beats FSV_BACKEND beats the default", () => {
    expect(Effect.runSync(resolveBackendName(undefined, {}))).toBe("wasm")
    expect(Effect.runSync(resolveBackendName(undefined, { FSV_BACKEND: "cpu" }))).toBe("cpu")
    expect(Effect.runSync(resolveBackendName("wasm", { FSV_BACKEND: "cpu" }))).toBe("wasm")
  })

  it("an unknown name fails with a typed error that lists the choices and where the name came from", () => {
    const exit = Effect.runSyncExit(resolveBackendName(undefined, { FSV_BACKEND: "cuda" }))
    expect(Exit.isFailure(exit)).toBe(true)
    const err = Effect.runSync(Effect.flip(resolveBackendName(undefined, { FSV_BACKEND: "cuda" })))
    expect(err._tag).toBe("UnknownBackend")
    expect(err.message).toMatch(/"cuda" \(from FSV_BACKEND\)/)
    expect(err.message).toMatch(/wasm, cpu, node, node-gpu/)
  })

  it("wasm and cpu initialise; the active backend is the chosen one", async () => {
    for (const name of ["cpu", "wasm"] as const) {
      const got = await Effect.runPromise(
        Effect.gen(function*() {
          const b = yield* Backend
          return [b.name, tf.getBackend()]
        }).pipe(Effect.provide(Backend.layer(name)))
      )
      expect(got).toEqual([name, name])
    }
  })

  it("node-gpu without @tensorflow/tfjs-node-gpu fails with one paragraph naming what to run", async () => {
    let installed = true
    try {
      await import("@tensorflow/tfjs-node-gpu" as string)
    } catch {
      installed = false
    }
    if (installed) return // an NVIDIA machine with tfjs-node-gpu built: nothing to check here
    const err = await Effect.runPromise(Effect.flip(Layer.build(Backend.layer("node-gpu")).pipe(Effect.scoped)))
    expect(err._tag).toBe("BackendUnavailable")
    expect(err.message).toMatch(/npm run setup:native -- --gpu/)
    expect(err.message).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/)
    expect(err.message).toMatch(/--backend wasm/)
    expect(err.message).not.toMatch(/\n/)
  })
})

describe("tensors as scoped resources", () => {
  const program = (fail: boolean) =>
    Effect.gen(function*() {
      const w = yield* acquireVariable(() => tf.ones([4, 3]))
      const x = yield* acquireTensor(() => tf.ones([2, 4]))
      const opt = yield* acquireOptimizer(() => tf.train.adam(0.1))
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => {
          opt.minimize(() => x.matMul(w).square().mean() as tf.Scalar)
        })
      }
      if (fail) return yield* Effect.fail("boom" as const)
      return w.dataSync()[0]!
    })

  it("a scoped program leaves numTensors at its baseline", async () => {
    const before = tf.memory().numTensors
    const v = await Effect.runPromise(withLeakCheck(program(false)).pipe(Effect.provide(wasm)))
    expect(v).toBeLessThan(1) // training moved the weight down from 1
    expect(tf.memory().numTensors).toBe(before)
  })

  it("also when it fails: the program's error comes through and nothing leaks", async () => {
    const before = tf.memory().numTensors
    const exit = await Effect.runPromiseExit(withLeakCheck(program(true)).pipe(Effect.provide(wasm)))
    expect(exit).toEqual(Exit.fail("boom"))
    expect(tf.memory().numTensors).toBe(before)
  })

  it("a program that leaks is caught", async () => {
    let leaked: tf.Tensor | undefined
    const err = await Effect.runPromise(
      Effect.flip(withLeakCheck(Effect.sync(() => { leaked = tf.ones([2]) }), "leaky")).pipe(Effect.provide(wasm))
    )
    expect(err._tag).toBe("TensorLeak")
    expect(err.message).toMatch(/leaky: 1 tensor\(s\) leaked/)
    leaked?.dispose()
  })
})
