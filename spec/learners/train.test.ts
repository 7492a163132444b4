/**
 * The training loop: no tensor leaks across updates for every learner, replicas that do
 * not depend on their batch-mates (bit for bit), the joint-action-row form of a batch
 * against the per-episode form, and sampling without replacement.
 */
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { nonMonotonicGame } from "../../src/envs/matrix.ts"
import { DISCRETE_ALGOS, type DiscreteAlgo } from "../../src/learners/discrete.ts"
import { buildMatrixLearner, defaultMatrixLearnerConfigs } from "../../pipelines/matrix/learners.ts"
import { createMatrixTrainer, gameShape, type Slice } from "../../pipelines/matrix/train.ts"
import { stream, sampleWithoutReplacement } from "../../src/rng/Rng.ts"
import { relErr, useWasm } from "./reference.ts"

beforeAll(useWasm)

const steps = 60
const trainer = (algo: DiscreteAlgo, slices: ReadonlyArray<Slice>, rows: "auto" | "samples" = "auto") =>
  createMatrixTrainer({
    game: nonMonotonicGame,
    learner: buildMatrixLearner(algo, gameShape(nonMonotonicGame), defaultMatrixLearnerConfigs(steps), slices.map((s) => s.alpha0 ?? 0)),
    slices,
    rootSeed: 0,
    label: ["spec", algo],
    steps,
    rows
  })
const slicesOf = (algo: DiscreteAlgo, seeds: ReadonlyArray<number>, alpha0 = 0.1): Array<Slice> =>
  seeds.map((seed) => ({ seed, alpha0: algo === "fsv" ? alpha0 : null }))

describe.each(DISCRETE_ALGOS.map((a) => [a]))("%s", (algo) => {
  // (S = 1 uses XNNPACK's matrix multiply in tfjs-wasm, S ≥ 2 its own loop: see the second test.)
  it("numTensors is flat across updates after a burn-in update, and back to its baseline after dispose", () => {
    const baseline = tf.memory().numTensors
    const t = trainer(algo, slicesOf(algo, [0, 1]))
    t.advance(33) // the buffer holds a batch from step 32: two updates
    expect(t.updatesDone()).toBe(2)
    const after = tf.memory().numTensors
    t.advance(10)
    expect(t.updatesDone()).toBe(12)
    expect(tf.memory().numTensors).toBe(after)
    t.results()
    expect(tf.memory().numTensors).toBe(after)
    t.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  it("a seed's parameters are bit-identical in any batch of two or more replicas", () => {
    const pair = trainer(algo, algo === "fsv" ? [{ seed: 3, alpha0: 0.1 }, { seed: 5, alpha0: 0.1 }] : slicesOf(algo, [3, 5]))
    const four = trainer(algo, algo === "fsv"
      ? [{ seed: 0, alpha0: 1 }, { seed: 3, alpha0: 0.01 }, { seed: 3, alpha0: 0.1 }, { seed: 5, alpha0: 0.1 }]
      : slicesOf(algo, [0, 3, 5, 7]))
    pair.advance(steps)
    four.advance(steps)
    const layout = buildMatrixLearner(algo, gameShape(nonMonotonicGame), defaultMatrixLearnerConfigs(steps), [0.1]).layout
    const mine = layout.unpack(pair.parameters(), 2, 0)
    const inBatch = layout.unpack(four.parameters(), 4, algo === "fsv" ? 2 : 1)
    for (const name of Object.keys(mine)) expect(inBatch[name], name).toEqual(mine[name])
    expect(four.results()[algo === "fsv" ? 2 : 1]).toEqual(pair.results()[0])
    pair.dispose()
    four.dispose()
  })

  it("a seed trained alone differs from its batched self only by float rounding (wasm multiplies a batch of one differently)", () => {
    const alone = trainer(algo, slicesOf(algo, [3]))
    const pair = trainer(algo, slicesOf(algo, [3, 5]))
    alone.advance(steps)
    pair.advance(steps)
    const layout = buildMatrixLearner(algo, gameShape(nonMonotonicGame), defaultMatrixLearnerConfigs(steps), [0.1]).layout
    const a = Object.values(layout.unpack(alone.parameters(), 1, 0)).flatMap((x) => Array.from(x))
    const b = Object.values(layout.unpack(pair.parameters(), 2, 0)).flatMap((x) => Array.from(x))
    expect(relErr(a, b)).toBeLessThan(1e-4)
    expect(a).not.toEqual(b) // the finding docs/matrix.md reports; if tfjs changes it, update the docs
    alone.dispose()
    pair.dispose()
  })

  it("one row per joint action gives the per-episode batch's training up to float rounding", () => {
    const a = trainer(algo, slicesOf(algo, [1]), "auto")
    const b = trainer(algo, slicesOf(algo, [1]), "samples")
    a.advance(40)
    b.advance(40)
    expect(relErr(a.parameters(), b.parameters())).toBeLessThan(1e-4)
    a.dispose()
    b.dispose()
  })
})

describe("sampleWithoutReplacement", () => {
  it("gives k distinct indices of [0, n), and every index equally often over many draws", () => {
    const rng = stream(3, ["spec", "sample"])
    const counts = new Array<number>(10).fill(0)
    for (let t = 0; t < 2000; t++) {
      const pick = sampleWithoutReplacement(rng, 10, 4)
      expect(new Set(pick).size).toBe(4)
      for (const k of pick) {
        expect(k).toBeGreaterThanOrEqual(0)
        expect(k).toBeLessThan(10)
        counts[k]!++
      }
    }
    // each index is picked with probability 4/10: 800 expected, sd ≈ 22
    for (const c of counts) expect(Math.abs(c - 800)).toBeLessThan(110)
  })

  it("k = n is a permutation", () => {
    expect(sampleWithoutReplacement(stream(1, ["p"]), 6, 6).sort()).toEqual([0, 1, 2, 3, 4, 5])
  })
})
