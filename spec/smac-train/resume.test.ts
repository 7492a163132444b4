/**
 * Checkpoint and resume: a run stopped part-way, written out, read back and continued ends with
 * exactly the state (parameters, optimizer, target, streams, buffer, curve) of a run that never
 * stopped. And tensors do not accumulate over a run (numTensors flat after burn-in).
 */
import * as tf from "@tensorflow/tfjs"
import { describe, expect, it } from "vitest"
import { createSmacTrainer } from "../../pipelines/smac/train.ts"
import { resumeOptions, resumesExactly } from "../fixtures/smacResume.ts"

describe.each([["qmix", 0], ["fsv", 0], ["qtran", 0], ["qmix", 0.6], ["fsv", 0.8]] as const)("%s training run (tdLambda %s)", (algo, tdLambda) => {
  const options = resumeOptions(algo, tdLambda)

  it("resumed from a checkpoint ends with the same bytes as an uninterrupted run", () => resumesExactly(options, 400))

  it("keeps tf.memory().numTensors flat after burn-in", () => {
    const before = tf.memory().numTensors
    const trainer = createSmacTrainer(options())
    trainer.advance(300) // burn-in
    const updates = trainer.updatesDone()
    expect(updates).toBeGreaterThan(0)
    const after = tf.memory().numTensors
    trainer.advance(500)
    expect(trainer.updatesDone()).toBeGreaterThan(updates + 3)
    expect(tf.memory().numTensors).toBe(after)
    trainer.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
