/**
 * FSV's λ_i(τ, u) by multi-head attention over embeddings of the state and of the agents'
 * actions (Eq. 14–15):
 *
 *   λ_i = Σ_h λ_{i,h}                                  (Eq. 14)
 *   λ_{i,h} ∝ exp(e_{u,i}ᵀ W_{k,h}ᵀ W_{q,h} e_s)        (Eq. 15)
 *
 * e_s and e_{u,i} are two-layer embeddings (Table 8: 2 layers, 64 hidden units) of the
 * state and of agent i's action features [joint action ⊕ onehot(i)]: λ_i(τ, u) depends on
 * the whole joint action, as Theorem 2's λ_i(τ, u) does (a λ_i of u_i alone cannot fit the
 * matrix game). The first layer is applied blockwise, joint·W_u + W_id[i] + b, so the joint
 * part is computed once for all agents. What "∝" normalizes over is left open by the
 * paper; `normalization` makes it explicit:
 *
 * - "none": λ_{i,h} = exp(·). Strictly positive and unbounded.
 * - "agents": softmax over agents, as in Qatten. Then Σ_i λ_i = H for every joint action,
 *   which cannot represent the paper's matrix game in the greedy limit: Eq. 7 needs
 *   λ_2(A,B)·(Q_2(B) − V_2) = −20 and λ_1(B,B)(Q_1(B) − V_1) + λ_2(B,B)(Q_2(B) − V_2) = −8
 *   with all Q_i − V_i ≤ −20/H, impossible when λ_1 + λ_2 = H (see docs/matrix.md).
 *
 * Both give λ_i > 0, as Theorem 2 requires. Input sizes are free (state and joint action
 * features of any width), so the continuous learner reuses this with action vectors.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { linear, mlp } from "./dense.ts"
import { linearSpecs, mlpSpecs, type ParamSpec } from "./params.ts"

export type LambdaNormalization = "none" | "agents"

export interface AttentionLambdaShape {
  /** Size of the state features s. */
  readonly stateDim: number
  /** Size of the joint action features (e.g. every agent's action one-hot, concatenated). */
  readonly jointActionDim: number
  /** N, the number of agents (each has its own id embedding). */
  readonly agents: number
  /** Hidden units of the two-layer embeddings (Table 8: 64). */
  readonly hidden: number
  /** Width of e_s and e_u. */
  readonly embed: number
  /** H, the number of attention heads. */
  readonly heads: number
  /** Width of each head's query and key (W_{q,h}, W_{k,h}: embed → keyDim). */
  readonly keyDim: number
  readonly normalization: LambdaNormalization
}

/** λ's hyperparameters, as config fields of every FSV learner. */
export const AttentionLambdaFields = {
  /** Hidden units of the two-layer state and action embeddings of λ (Table 8: 64). */
  lambdaHidden: Schema.Int,
  /** Width of the embeddings e_s, e_u (Eq. 15). */
  lambdaEmbed: Schema.Int,
  /** H, attention heads of λ (Eq. 14). */
  heads: Schema.Int,
  /** Width of each head's query and key. */
  keyDim: Schema.Int,
  /** What Eq. 15's "∝" normalizes over: "none" (exp) or "agents" (softmax over agents). */
  lambdaNormalization: Schema.Literals(["none", "agents"])
}

/** Table 8's sizes, with unnormalized λ (what reproduces the matrix game, docs/matrix.md). */
export const defaultAttentionLambdaFields = {
  lambdaHidden: 64,
  lambdaEmbed: 32,
  heads: 4,
  keyDim: 32,
  lambdaNormalization: "none"
} as const

/** λ's shape over `stateDim` state features and `jointActionDim` joint-action features. */
export const attentionLambdaShape = (
  stateDim: number,
  jointActionDim: number,
  agents: number,
  config: {
    readonly lambdaHidden: number
    readonly lambdaEmbed: number
    readonly heads: number
    readonly keyDim: number
    readonly lambdaNormalization: LambdaNormalization
  }
): AttentionLambdaShape => ({
  stateDim,
  jointActionDim,
  agents,
  hidden: config.lambdaHidden,
  embed: config.lambdaEmbed,
  heads: config.heads,
  keyDim: config.keyDim,
  normalization: config.lambdaNormalization
})

