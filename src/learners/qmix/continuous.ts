/**
 * QMIX-DDPG (Appendix 7.2): QMIX's critic Q_tot = f_s(Q_1, …, Q_N), monotonic in every Q_i
 * (Eq. 2) through hypernetworks with non-negative weights (`src/learners/qmix/mixer.ts`, PyMARL's
 * sizes), trained on (Q_tot − y)² with y = r; per agent a deterministic actor μ_i(τ_i) that
 * maximises its own Q_i(τ_i, μ_i(τ_i)), as DDPG does.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import {
  defaultQmixMixerFields,
  qmixMixBatched,
  QmixMixerFields,
  qmixMixerShape,
  qmixMixerSpecs,
  qmixWeights
} from "./mixer.ts"
import { type ContinuousLearner, DdpgFields, defaultDdpg, type ContinuousShape, individualQ, individualQSpecs, sumOfMeanSquares, makeDdpgLearner } from "../continuous.ts"

export const QmixDdpgConfig = Schema.Struct({
  ...DdpgFields,
  ...QmixMixerFields
})
export type QmixDdpgConfig = typeof QmixDdpgConfig.Type

export const defaultQmixDdpgConfig: QmixDdpgConfig = { ...defaultDdpg, ...defaultQmixMixerFields }

export const makeQmixDdpg = (shape: ContinuousShape, config: QmixDdpgConfig): ContinuousLearner => {
  const mixer = qmixMixerShape(shape.agents, shape.stateDim, config)
  const critic = [...individualQSpecs(shape, config.hidden), ...qmixMixerSpecs("mixer", mixer)]
  return makeDdpgLearner("qmix-ddpg", shape, config, critic, (p, game, batch) => {
    const c = p["critic"]!
    const q = individualQ(c, game, batch.actions) // Q_i(τ_i, u_i): [S, B, N]
    const qTot = qmixMixBatched(q, qmixWeights(game.state, c, "mixer", mixer)) // Q_tot = f_s(Q_1, …, Q_N): [S, B]
    return sumOfMeanSquares(tf.sub(qTot, batch.reward)) // (Q_tot − y)², y = r
  })
}
