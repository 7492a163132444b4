/**
 * QTRAN-base on episodes (Son et al. 2019; PyMARL's `qtran_learner.py` with `mixer: qtran_base`,
 * `qtran_arch: qtran_paper`, `network_size: small`, `double_q: True`):
 *
 *   enc(h_i, u_i) = MLP([h_i ⊕ onehot(u_i)])                 (H + A → H + A → H + A)
 *   Q_jt(τ, u)    = MLP([s ⊕ Σ_i enc(h_i, u_i)])             (→ E → E → 1)
 *   V_jt(s)       = MLP(s)                                    (→ E → E → 1)
 *
 *   L      = L_td + λ_opt L_opt + λ_nopt L_nopt
 *   L_td   = (Q_jt(τ_t, u_t) − y_t)²,
 *            y_t = r_t + γ (1 − terminated_t) Q̄_jt(τ̄_{t+1}, ū_{t+1}),  ū_{t+1,i} = argmax_avail Q_i(τ_{t+1,i}, ·)
 *   L_opt  = (Σ_i Q_i(τ_t, ū_t) − Q̂_jt(τ_t, ū_t) + V_jt(s_t))²
 *   L_nopt = (min[Σ_i Q_i(τ_t, u_t) − Q̂_jt(τ_t, u_t) + V_jt(s_t), 0])²
 *
 * each a masked mean over real steps. h_i is agent i's GRU state after step t (PyMARL's
 * `mac.hidden_states`); Q̂_jt is Q_jt with its gradient stopped, so L_opt and L_nopt train Q_i
 * and V_jt and L_td trains Q_jt. Q̄ and τ̄ are the target network's (agent and joint networks);
 * the greedy ū is the current network's (double Q). Agents act on their own Q_i (ε-greedy while
 * training, greedy at test), as VDN and QMIX do.
 *
 * As in PyMARL, L_td's gradient also reaches the agent network through the hidden states h_i
 * (they are not detached), and the encoder has no agent id: h_i is computed from inputs that
 * carry it. Q_jt's network and V_jt's are the matrix learner's (`src/learners/qtran/joint.ts`),
 * with the state of each step as input.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { mlp } from "../../nn/dense.ts"
import { mlpSpecs, ParamLayout } from "../../nn/params.ts"
import { stopGradient, withoutTape } from "../../nn/stopGradient.ts"
import { defaultQtranJointFields, qJt, qJtSpecs, QtranJointFields, vJt, vJtSpecs } from "./joint.ts"
import { agentQs, current, defaultRecurrentTraining, greedyOneHot, maskedMse, next, RecurrentTrainingFields, recurrentAgentSpecs, type RecurrentLearner, type SeqBatch, tdTarget, unfold, type EpisodeShape } from "../recurrent.ts"
import { chosenQ } from "../../nn/chosenQ.ts"

export const RecurrentQtranConfig = Schema.Struct({
  ...RecurrentTrainingFields,
  ...QtranJointFields
})
export type RecurrentQtranConfig = typeof RecurrentQtranConfig.Type

/** PyMARL's qtran.yaml on top of its SMAC defaults. */
export const defaultRecurrentQtranConfig: RecurrentQtranConfig = {
  ...defaultRecurrentTraining,
  ...defaultQtranJointFields
}

/** The three terms of QTRAN's loss, each a masked mean over real steps. */
export interface QtranLossTerms {
  readonly td: tf.Scalar
  readonly opt: tf.Scalar
  readonly nopt: tf.Scalar
}

export interface RecurrentQtranLearner extends RecurrentLearner {
  /** L_td, L_opt and L_nopt before weighting (call inside tf.tidy or variableGrads). */
  readonly lossTerms: (
    params: Readonly<Record<string, tf.Tensor>>,
    target: Readonly<Record<string, tf.Tensor>>,
    batch: SeqBatch
  ) => QtranLossTerms
}

