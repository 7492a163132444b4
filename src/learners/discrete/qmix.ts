/**
 * QMIX (Rashid et al. 2018): Q_tot = f_s(Q_1, …, Q_N), monotonic in every Q_i (Eq. 2,
 * ∂Q_tot/∂Q_i ≥ 0) through non-negative hypernetwork weights; trained on
 * L = (Q_tot(τ, u) − y)² with y = r (one-step episodes). Sizes from PyMARL's qmix.yaml.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import { qmixMix, type QmixMixerShape, qmixMixerSpecs, qmixWeights } from "../../nn/qmixMixer.ts"
import {
  agentQ,
  agentSpecs,
  chosenQ,
  defaultTraining,
  type DiscreteLearner,
  type GameShape,
  weightedSquares,
  TrainingFields
} from "./Learner.ts"

export const QmixConfig = Schema.Struct({
  ...TrainingFields,
  /** Width of the mixing layer (PyMARL mixing_embed_dim). */
  mixingEmbed: Schema.Int,
  /** Hidden units of the weight hypernetworks (PyMARL hypernet_embed). */
  hypernetEmbed: Schema.Int,
  /** Layers of the weight hypernetworks, 1 or 2 (PyMARL hypernet_layers). */
  hypernetLayers: Schema.Literals([1, 2])
})
export type QmixConfig = typeof QmixConfig.Type

export const defaultQmixConfig: QmixConfig = { ...defaultTraining, mixingEmbed: 32, hypernetEmbed: 64, hypernetLayers: 2 }

export const makeQmix = (shape: GameShape, config: QmixConfig): DiscreteLearner => {
  const mixer: QmixMixerShape = {
    agents: shape.agents,
    stateDim: shape.stateDim,
    embed: config.mixingEmbed,
    hypernetEmbed: config.hypernetEmbed,
    hypernetLayers: config.hypernetLayers
  }
  const qTotOf = (params: Readonly<Record<string, tf.Tensor>>, state: tf.Tensor, chosen: tf.Tensor) =>
    qmixMix(chosen, qmixWeights(state, params, "mixer", mixer)) // [S, M]
  return {
    algo: "qmix",
    layout: new ParamLayout([...agentSpecs(shape, config.agentHidden), ...qmixMixerSpecs("mixer", mixer)]),
    training: config,
    loss: (params, game, batch) => {
      const qTot = qTotOf(params, game.state, chosenQ(agentQ(params, game), batch.actions)) // [S, M]
      return weightedSquares(tf.sub(qTot, batch.reward), batch.weight) // (Q_tot − y)², y = r
    },
    evaluate: (params, game, jointActions) => {
      const q = agentQ(params, game) // [S, N, A]
      return { agentQ: q, qTot: qTotOf(params, game.state, chosenQ(q, jointActions)) }
    }
  }
}
