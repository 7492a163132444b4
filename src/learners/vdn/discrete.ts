/**
 * VDN (Sunehag et al. 2017): Q_tot(τ, u) = Σ_i Q_i(τ_i, u_i) (Eq. 2, additivity), trained
 * on L = (Q_tot(τ, u) − y)² with y = r (one-step episodes).
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import { agentQ, agentSpecs, type DiscreteLearner, type DiscreteShape, weightedSquares } from "../discrete.ts"
import { chosenQ } from "../../nn/chosenQ.ts"
import { TrainingFields, defaultTraining } from "../Learner.ts"

export const VdnConfig = Schema.Struct({ ...TrainingFields })
export type VdnConfig = typeof VdnConfig.Type

export const defaultVdnConfig: VdnConfig = { ...defaultTraining }

/** Q_tot = Σ_i Q_i(u_i): chosen [S, M, N] → [S, M]. */
export const vdnMixBatched = (chosen: tf.Tensor): tf.Tensor => tf.sum(chosen, 2) // Eq. 2 (left)

export const makeVdn = (shape: DiscreteShape, config: VdnConfig): DiscreteLearner => ({
  algo: "vdn",
  layout: new ParamLayout(agentSpecs(shape, config.agentHidden)),
  training: config,
  loss: (params, game, batch) => {
    const qTot = vdnMixBatched(chosenQ(tf.expandDims(agentQ(params, game), 1), batch.actions)) // [S, M]
    return weightedSquares(tf.sub(qTot, batch.reward), batch.weight) // (Q_tot − y)², y = r
  },
  evaluate: (params, game, jointActions) => {
    const q = agentQ(params, game) // [S, N, A]
    return { agentQ: q, qTot: vdnMixBatched(chosenQ(tf.expandDims(q, 1), jointActions)) }
  }
})
