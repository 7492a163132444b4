/**
 * VDN-DDPG (Appendix 7.2): VDN's critic Q_tot(τ, u) = Σ_i Q_i(τ_i, u_i) (Eq. 2, additivity)
 * trained on (Q_tot − y)² with y = r (one-step episodes), and per agent a deterministic
 * actor μ_i(τ_i) that maximises its own Q_i(τ_i, μ_i(τ_i)), as DDPG does.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { type ContinuousLearner, DdpgFields, defaultDdpg, type ContinuousShape, individualQ, individualQSpecs, sumOfMeanSquares, makeDdpgLearner } from "../continuous.ts"

export const VdnDdpgConfig = Schema.Struct({ ...DdpgFields })
export type VdnDdpgConfig = typeof VdnDdpgConfig.Type

export const defaultVdnDdpgConfig: VdnDdpgConfig = { ...defaultDdpg }

export const makeVdnDdpg = (shape: ContinuousShape, config: VdnDdpgConfig): ContinuousLearner =>
  makeDdpgLearner("vdn-ddpg", shape, config, individualQSpecs(shape, config.hidden), (p, game, batch) => {
    const qTot = tf.sum(individualQ(p["critic"]!, game, batch.actions), 2) // Q_tot = Σ_i Q_i (Eq. 2): [S, B]
    return sumOfMeanSquares(tf.sub(qTot, batch.reward)) // (Q_tot − y)², y = r
  })
