/**
 * QMIX-DDPG (Appendix 7.2): QMIX's critic Q_tot = f_s(Q_1, …, Q_N), monotonic in every Q_i
 * (Eq. 2) through hypernetworks with non-negative weights (`src/nn/qmixMixer.ts`, PyMARL's
 * sizes), trained on (Q_tot − y)² with y = r; per agent a deterministic actor μ_i(τ_i) that
 * maximises its own Q_i(τ_i, μ_i(τ_i)), as DDPG does.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import { qmixMix, type QmixMixerShape, qmixMixerSpecs, qmixWeights } from "../../nn/qmixMixer.ts"
import {
  actorSpecs,
  type ContinuousLearner,
  DdpgFields,
  defaultDdpg,
  deterministicPolicy,
  type GameShape,
  individualActorLoss,
  individualQ,
  individualQSpecs,
  sumOfMeanSquares
} from "./Learner.ts"

export const QmixDdpgConfig = Schema.Struct({
  ...DdpgFields,
  /** Width of the mixing layer (PyMARL mixing_embed_dim). */
  mixingEmbed: Schema.Int,
  /** Hidden units of the weight hypernetworks (PyMARL hypernet_embed). */
  hypernetEmbed: Schema.Int,
  /** Layers of the weight hypernetworks, 1 or 2 (PyMARL hypernet_layers). */
  hypernetLayers: Schema.Literals([1, 2])
})
export type QmixDdpgConfig = typeof QmixDdpgConfig.Type

export const defaultQmixDdpgConfig: QmixDdpgConfig = { ...defaultDdpg, mixingEmbed: 32, hypernetEmbed: 64, hypernetLayers: 2 }

export const makeQmixDdpg = (shape: GameShape, config: QmixDdpgConfig): ContinuousLearner => {
  const mixer: QmixMixerShape = {
    agents: shape.agents,
    stateDim: shape.stateDim,
    embed: config.mixingEmbed,
    hypernetEmbed: config.hypernetEmbed,
    hypernetLayers: config.hypernetLayers
  }
  return {
    algo: "qmix-ddpg",
    training: config,
    groups: [
      {
        name: "critic",
        layout: new ParamLayout([...individualQSpecs(shape, config.hidden), ...qmixMixerSpecs("mixer", mixer)]),
        lr: config.criticLr
      },
      { name: "actor", layout: new ParamLayout(actorSpecs(shape, config.hidden)), lr: config.actorLr }
    ],
    noiseDraws: 0,
    exploration: { kind: "gaussian", std: config.explorationNoise },
    steps: [
      {
        group: "critic",
        loss: (p, game, batch) => {
          const c = p["critic"]!
          const q = individualQ(c, game, batch.actions) // Q_i(τ_i, u_i): [S, B, N]
          const qTot = qmixMix(q, qmixWeights(game.state, c, "mixer", mixer)) // Q_tot = f_s(Q_1, …, Q_N): [S, B]
          return sumOfMeanSquares(tf.sub(qTot, batch.reward)) // (Q_tot − y)², y = r
        }
      },
      { group: "actor", loss: (p, game) => individualActorLoss(p, game) }
    ],
    policy: (p, game) => deterministicPolicy(p["actor"]!, game),
    diagnostics: () => ({})
  }
}
