/**
 * QMIX-DDPG (Appendix 7.2): QMIX's critic Q_tot = f_s(Q_1, …, Q_N), monotonic in every Q_i
 * (Eq. 2) through hypernetworks with non-negative weights (`src/nn/qmixMixer.ts`, PyMARL's
 * sizes), trained on (Q_tot − y)² with y = r; per agent a deterministic actor μ_i(τ_i) that
 * maximises its own Q_i(τ_i, μ_i(τ_i)), as DDPG does.
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
import {
  actorSpecs,
  type ContinuousLearner,
  DdpgFields,
  defaultDdpg,
  deterministicPolicy,
  type ContinuousShape,
  individualActorLoss,
  individualQ,
  individualQSpecs,
  sumOfMeanSquares
} from "../continuous.ts"

export const QmixDdpgConfig = Schema.Struct({
  ...DdpgFields,
  ...QmixMixerFields
})
export type QmixDdpgConfig = typeof QmixDdpgConfig.Type

export const defaultQmixDdpgConfig: QmixDdpgConfig = { ...defaultDdpg, ...defaultQmixMixerFields }

export const makeQmixDdpg = (shape: ContinuousShape, config: QmixDdpgConfig): ContinuousLearner => {
  const mixer = qmixMixerShape(shape.agents, shape.stateDim, config)
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
          const qTot = qmixMixBatched(q, qmixWeights(game.state, c, "mixer", mixer)) // Q_tot = f_s(Q_1, …, Q_N): [S, B]
          return sumOfMeanSquares(tf.sub(qTot, batch.reward)) // (Q_tot − y)², y = r
        }
      },
      { group: "actor", loss: (p, game) => individualActorLoss(p, game) }
    ],
    policy: (p, game) => deterministicPolicy(p["actor"]!, game),
    diagnostics: () => ({})
  }
}
