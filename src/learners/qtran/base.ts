/**
 * QTRAN-base (Son et al. 2019): one joint network Q_jt(s, u) and
 *
 *   L = L_td + λ_opt L_opt + λ_nopt L_nopt
 *   L_td   = (Q_jt(u) − y)²,  y = r (one-step episodes)
 *   L_opt  = (Σ_i Q_i(ū_i) − Q̂_jt(ū) + V_jt)²
 *   L_nopt = (min[Σ_i Q_i(u_i) − Q̂_jt(u) + V_jt, 0])²
 *
 * Q̂_jt is Q_jt with its gradient stopped. The game has one state, so ū, Q̂_jt(ū) and
 * L_opt are the same for every episode of a batch and are computed once per update.
 * The reported Q_tot is Q_jt (the paper's Table 2 shows Q_jt for QTRAN); actions are
 * chosen by argmax Q_i.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import { stopGradient } from "../../nn/stopGradient.ts"
import { agentQ, agentSpecs, type DiscreteLearner, type DiscreteShape, type DiscreteGameTensors, sumOfSquares, weightedSquares } from "../discrete.ts"
import { chosenQ } from "../../nn/chosenQ.ts"
import { defaultQtranFields, encodeSum, encoderTable, greedyJointOneHot, maxQ, QtranFields, qJt, qJtSpecs, qtranSharedSpecs, vJt } from "./joint.ts"
import { defaultTraining } from "../Learner.ts"

export const QtranBaseConfig = Schema.Struct(QtranFields)
export type QtranBaseConfig = typeof QtranBaseConfig.Type

export const defaultQtranBaseConfig: QtranBaseConfig = { ...defaultTraining, ...defaultQtranFields }

export const makeQtranBase = (shape: DiscreteShape, config: QtranBaseConfig): DiscreteLearner => {
  const layout = new ParamLayout([
    ...agentSpecs(shape, config.agentHidden),
    ...qtranSharedSpecs(shape, config),
    ...qJtSpecs(shape.stateDim, config.encoderHidden, config.mixingEmbed)
  ])

  /** Q_jt(s, u) for one-hot joint actions [S, M, N, A], given the encoder table: [S, M]. */
  const qJtOf = (params: Readonly<Record<string, tf.Tensor>>, game: DiscreteGameTensors, enc: tf.Tensor, actions: tf.Tensor): tf.Tensor =>
    qJt(params, game.state, encodeSum(enc, actions)) // Σ_j enc(u_j, j): [S, M, H] → [S, M]

  return {
    algo: "qtran-base",
    layout,
    training: config,
    loss: (params, game, batch) => {
      const q = agentQ(params, game) // [S, N, A]
      const v = vJt(params, game.state) // V_jt: [S, 1]
      const enc = encoderTable(params) // enc(a, j): [S, N, A, H]
      const qJtU = qJtOf(params, game, enc, batch.actions) // Q_jt(u): [S, M]
      const lTd = weightedSquares(tf.sub(qJtU, batch.reward), batch.weight) // L_td
      const greedy = greedyJointOneHot(q, game) // ū: [S, 1, N, A]
      const qJtGreedy = stopGradient(qJtOf(params, game, enc, greedy)) // Q̂_jt(ū): [S, 1]
      const sumQGreedy = tf.sum(maxQ(q, game), 1, true) // Σ_i Q_i(ū_i): [S, 1]
      const lOpt = sumOfSquares(tf.add(tf.sub(sumQGreedy, qJtGreedy), v)) // L_opt
      const qJtHat = stopGradient(qJtU) // Q̂_jt(u): [S, M]
      const d = tf.add(tf.sub(tf.sum(chosenQ(tf.expandDims(q, 1), batch.actions), 2), qJtHat), v) // Σ Q_i(u_i) − Q̂_jt(u) + V_jt: [S, M]
      const lNopt = weightedSquares(tf.minimum(d, 0), batch.weight) // L_nopt
      return tf.addN([lTd, tf.mul(lOpt, config.lambdaOpt), tf.mul(lNopt, config.lambdaNopt)]) as tf.Scalar
    },
    evaluate: (params, game, jointActions) => ({ agentQ: agentQ(params, game), qTot: qJtOf(params, game, encoderTable(params), jointActions) })
  }
}