export const attentionLambdaSpecs = (name: string, shape: AttentionLambdaShape): Array<ParamSpec> => {
  const bound = 1 / Math.sqrt(shape.embed)
  const firstBound = 1 / Math.sqrt(shape.jointActionDim + shape.agents) // one layer over [joint ⊕ onehot(i)]
  return [
    ...mlpSpecs(`${name}.stateEmbed`, [shape.stateDim, shape.hidden, shape.embed]),
    { name: `${name}.actionEmbed.0.wJoint`, shape: [shape.jointActionDim, shape.hidden], bound: firstBound },
    { name: `${name}.actionEmbed.0.wId`, shape: [shape.agents, shape.hidden], bound: firstBound },
    { name: `${name}.actionEmbed.0.b`, shape: [shape.hidden], bound: firstBound },
    ...linearSpecs(`${name}.actionEmbed.1`, shape.hidden, shape.embed),
    { name: `${name}.wq`, shape: [shape.embed, shape.heads * shape.keyDim], bound },
    { name: `${name}.wk`, shape: [shape.embed, shape.heads * shape.keyDim], bound }
  ]
}

/**
 * λ [S, B, N] from states [S, M, stateDim] (M = 1 broadcasts over the batch, or M = B)
 * and joint action features [S, B, jointActionDim].
 */
export const attentionLambda = (
  state: tf.Tensor,
  jointAction: tf.Tensor,
  params: Readonly<Record<string, tf.Tensor>>,
  name: string,
  shape: AttentionLambdaShape
): tf.Tensor => {
  const [S, M] = state.shape as [number, number, number]
  const B = jointAction.shape[1]!
  const { heads: H, keyDim: D, agents: N, hidden, embed: E } = shape
  const es = mlp(state, params, `${name}.stateEmbed`, 2) // e_s: [S, M, E]
  const joint = tf.reshape(tf.matMul(jointAction, params[`${name}.actionEmbed.0.wJoint`]!), [S, B, 1, hidden]) // [S, B, 1, hidden]
  const id = tf.reshape(tf.add(params[`${name}.actionEmbed.0.wId`]!, tf.reshape(params[`${name}.actionEmbed.0.b`]!, [S, 1, hidden])), [S, 1, N, hidden]) // [S, 1, N, hidden]
  const h = tf.relu(tf.add(joint, id)) // first layer on [joint ⊕ onehot(i)]: [S, B, N, hidden]
  const query = tf.reshape(tf.matMul(es, params[`${name}.wq`]!), [S, M, H, D]) // W_{q,h} e_s: [S, M, H, D]
  const wk = params[`${name}.wk`]! // [S, E, H·D]
  const w2 = params[`${name}.actionEmbed.1.w`]! // [S, hidden, E]
  const b2 = params[`${name}.actionEmbed.1.b`]! // [S, E]
  let logits: tf.Tensor // e_{u,i}ᵀ W_{k,h}ᵀ W_{q,h} e_s: [S, B, N, H]
  if (M === 1) {
    // One state: evaluate Eq. 15 right to left. v_h = W_{k,h}ᵀ W_{q,h} e_s is one vector per
    // head, and e_{u,i} = h_i W2 + b2 enters linearly, so e_{u,i}ᵀ v_h = h_i (W2 v_h) + b2ᵀ v_h:
    // the same numbers without projecting every e_{u,i}.
    const v = tf.sum(tf.mul(tf.reshape(wk, [S, E, H, D]), tf.reshape(query, [S, 1, H, D])), 3) // v_h: [S, E, H]
    const u = tf.matMul(w2, v) // W2 v_h: [S, hidden, H]
    const c = tf.reshape(tf.matMul(tf.reshape(b2, [S, 1, E]), v), [S, 1, 1, H]) // b2ᵀ v_h: [S, 1, 1, H]
    logits = tf.add(tf.reshape(tf.matMul(tf.reshape(h, [S, B * N, hidden]), u), [S, B, N, H]), c) // [S, B, N, H]
  } else {
    const eu = linear(h, w2, b2) // e_{u,i}: [S, B, N, E]
    const key = tf.reshape(tf.matMul(tf.reshape(eu, [S, B * N, E]), wk), [S, B, N, H, D]) // W_{k,h} e_{u,i}: [S, B, N, H, D]
    logits = tf.sum(tf.mul(key, tf.reshape(query, [S, B, 1, H, D])), 4) // [S, B, N, H]
  }
  const perHead = shape.normalization === "agents"
    ? tf.softmax(tf.transpose(logits, [0, 1, 3, 2])) // softmax over agents: [S, B, H, N]
    : tf.exp(logits) // Eq. 15: [S, B, N, H]
  return shape.normalization === "agents" ? tf.sum(perHead, 2) : tf.sum(perHead, 3) // Eq. 14: [S, B, N]
}
