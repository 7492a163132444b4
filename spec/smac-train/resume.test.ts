/**
 * Checkpoint and resume: a run stopped part-way, written out, read back and continued ends with
 * exactly the state (parameters, optimizer, target, streams, buffer, curve) of a run that never
 * stopped. And tensors do not accumulate over a run (numTensors flat after burn-in).
 */
import * as tf from "@tensorflow/tfjs"
import { describe, expect, it } from "vitest"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { defaultRecurrentFsvConfig, makeRecurrentFsv } from "../../src/learners/fsv/recurrent.ts"
import { defaultRecurrentQmixConfig, makeRecurrentQmix } from "../../src/learners/qmix/recurrent.ts"
import { defaultRecurrentQtranConfig, makeRecurrentQtran } from "../../src/learners/qtran/recurrent.ts"
import { decodeCheckpoint, encodeCheckpoint } from "../../pipelines/smac/checkpoint.ts"
import { smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { createSmacTrainer, defaultSmacRunSettings, type SmacTrainOptions } from "../../pipelines/smac/train.ts"

const map = BUILTIN_MAPS["3m"]
const shape = smacShape(makeEnv(map))
const small = { agentHidden: 8, batchSize: 4, bufferSize: 6, targetUpdateEpisodes: 8 }
const settings = { ...defaultSmacRunSettings(900), envs: 4, updatesPerRun: 3, testInterval: 300, testEpisodes: 4, epsilonAnnealSteps: 600 }
const learners = {
  qmix: (tdLambda: number) => makeRecurrentQmix(shape, { ...defaultRecurrentQmixConfig, ...small, mixingEmbed: 4, hypernetEmbed: 8, tdLambda }),
  fsv: (tdLambda: number) => makeRecurrentFsv(shape, { ...defaultRecurrentFsvConfig, ...small, alphaAnnealSteps: 600, lambdaHidden: 8, lambdaEmbed: 4, heads: 2, keyDim: 4, tdLambda }),
  qtran: (tdLambda: number) => makeRecurrentQtran(shape, { ...defaultRecurrentQtranConfig, ...small, mixingEmbed: 8, tdLambda })
}

describe.each([["qmix", 0], ["fsv", 0], ["qtran", 0], ["qmix", 0.6], ["fsv", 0.8]] as const)("%s training run (tdLambda %s)", (algo, tdLambda) => {
  const options = (): SmacTrainOptions => ({ map, learner: learners[algo](tdLambda), settings, rootSeed: 5, seed: 1 })

  it("resumed from a checkpoint ends with the same bytes as an uninterrupted run", () => {
    const whole = createSmacTrainer(options())
    whole.advance(Infinity)
    const expected = encodeCheckpoint(whole.state())
    whole.dispose()

    const first = createSmacTrainer(options())
    first.advance(400)
    const saved = encodeCheckpoint(first.state())
    first.dispose() // the process dies here
    const second = createSmacTrainer(options(), decodeCheckpoint(saved))
    expect(second.stepsDone()).toBeGreaterThanOrEqual(400)
    second.advance(Infinity)
    const got = encodeCheckpoint(second.state())
    second.dispose()
    expect(JSON.parse(got).curve.length).toBeGreaterThanOrEqual(3)
    expect(JSON.parse(got).updates).toBeGreaterThan(8)
    expect(got).toBe(expected)
  })

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
