/**
 * QTRAN's networks and settings, shared by QTRAN-base and QTRAN-alt (Son et al. 2019;
 * sizes from PyMARL's qtran.yaml, "qtran_paper" architecture, small network). Q_jt, V_jt and
 * the loss weights also serve QTRAN on episodes (`src/learners/qtran/recurrent.ts`).
 *
 * QTRAN keeps the individual Q_i and learns a separate joint value Q_jt, tied to the
 * transformed joint value Q'_jt = Σ_i Q_i by the factorization conditions
 *
 *   Σ_i Q_i(ū_i) − Q_jt(ū) + V_jt = 0           at ū = (argmax Q_i)_i   (L_opt)
 *   Σ_i Q_i(u_i) − Q_jt(u) + V_jt ≥ 0           elsewhere               (L_nopt, base)
 *   min_{u_i} [Σ_j Q_j − Q_jt + V_jt](u_i, u_−i) = 0   for every i      (L_nopt-min, alt)
 *
 * with Q_jt held fixed (Q̂_jt) in L_opt and L_nopt, so those train Q_i and V_jt, and
 * L_td = (Q_jt(u) − y)² trains Q_jt.
 *
 * Each agent's action enters Q_jt through an encoder of [onehot(u_j) ⊕ onehot(j)], summed over
 * agents. PyMARL encodes [h_j ⊕ onehot(u_j)] with h_j the agent's recurrent state; in a one-state
 * game h_j is a constant per agent, which the one-hot id stands in for.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { linear, mlp } from "../../nn/dense.ts"
import { linearSpecs, mlpSpecs, type ParamSpec } from "../../nn/params.ts"
import { type DiscreteShape, type DiscreteGameTensors } from "../discrete.ts"
import { TrainingFields } from "../Learner.ts"

/** QTRAN's joint networks and loss weights, shared with the recurrent learner (`src/learners/qtran/recurrent.ts`). */
export const QtranJointFields = {
  /** Hidden units of Q_jt and V_jt (PyMARL mixing_embed_dim for QTRAN). */
  mixingEmbed: Schema.Int,
  /** Weight of L_opt (PyMARL opt_loss). */
  lambdaOpt: Schema.Number,
  /** Weight of L_nopt or L_nopt-min (PyMARL nopt_min_loss). */
  lambdaNopt: Schema.Number
}

/** PyMARL's qtran.yaml: mixing_embed_dim 64, opt_loss 1, nopt_min_loss 0.1. */
export const defaultQtranJointFields = { mixingEmbed: 64, lambdaOpt: 1, lambdaNopt: 0.1 } as const

export const QtranFields = {
  ...TrainingFields,
  ...QtranJointFields,
  /** Width of the action encoder (PyMARL: rnn_hidden_dim + n_actions). */
  encoderHidden: Schema.Int
}

export const defaultQtranFields = { ...defaultQtranJointFields, encoderHidden: 64 } as const

export interface QtranSizes {
  readonly mixingEmbed: number
  readonly encoderHidden: number
}

/** The action encoder enc(u_j, j) and V_jt(s). */
export const qtranSharedSpecs = (shape: DiscreteShape, sizes: QtranSizes): Array<ParamSpec> => {
  const bound = 1 / Math.sqrt(shape.actions + shape.agents) // one layer over [onehot(u_j) ⊕ onehot(j)]
  return [
    { name: "encoder.0.wAction", shape: [shape.actions, sizes.encoderHidden], bound },
    { name: "encoder.0.wId", shape: [shape.agents, sizes.encoderHidden], bound },
    { name: "encoder.0.b", shape: [sizes.encoderHidden], bound },
    ...linearSpecs("encoder.1", sizes.encoderHidden, sizes.encoderHidden),
    ...vJtSpecs(shape.stateDim, sizes.mixingEmbed)
  ]
}

/** V_jt(s), PyMARL's "small" network: stateDim → E → E → 1. */
export const vJtSpecs = (stateDim: number, mixingEmbed: number): Array<ParamSpec> =>
  mlpSpecs("vjt", [stateDim, mixingEmbed, mixingEmbed, 1])

/**
 * QTRAN-base's Q_jt, PyMARL's "small" network on [s ⊕ Σ_j enc_j]: stateDim + encoding → E → E → 1.
 * The first layer's weight is kept in its state and encoding parts (`qjt.0.wState`, `qjt.0.wActions`),
 * so that a state shared by many rows is multiplied once.
 */
