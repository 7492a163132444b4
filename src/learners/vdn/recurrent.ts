/**
 * VDN on episodes (Sunehag et al. 2018; PyMARL's QLearner with `mixer: vdn`): Q_tot = Σ_i Q_i
 * (Eq. 2, left), trained on the double-Q TD target of `makeDoubleQLearner`.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import { defaultRecurrentTraining, makeDoubleQLearner, RecurrentTrainingFields, recurrentAgentSpecs, type EpisodeShape, type RecurrentLearner } from "../recurrent.ts"

export const RecurrentVdnConfig = Schema.Struct({ ...RecurrentTrainingFields })
export type RecurrentVdnConfig = typeof RecurrentVdnConfig.Type
export const defaultRecurrentVdnConfig: RecurrentVdnConfig = { ...defaultRecurrentTraining }

export const makeRecurrentVdn = (shape: EpisodeShape, config: RecurrentVdnConfig): RecurrentLearner =>
  makeDoubleQLearner(
    "vdn",
    shape,
    config,
    new ParamLayout(recurrentAgentSpecs(shape, config.agentHidden)),
    (_params, chosen) => tf.sum(chosen, 2) // Eq. 2 (left): Q_tot = Σ_i Q_i, [T, B]
  )
