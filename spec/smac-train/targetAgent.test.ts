/**
 * The training loop runs the target network's agent outside tf.grads and hands its outputs to
 * the learner (`UpdateContext.targetAgent`). Each learner must use them, and they must give the
 * loss and gradients of computing them inside, to the byte, on both backends.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { Backend } from "../../src/backend/Backend.ts"
import { agentQs, batchTensors, RECURRENT_ALGOS, type UpdateContext } from "../../src/learners/recurrent/Learner.ts"
import { buildRecurrentLearner, defaultRecurrentLearnerConfigs } from "../../src/learners/recurrent/registry.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { stream } from "../../src/rng/Rng.ts"
import { smacShape } from "../../src/runner/EpisodeRunner.ts"
import { gumbelNoise } from "../../src/runner/train.ts"
import { syntheticBatch } from "../../bench/_smacBatch.ts"

const shape = smacShape(makeEnv(BUILTIN_MAPS["3m"]))
const data = syntheticBatch(shape, 6, 3)
const H = 16
const configs = Object.fromEntries(
  Object.entries(defaultRecurrentLearnerConfigs).map(([k, c]) => [k, { ...c, agentHidden: H }])
) as unknown as typeof defaultRecurrentLearnerConfigs

describe.each(["cpu", "wasm"] as const)("the target agent computed outside the tape, on %s", (backend) => {
  beforeAll(async () => {
    await Effect.runPromise(Effect.gen(function*() { yield* Backend }).pipe(Effect.provide(Backend.layer(backend, 1))))
  })

  it.each(RECURRENT_ALGOS)("%s: same loss and gradient bytes, and the learner uses it", (algo) => {
    const learner = buildRecurrentLearner(algo, shape, configs)
    const params = learner.layout.init(stream(3, ["spec", "targetAgent", algo]))
    const target = learner.layout.init(stream(4, ["spec", "targetAgent", algo]))
    const gumbel = gumbelNoise(stream(5, ["spec", "targetAgent"]), data.T * data.B * shape.agents * shape.actions)
    const run = (how: "inside" | "outside" | "zeros") => tf.tidy(() => {
      const batch = batchTensors(shape, data)
      const targetNamed = learner.layout.named(learner.layout.tensors(target, 1))
      const base: UpdateContext = { alpha: 0.5, gumbel: tf.tensor4d(gumbel, [data.T, data.B, shape.agents, shape.actions]) }
      const outside = agentQs(targetNamed, batch, shape, H)
      const ctx: UpdateContext = how === "inside"
        ? base
        : { ...base, targetAgent: how === "outside" ? outside : { q: tf.zerosLike(outside.q), hidden: tf.zerosLike(outside.hidden) } }
      const { value, grads } = tf.variableGrads(() => learner.loss(learner.layout.named(ps), targetNamed, batch, ctx), ps)
      return Float32Array.from([value.dataSync()[0]!, ...tf.concat(Object.values(grads).map((g) => tf.reshape(g, [-1]))).dataSync()])
    })
    const ps = learner.layout.tensors(params, 1).map((t) => tf.variable(t))
    const inside = run("inside")
    const outside = run("outside")
    const zeros = run("zeros")
    tf.dispose(ps)
    expect(Buffer.from(outside.buffer).equals(Buffer.from(inside.buffer))).toBe(true)
    expect(zeros[0]).not.toBe(inside[0]) // the learner reads ctx.targetAgent
  })
})