export const qJtSpecs = (stateDim: number, encoding: number, mixingEmbed: number): Array<ParamSpec> => {
  const E = mixingEmbed
  const bound = 1 / Math.sqrt(stateDim + encoding) // one layer over [s ⊕ Σ_j enc_j]
  return [
    { name: "qjt.0.wState", shape: [stateDim, E], bound },
    { name: "qjt.0.wActions", shape: [encoding, E], bound },
    { name: "qjt.0.b", shape: [E], bound },
    ...mlpSpecs("qjt.rest", [E, E, 1])
  ]
}

/** Q_jt(s, u) from states [S, M or 1, stateDim] and the summed action encodings Σ_j enc_j [S, M, H']: [S, M]. */
export const qJt = (params: Readonly<Record<string, tf.Tensor>>, state: tf.Tensor, encSum: tf.Tensor): tf.Tensor => {
  const [S, M] = encSum.shape as [number, number, number]
  const E = params["qjt.0.b"]!.shape[1]!
  const s = tf.add(tf.matMul(state, params["qjt.0.wState"]!), tf.reshape(params["qjt.0.b"]!, [S, 1, E])) // [S, M or 1, E]
  const h = tf.relu(tf.add(tf.matMul(encSum, params["qjt.0.wActions"]!), s)) // first layer on [s ⊕ Σ enc]: [S, M, E]
  return tf.reshape(mlp(h, params, "qjt.rest", 2), [S, M]) // [S, M]
}

/**
 * enc(a, j) for every agent j and action a: [S, N, A, H]. The encoder sees only (a, j), so
 * it is evaluated once on its N·A possible inputs and looked up per row (`encodeEach`, `encodeSum`).
 */
export const encoderTable = (params: Readonly<Record<string, tf.Tensor>>): tf.Tensor => {
  const [S, A, H] = params["encoder.0.wAction"]!.shape as [number, number, number]
  const N = params["encoder.0.wId"]!.shape[1]!
  const first = tf.add(
    tf.reshape(params["encoder.0.wAction"]!, [S, 1, A, H]), // onehot(a)·W_a: [S, 1, A, H]
    tf.reshape(tf.add(params["encoder.0.wId"]!, tf.reshape(params["encoder.0.b"]!, [S, 1, H])), [S, N, 1, H]) // onehot(j)·W_id + b: [S, N, 1, H]
  ) // first layer on [onehot(a) ⊕ onehot(j)]: [S, N, A, H]
  return tf.reshape(linear(tf.reshape(tf.relu(first), [S, N * A, H]), params["encoder.1.w"]!, params["encoder.1.b"]!), [S, N, A, H]) // [S, N, A, H]
}

/** Σ_j enc(u_j, j) for one-hot joint actions [S, M, N, A]: [S, M, H]. */
export const encodeSum = (table: tf.Tensor, actions: tf.Tensor): tf.Tensor => {
  const [S, M, N, A] = actions.shape as [number, number, number, number]
  return tf.matMul(tf.reshape(actions, [S, M, N * A]), tf.reshape(table, [S, N * A, -1])) // [S, M, H]
}

/** enc(u_j, j) for every agent: one-hot joint actions [S, M, N, A] → [S, M, N, H]. */
export const encodeEach = (table: tf.Tensor, actions: tf.Tensor): tf.Tensor =>
  tf.sum(tf.mul(tf.expandDims(actions, 4), tf.expandDims(table, 1)), 3) // Σ_a onehot(u_j)_a enc(a, j): [S, M, N, H]

/** V_jt(s) for states [S, M, stateDim]: [S, M]. */
export const vJt = (params: Readonly<Record<string, tf.Tensor>>, state: tf.Tensor): tf.Tensor =>
  tf.reshape(mlp(state, params, "vjt", 3), [state.shape[0]!, state.shape[1]!]) // [S, M]

/** ū: the one-hot of each agent's greedy action argmax_{u_i} Q_i over available actions: [S, 1, N, A]. */
export const greedyJointOneHot = (q: tf.Tensor, game: DiscreteGameTensors): tf.Tensor => {
  const [S, N, A] = q.shape as [number, number, number]
  const masked = game.unavailable ? tf.add(q, game.unavailable) : q // [S, N, A]
  return tf.reshape(tf.oneHot(tf.argMax(masked, 2), A), [S, 1, N, A]) // [S, 1, N, A]
}

/** max over available actions of Q_i, with gradient to the maximiser: [S, N]. */
export const maxQ = (q: tf.Tensor, game: DiscreteGameTensors): tf.Tensor =>
  tf.max(game.unavailable ? tf.add(q, game.unavailable) : q, 2) // [S, N]
