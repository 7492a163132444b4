/**
 * VDN-DDPG (Appendix 7.2): VDN's critic Q_tot(τ, u) = Σ_i Q_i(τ_i, u_i) (Eq. 2, additivity)
 * trained on (Q_tot − y)² with y = r (one-step episodes), and per agent a deterministic
 * actor μ_i(τ_i) that maximises its own Q_i(τ_i, μ_i(τ_i)), as DDPG does.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
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

export const VdnDdpgConfig = Schema.Struct({ ...DdpgFields })
export type VdnDdpgConfig = typeof VdnDdpgConfig.Type

export const defaultVdnDdpgConfig: VdnDdpgConfig = { ...defaultDdpg }

export const makeVdnDdpg = (shape: ContinuousShape, config: VdnDdpgConfig): ContinuousLearner => ({
  algo: "vdn-ddpg",
  training: config,
  groups: [
    { name: "critic", layout: new ParamLayout(individualQSpecs(shape, config.hidden)), lr: config.criticLr },
    { name: "actor", layout: new ParamLayout(actorSpecs(shape, config.hidden)), lr: config.actorLr }
  ],
  noiseDraws: 0,
  exploration: { kind: "gaussian", std: config.explorationNoise },
  steps: [
    {
      group: "critic",
      loss: (p, game, batch) => {
        const qTot = tf.sum(individualQ(p["critic"]!, game, batch.actions), 2) // Q_tot = Σ_i Q_i (Eq. 2): [S, B]
        return sumOfMeanSquares(tf.sub(qTot, batch.reward)) // (Q_tot − y)², y = r
      }
    },
    { group: "actor", loss: (p, game) => individualActorLoss(p, game) }
  ],
  policy: (p, game) => deterministicPolicy(p["actor"]!, game),
  diagnostics: () => ({})
})