export const makeRecurrentQtran = (shape: EpisodeShape, config: RecurrentQtranConfig): RecurrentQtranLearner => {
  const { agents: N, actions: A } = shape
  const H = config.agentHidden
  const encoding = H + A // PyMARL's ae_input = rnn_hidden_dim + n_actions
  const layout = new ParamLayout([
    ...recurrentAgentSpecs(shape, H),
    ...mlpSpecs("encoder", [encoding, encoding, encoding]),
    ...vJtSpecs(shape.stateDim, config.mixingEmbed),
    ...qJtSpecs(shape.stateDim, encoding, config.mixingEmbed)
  ])

  /** Q_jt for states [1, T·B, stateDim], hidden states [T, B, N, H] and one-hot actions [T, B, N, A]: [T, B]. */
  const jointQ = (
    params: Readonly<Record<string, tf.Tensor>>,
    state: tf.Tensor,
    hidden: tf.Tensor,
    actions: tf.Tensor,
    batch: SeqBatch
  ): tf.Tensor => {
    const M = batch.T * batch.B
    // One-hots from tf.oneHot (the greedy ū) are int32: cast, since TensorFlow's ConcatV2 takes one
    // dtype (tfjs's own kernels upcast inside concat, so on wasm and cpu this changes no value).
    const onehot = tf.cast(tf.reshape(actions, [1, M * N, A]), "float32") // [1, M·N, A]
    const pairs = tf.concat([tf.reshape(hidden, [1, M * N, H]), onehot], 2) // [h_i ⊕ onehot(u_i)]: [1, M·N, H+A]
    const encSum = tf.sum(tf.reshape(mlp(pairs, params, "encoder", 2), [1, M, N, encoding]), 2) // Σ_i enc(h_i, u_i): [1, M, H+A]
    return unfold(qJt(params, state, encSum), batch) // [T, B]
  }

  const build = (params: Readonly<Record<string, tf.Tensor>>, target: Readonly<Record<string, tf.Tensor>>, batch: SeqBatch) => {
    const { T } = batch
    const agent = agentQs(params, batch, shape, H) // Q_i, h_i: [T+1, B, N, A], [T+1, B, N, H]
    const greedy = greedyOneHot(agent.q, batch.unavailable) // ū_t of the current network, t = 0 … T: [T+1, B, N, A]

    const y = withoutTape(() => {
      const hTarget = agentQs(target, batch, shape, H).hidden // h̄_i: [T+1, B, N, H]
      return tdTarget(batch, config.gamma, jointQ(target, batch.nextState, next(hTarget, T), next(greedy, T), batch), config.tdLambda) // y_t: [T, B]
    })

    const qNow = current(agent.q, T) // [T, B, N, A]
    const hNow = current(agent.hidden, T) // [T, B, N, H]
    const greedyNow = current(greedy, T) // ū_t: [T, B, N, A]
    const v = unfold(vJt(params, batch.state), batch) // V_jt(s_t): [T, B]
    const qJtTaken = jointQ(params, batch.state, hNow, batch.actions, batch) // Q_jt(τ_t, u_t): [T, B]
    const qJtGreedy = withoutTape(() => jointQ(params, batch.state, hNow, greedyNow, batch)) // Q̂_jt(τ_t, ū_t), a constant: [T, B]

    const optError = tf.add(tf.sub(tf.sum(chosenQ(qNow, greedyNow), 2), qJtGreedy), v) // Σ_i Q_i(ū_i) − Q̂_jt(ū) + V_jt: [T, B]
    const noptError = tf.minimum(tf.add(tf.sub(tf.sum(chosenQ(qNow, batch.actions), 2), stopGradient(qJtTaken)), v), 0) // min[Σ_i Q_i(u_i) − Q̂_jt(u) + V_jt, 0]: [T, B]
    const zero = tf.zerosLike(optError) // [T, B]
    const terms: QtranLossTerms = {
      td: maskedMse(qJtTaken, y, batch.mask), // L_td
      opt: maskedMse(optError, zero, batch.mask), // L_opt
      nopt: maskedMse(noptError, zero, batch.mask) // L_nopt
    }
    return { y, terms }
  }

  return {
    algo: "qtran",
    layout,
    training: config,
    exploration: { kind: "epsilon-greedy" },
    samplesNextActions: false,
    targets: (params, target, batch) => build(params, target, batch).y,
    lossTerms: (params, target, batch) => build(params, target, batch).terms,
    loss: (params, target, batch) => {
      const { td, opt, nopt } = build(params, target, batch).terms
      return tf.addN([td, tf.mul(opt, config.lambdaOpt), tf.mul(nopt, config.lambdaNopt)]) as tf.Scalar // L = L_td + λ_opt L_opt + λ_nopt L_nopt
    }
  }
}
