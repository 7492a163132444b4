/**
 * The training loop over batched seeds, for every continuous learner: no tensor leaks
 * (tf.memory().numTensors flat while training and back to its baseline after dispose), and
 * a seed's numbers do not depend on which other seeds share its batch.
 */
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { defaultGame } from "../../src/envs/quadratics.ts"
import { CONTINUOUS_ALGOS, type ContinuousAlgo } from "../../src/learners/continuous.ts"
import { defaultQuadraticsLearnerConfigs, type QuadraticsLearnerConfigs, buildQuadraticsLearner } from "../../pipelines/quadratics/learners.ts"
import { createQuadraticsTrainer, quadraticsShape, type SeedResult } from "../../pipelines/quadratics/train.ts"

beforeAll(async () => {
  await import("@tensorflow/tfjs-backend-wasm")
  await tf.setBackend("wasm")
  await tf.ready()
})

/** A small budget: 20 warm-up steps, then updates on batches of 8. */
const small: QuadraticsLearnerConfigs = Object.fromEntries(
  CONTINUOUS_ALGOS.map((a) => [a, { ...defaultQuadraticsLearnerConfigs[a], warmupSteps: 20, batchSize: 8 }])
) as unknown as QuadraticsLearnerConfigs

const trainer = (algo: ContinuousAlgo, seeds: ReadonlyArray<number>, steps: number) =>
  createQuadraticsTrainer({
    game: defaultGame,
    learner: buildQuadraticsLearner(algo, small, quadraticsShape, defaultGame.bound),
    seeds,
    rootSeed: 0,
    label: ["quadratics", algo],
    steps,
    evalEvery: 10
  })

const train = (algo: ContinuousAlgo, seeds: ReadonlyArray<number>, steps: number): Array<SeedResult> => {
  const t = trainer(algo, seeds, steps)
  try {
    t.advance(steps)
    return t.results()
  } finally {
    t.dispose()
  }
}

describe.each(CONTINUOUS_ALGOS)("%s", (algo) => {
  it("leaks no tensors: flat while training, back to the baseline after dispose", () => {
    const baseline = tf.memory().numTensors
    const t = trainer(algo, [0, 1], 100)
    t.advance(30) // past warm-up: updates have run
    expect(t.updatesDone()).toBeGreaterThan(0)
    const during = tf.memory().numTensors
    t.advance(30)
    t.results()
    expect(tf.memory().numTensors).toBe(during)
    t.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  it("gives a seed the same numbers whichever seeds share its batch", () => {
    const a = train(algo, [3, 5], 60)
    const b = train(algo, [5, 7, 3], 60)
    const alone = train(algo, [3], 60)
    expect(b.find((r) => r.seed === 3)).toEqual(a.find((r) => r.seed === 3))
    expect(b.find((r) => r.seed === 5)).toEqual(a.find((r) => r.seed === 5))
    expect(alone).toEqual([a.find((r) => r.seed === 3)])
    // and training moved the actor: the curve is not constant after warm-up
    const curve = a[0]!.curve
    expect(new Set(curve.slice(2)).size).toBeGreaterThan(1)
  })
})
