/**
 * QTRAN-alt (Son et al. 2019): counterfactual joint networks. For each agent i one head
 * Q_jt^i(s, ·, u_−i) outputs the joint value of every action of i with the others' actions
 * held fixed, so the condition min_{u_i} D = 0 can be imposed for every u_−i at once:
 *
 *   D_i(u_i, u_−i) = Q_i(u_i) + Σ_{j≠i} Q_j(u_j) − Q̂_jt^i(u_i, u_−i) + V_jt
 *   L = L_td + λ_opt L_opt + λ_nopt L_nopt-min
 *   L_td         = mean_i (Q_jt^i(u) − y)²,  y = r (one-step episodes)
 *   L_opt        = mean_i (Σ_j Q_j(ū_j) − Q̂_jt^i(ū) + V_jt)²
 *   L_nopt-min   = mean_i (min_{u_i} D_i(u_i, u_−i))²
 *
 * Head i sees [s ⊕ onehot(i) ⊕ Σ_{j≠i} enc(u_j, j)] and outputs A values. The reported
 * Q_tot(u) is the mean over heads of Q_jt^i(u).
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { mlp } from "../../nn/dense.ts"
import { mlpSpecs, ParamLayout } from "../../nn/params.ts"
import { stopGradient } from "../../nn/stopGradient.ts"
import { agentQ, agentSpecs, type DiscreteLearner, type DiscreteShape, type DiscreteGameTensors, sumOfSquares } from "../discrete.ts"
import { chosenQ } from "../../nn/chosenQ.ts"
import { defaultQtranFields, encodeEach, encoderTable, greedyJointOneHot, maxQ, QtranFields, qtranSharedSpecs, vJt } from "./joint.ts"
import { defaultTraining } from "../Learner.ts"

export const QtranAltConfig = Schema.Struct(QtranFields)
export type QtranAltConfig = typeof QtranAltConfig.Type

export const defaultQtranAltConfig: QtranAltConfig = { ...defaultTraining, ...defaultQtranFields }

export const makeQtranAlt = (shape: DiscreteShape, config: QtranAltConfig): DiscreteLearner => {
  const E = config.mixingEmbed
  const { agents: N, actions: A } = shape
  const bound = 1 / Math.sqrt(shape.stateDim + N + config.encoderHidden) // one layer over [s ⊕ onehot(i) ⊕ Σ_{j≠i} enc_j]
  const layout = new ParamLayout([
    ...agentSpecs(shape, config.agentHidden),
    ...qtranSharedSpecs(shape, config),
    { name: "qjt.0.wState", shape: [shape.stateDim, E], bound },
    { name: "qjt.0.wId", shape: [N, E], bound },
    { name: "qjt.0.wOthers", shape: [config.encoderHidden, E], bound },
    { name: "qjt.0.b", shape: [E], bound },
    ...mlpSpecs("qjt.rest", [E, E, A])
  ])

  /** Q_jt^i(s, ·, u_−i) for every head i, for one-hot joint actions [S, M, N, A], given the encoder table: [S, M, N, A]. */
  const qJtHeads = (params: Readonly<Record<string, tf.Tensor>>, game: DiscreteGameTensors, enc: tf.Tensor, actions: tf.Tensor): tf.Tensor => {
    const [S, M] = actions.shape as [number, number]
    const encEach = encodeEach(enc, actions) // enc(u_j, j): [S, M, N, H]
    const others = tf.sub(tf.sum(encEach, 2, true), encEach) // Σ_{j≠i} enc(u_j, j): [S, M, N, H]
    const fixed = tf.add(
      tf.add(tf.matMul(game.state, params["qjt.0.wState"]!), tf.reshape(params["qjt.0.b"]!, [S, 1, E])), // [S, 1, E]
      params["qjt.0.wId"]! // [S, N, E]
    ) // [S, N, E]
    const h = tf.relu(tf.add(tf.reshape(tf.matMul(tf.reshape(others, [S, M * N, -1]), params["qjt.0.wOthers"]!), [S, M, N, E]), tf.reshape(fixed, [S, 1, N, E]))) // [S, M, N, E]
    return mlp(h, params, "qjt.rest", 2) // [S, M, N, A]
  }

  return {
    algo: "qtran-alt",
    layout,
    training: config,
    loss: (params, game, batch) => {
      const S = batch.reward.shape[0]!
      const q = agentQ(params, game) // [S, N, A]
      const v = tf.reshape(vJt(params, game.state), [S, 1, 1]) // V_jt: [S, 1, 1]
      const enc = encoderTable(params) // enc(a, j): [S, N, A, H]
      const heads = qJtHeads(params, game, enc, batch.actions) // Q_jt^i(·, u_−i): [S, M, N, A]
      const headsChosen = tf.sum(tf.mul(heads, batch.actions), 3) // Q_jt^i(u): [S, M, N]
      const perRow = tf.mul(tf.expandDims(batch.weight, 2), 1 / N) // weight / N, for means over rows and heads: [S, M, 1]
      const lTd = tf.sum(tf.mul(perRow, tf.square(tf.sub(headsChosen, tf.expandDims(batch.reward, 2))))) // L_td
      const greedy = greedyJointOneHot(q, game) // ū: [S, 1, N, A]
      const headsGreedy = stopGradient(tf.sum(tf.mul(qJtHeads(params, game, enc, greedy), greedy), 3)) // Q̂_jt^i(ū): [S, 1, N]
      const sumQGreedy = tf.reshape(tf.sum(maxQ(q, game), 1), [S, 1, 1]) // Σ_j Q_j(ū_j): [S, 1, 1]
      const lOpt = tf.mul(sumOfSquares(tf.add(tf.sub(sumQGreedy, headsGreedy), v)), 1 / N) // L_opt
      const chosen = chosenQ(tf.expandDims(q, 1), batch.actions) // Q_j(u_j): [S, M, N]
      const othersQ = tf.sub(tf.sum(chosen, 2, true), chosen) // Σ_{j≠i} Q_j(u_j): [S, M, N]
      const d = tf.add(tf.sub(tf.add(tf.expandDims(q, 1), tf.expandDims(othersQ, 3)), stopGradient(heads)), tf.expandDims(v, 3)) // D_i(·, u_−i): [S, M, N, A]
      const dMin = tf.min(game.unavailable ? tf.sub(d, game.unavailable) : d, 3) // min over available u_i: [S, M, N]
      const lNopt = tf.sum(tf.mul(perRow, tf.square(dMin))) // L_nopt-min
      return tf.addN([lTd, tf.mul(lOpt, config.lambdaOpt), tf.mul(lNopt, config.lambdaNopt)]) as tf.Scalar
    },
    evaluate: (params, game, jointActions) => {
      const heads = qJtHeads(params, game, encoderTable(params), jointActions) // [S, J, N, A]
      return { agentQ: agentQ(params, game), qTot: tf.mean(tf.sum(tf.mul(heads, jointActions), 3), 2) } // mean_i Q_jt^i(u): [S, J]
    }
  }
}
