/**
 * QMIX (Rashid et al. 2018): Q_tot = f_s(Q_1, …, Q_N), monotonic in every Q_i (Eq. 2,
 * ∂Q_tot/∂Q_i ≥ 0) through non-negative hypernetwork weights; trained on
 * L = (Q_tot(τ, u) − y)² with y = r (one-step episodes). Sizes from PyMARL's qmix.yaml.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import {
  defaultQmixMixerFields,
  qmixMixBatched,
  QmixMixerFields,
  qmixMixerShape,
  qmixMixerSpecs,
  qmixWeights
} from "./mixer.ts"
import { agentQ, agentSpecs, type DiscreteLearner, type DiscreteShape, weightedSquares } from "../discrete.ts"
import { chosenQ } from "../../nn/chosenQ.ts"
import { TrainingFields, defaultTraining } from "../Learner.ts"

export const QmixConfig = Schema.Struct({
  ...TrainingFields,
  ...QmixMixerFields
})
export type QmixConfig = typeof QmixConfig.Type

export const defaultQmixConfig: QmixConfig = { ...defaultTraining, ...defaultQmixMixerFields }

export const makeQmix = (shape: DiscreteShape, config: QmixConfig): DiscreteLearner => {
  const mixer = qmixMixerShape(shape.agents, shape.stateDim, config)
  const qTotOf = (params: Readonly<Record<string, tf.Tensor>>, state: tf.Tensor, chosen: tf.Tensor) =>
    qmixMixBatched(chosen, qmixWeights(state, params, "mixer", mixer)) // [S, M]
  return {
    algo: "qmix",
    layout: new ParamLayout([...agentSpecs(shape, config.agentHidden), ...qmixMixerSpecs("mixer", mixer)]),
    training: config,
    loss: (params, game, batch) => {
      const qTot = qTotOf(params, game.state, chosenQ(tf.expandDims(agentQ(params, game), 1), batch.actions)) // [S, M]
      return weightedSquares(tf.sub(qTot, batch.reward), batch.weight) // (Q_tot − y)², y = r
    },
    evaluate: (params, game, jointActions) => {
      const q = agentQ(params, game) // [S, N, A]
      return { agentQ: q, qTot: qTotOf(params, game.state, chosenQ(tf.expandDims(q, 1), jointActions)) }
    }
  }
}
