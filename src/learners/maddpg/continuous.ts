/**
 * MADDPG (Lowe et al. 2017) for the cooperative game: per agent a centralized critic
 * Q_i(s, u_1, …, u_N) and a deterministic actor μ_i(τ_i). Every critic is trained on
 * (Q_i(s, u) − y)² with y = r (shared reward, one-step episodes); actor i follows
 *
 *   ∇J(μ_i) = E_{s, u~D}[∇_{θ_i} μ_i(τ_i) ∇_{u_i} Q_i(s, u_1, …, u_N)|_{u_i = μ_i(τ_i)}]
 *
 * with the other agents' actions u_j taken from the replay buffer, as in the paper's
 * Algorithm 1. The actor thus climbs Q_i averaged over its partners' past behaviour.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { perAgentMlp } from "../../nn/perAgent.ts"
import { actorMean, AGENT_NET_LAYERS, agentNetSpecs, type ContinuousLearner, DdpgFields, defaultDdpg, type ContinuousShape, type ContinuousGameTensors, withObs, makeDdpgLearner } from "../continuous.ts"

export const MaddpgConfig = Schema.Struct({ ...DdpgFields })
export type MaddpgConfig = typeof MaddpgConfig.Type

export const defaultMaddpgConfig: MaddpgConfig = { ...defaultDdpg }

/** Centralized critics Q_i(s, a) for per-critic joint actions x [S, N, B, N] (row i feeds critic i) → [S, N, B]. */
const centralQ = (critic: Readonly<Record<string, tf.Tensor>>, game: ContinuousGameTensors, x: tf.Tensor): tf.Tensor => {
  const [S, N, B] = x.shape as [number, number, number, number]
  return tf.reshape(perAgentMlp(withObs(game, x), critic, "q", AGENT_NET_LAYERS), [S, N, B]) // [S, N, B]
}

/**
 * Each critic's input for the actor step: row i of the result is the buffer's joint action
 * with agent i's own action replaced by its actor's, u_i ← a_i. actions [S, B, N], own
 * [S, N] → [S, N, B, N].
 */
export const withOwnAction = (actions: tf.Tensor, own: tf.Tensor): tf.Tensor => {
  const [S, B, N] = actions.shape as [number, number, number]
  const eye = tf.reshape(tf.eye(N), [1, N, 1, N]) // row i selects agent i's own action: [1, N, 1, N]
  const others = tf.reshape(actions, [S, 1, B, N]) // u_j from D: [S, 1, B, N]
  return tf.add(tf.mul(others, tf.sub(1, eye)), tf.mul(tf.reshape(own, [S, N, 1, 1]), eye)) // [S, N, B, N]
}

export const makeMaddpg = (shape: ContinuousShape, config: MaddpgConfig): ContinuousLearner => {
  const N = shape.agents
  return makeDdpgLearner(
    "maddpg",
    shape,
    config,
    agentNetSpecs("q", shape, shape.stateDim + N, 1, config.hidden),
    (p, game, batch) => {
      const [S, B] = batch.actions.shape as [number, number, number]
      const joint = tf.broadcastTo(tf.reshape(batch.actions, [S, 1, B, N]), [S, N, B, N]) // every critic sees u: [S, N, B, N]
      const q = centralQ(p["critic"]!, game, joint) // Q_i(s, u): [S, N, B]
      const err = tf.sub(q, tf.reshape(batch.reward, [S, 1, B])) // Q_i(s, u) − y: [S, N, B]
      return tf.mul(tf.sum(tf.square(err)), 1 / B) as tf.Scalar // Σ_s Σ_i mean_b (Q_i − y)²
    },
    (p, game, batch) => {
      const B = batch.actions.shape[1]!
      const x = withOwnAction(batch.actions, tf.tanh(actorMean(p["actor"]!, game))) // row i: u with u_i ← μ_i(τ_i): [S, N, B, N]
      return tf.mul(tf.sum(centralQ(p["critic"]!, game, x)), -1 / B) as tf.Scalar // −Σ_i mean_b Q_i
    }
  )
}
