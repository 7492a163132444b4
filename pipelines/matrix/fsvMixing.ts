/**
 * A trained FSV mixer as plain numbers: λ_i(s, u) for every joint action u, w_i(s), b(s)
 * and α (Eq. 13–15) of each replica, read from its parameters, so that the theory checks
 * (`fsvMixer`, `checkIgm` in src/theory) can run on the function training produced.
 */
import * as tf from "@tensorflow/tfjs"
import { jointCount } from "../../src/core/factorization.ts"
import type { FsvMixing } from "../../src/theory/fsvMixer.ts"
import { type DiscreteFsvLearner } from "../../src/learners/fsv/discrete.ts"
import { everyJointAction, gameShape, gameTensors, replicaParameters, type TrainedParameters } from "./train.ts"
import { alphaAt } from "../../src/learners/fsv/temperature.ts"

/**
 * Each replica's mixing at `step` (α of the anneal at that step). `parameters` is [S · P] in
 * `ParamLayout` order, as `Trainer.parameters()` holds them. Leaves no tensor behind.
 */
export const fsvMixingOf = (options: TrainedParameters<DiscreteFsvLearner>): Array<FsvMixing> => {
  const { game, learner, slices, step } = options
  const N = gameShape(game).agents
  const S = slices.length
  if (slices.some((sl) => sl.alpha0 === null)) throw new RangeError("fsvMixingOf: every FSV replica needs its α0")
  const J = jointCount(game.actionCounts)
  const out = tf.tidy(() => {
    const m = learner.mixing(replicaParameters(options), gameTensors(game, S), everyJointAction(game, S), step)
    return [m.lambda, m.w, m.b] // [S, J, N], [S, 1, N], [S, 1]
  })
  const [lambda, w, b] = out.map((t) => t.dataSync())
  tf.dispose(out)
  return slices.map((sl, s) => ({
    actionCounts: game.actionCounts,
    lambda: Array.from({ length: J }, (_, j) => Array.from(lambda!.subarray((s * J + j) * N, (s * J + j + 1) * N))),
    w: Array.from(w!.subarray(s * N, (s + 1) * N)),
    b: b![s]!,
    alpha: alphaAt(learner.training, sl.alpha0!, step) // in float64; the network computes it in float32
  }))
}
