/**
 * FSV for continuous actions (Section 3.3, Figure 2; Appendix 7.2, Table 8).
 *
 * Per agent i: a Q network Q_i(τ_i, u_i), a value network V_i(τ_i) and a squashed
 * Gaussian policy π_i(u_i | τ_i) (`src/nn/gaussianPolicy.ts`). The mixer:
 *
 *   λ_i     = Σ_h λ_{i,h}(s, u) > 0, multi-head attention              (Eq. 14–15)
 *   V_tot   = Σ_i w_i(s) V_i + b(s),  w ≥ 0, hypernetworks s → 64 → ·   (Eq. 13)
 *   Q_tot   = Σ_i λ_i (Q_i − V_i) + V_tot                              (Eq. 7)
 *
 * (`./factorization.ts`, with its stop-gradients). One update makes four gradient steps, in
 * this order, each on its own parameters with its own Adam:
 *
 *   J_Qtot = E_D[(Q_tot(s, u) − y)²],  y = r (one-step episodes)                  (Eq. 16)
 *   J_V    = Σ_i (V_i(τ_i) − E_{u_i~π_i}[Q_i(τ_i, u_i) − α log π_i(u_i|τ_i)])²    (Eq. 17)
 *   J_π    = Σ_i E_{u_i~π_i}[α log π_i(u_i|τ_i) − Q_i(τ_i, u_i)]                   (Eq. 18)
 *   J_α    = E_{u~π}[−α log π(u|τ) − α H̄],  log π = Σ_i log π_i                    (Eq. 34)
 *
 * with α_i = α (Appendix 7.2) tuned by automatic entropy adjustment (Haarnoja et al.
 * 2018b). The target entropy H̄ is `targetEntropy` per agent (SAC's −dim(A_i) = −1), so
 * −N for the joint policy; log π is a density over environment actions u ∈ [−bound, bound].
 * The expectations over π are estimated with `batchSize` reparameterised samples per
 * agent; the Eq. 34 step reuses the Eq. 18 step's samples (as SB3's SAC does).
 *
 * Choices the paper leaves open, each a config field (as in the discrete FSV):
 * - `gradients`: which parameters the stop-gradients spare (`./factorization.ts`). V_i is its
 *   own group, trained only by Eq. 17, whatever the choice.
 * - `lambdaNormalization`: see `src/nn/attentionLambda.ts`. λ_i sees the state and the
 *   joint action [a_1, …, a_N] with agent i's id.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import {
  attentionLambda,
  AttentionLambdaFields,
  attentionLambdaShape,
  attentionLambdaSpecs,
  defaultAttentionLambdaFields
} from "../../nn/attentionLambda.ts"
import { mlp } from "../../nn/dense.ts"
import { squashedGaussian, squashLogStd } from "../../nn/gaussianPolicy.ts"
import { mlpSpecs, ParamLayout } from "../../nn/params.ts"
import { perAgentMlp } from "../../nn/perAgent.ts"
import {
  AGENT_NET_LAYERS,
  agentNetSpecs,
  type ContinuousLearner,
  defaultContinuousTraining,
  type ContinuousShape,
  type ContinuousGameTensors,
  type GroupParams,
  individualQ,
  individualQSpecs,
  type PolicyOutput,
  sumOfMeanSquares,
  ContinuousTrainingFields
} from "../continuous.ts"
import { FSV_GRADIENTS, fsvMix } from "./factorization.ts"

export const ContinuousFsvConfig = Schema.Struct({
  ...ContinuousTrainingFields,
  /**
   * Adam learning rate of the value networks V_i (SAC: 3e-4). The critics' rate: a V_i that
   * lags a fast Q_i makes every Q_i − V_i the lag, not the advantage (docs/quadratics.md).
   */
  valueLr: Schema.Number,
  /** Adam learning rate of log α (SAC: 3e-4; 3e-3 lets α reach ~0.03 within the budget, see docs/quadratics.md). */
  alphaLr: Schema.Number,
  /** α at the start (SAC implementations start at 1). */
  initAlpha: Schema.Number.check(Schema.isGreaterThan(0)),
  /** H̄ per agent in Eq. 34 (SAC's heuristic −dim(A_i) = −1); the joint target is N times it. */
  targetEntropy: Schema.Number,
  ...AttentionLambdaFields,
  /** Hidden units of the hypernetworks of w and b (Table 8: one hidden layer of 64). */
  hypernetHidden: Schema.Int,
  /** Where the stop-gradients apply (`./factorization.ts`). */
  gradients: Schema.Literals(FSV_GRADIENTS)
})
export type ContinuousFsvConfig = typeof ContinuousFsvConfig.Type

export const defaultContinuousFsvConfig: ContinuousFsvConfig = {
  ...defaultContinuousTraining,
  valueLr: 3e-3,
  alphaLr: 3e-3,
  initAlpha: 1,
  targetEntropy: -1,
  ...defaultAttentionLambdaFields,
  hypernetHidden: 64,
  gradients: "eq33"
}

/** FSV for a game of `shape` whose actions lie in [−bound, bound]. */
export const makeContinuousFsv = (shape: ContinuousShape, config: ContinuousFsvConfig, bound: number): ContinuousLearner => {
  const N = shape.agents
  const K = config.batchSize // samples per agent for the expectations over π
  const lambdaShape = attentionLambdaShape(shape.stateDim, N, N, config)
  const critic = new ParamLayout([
    ...individualQSpecs(shape, config.hidden),
    ...attentionLambdaSpecs("lambda", lambdaShape),
    ...mlpSpecs("hyperW", [shape.stateDim, config.hypernetHidden, N]),
    ...mlpSpecs("hyperB", [shape.stateDim, config.hypernetHidden, 1])
  ])
  const value = new ParamLayout(agentNetSpecs("v", shape, shape.stateDim, 1, config.hidden))
  const policyLayout = new ParamLayout(agentNetSpecs("pi", shape, shape.stateDim, 2, config.hidden))
  // α = initAlpha · exp(θ), θ initialised to 0 (bound 0): Adam on θ is Adam on log α.
  const alphaLayout = new ParamLayout([{ name: "logAlpha", shape: [1], bound: 0 }])
  const logInitAlpha = Math.log(config.initAlpha)

  const alphaOf = (p: GroupParams): tf.Tensor => tf.exp(tf.add(p["alpha"]!["logAlpha"]!, logInitAlpha)) // α: [S, 1]
  const valuesOf = (p: GroupParams, game: ContinuousGameTensors): tf.Tensor => {
    const [S] = game.obs.shape as [number]
    return tf.reshape(perAgentMlp(game.obs, p["value"]!, "v", AGENT_NET_LAYERS), [S, N]) // V_i(τ_i): [S, N]
  }
  const policyOf = (p: GroupParams, game: ContinuousGameTensors): { mean: tf.Tensor; logStd: tf.Tensor } => {
    const [S] = game.obs.shape as [number]
    const out = tf.reshape(perAgentMlp(game.obs, p["policy"]!, "pi", AGENT_NET_LAYERS), [S, N, 2]) // [S, N, 2]
    const [mean, raw] = tf.split(out, 2, 2) as [tf.Tensor, tf.Tensor]
    return { mean: tf.reshape(mean, [S, N]), logStd: squashLogStd(tf.reshape(raw, [S, N])) } // μ_i, log σ_i: [S, N]
  }
  /** K reparameterised samples per agent from the noise draws at `offset`: actions and log π_i, [S, K, N]. */
  const samples = (p: GroupParams, game: ContinuousGameTensors, noise: tf.Tensor, offset: number) => {
    const [S] = game.obs.shape as [number]
    const eps = tf.reshape(tf.slice(noise, [0, offset], [S, K * N]), [S, K, N]) // ε ~ N(0, 1): [S, K, N]
    const { mean, logStd } = policyOf(p, game)
    return squashedGaussian(tf.reshape(mean, [S, 1, N]), tf.reshape(logStd, [S, 1, N]), eps, bound) // [S, K, N]
  }

  /** Q_tot [S, B] for normalised joint actions [S, B, N] (Eq. 7, with the stop-gradients of `config.gradients`). */
  const qTotOf = (p: GroupParams, game: ContinuousGameTensors, actions: tf.Tensor): tf.Tensor => {
    const [S] = actions.shape as [number]
    const c = p["critic"]!
    return fsvMix({
      chosen: individualQ(c, game, actions), // Q_i(τ_i, u_i): [S, B, N]
      v: tf.reshape(valuesOf(p, game), [S, 1, N]), // V_i(τ_i): [S, 1, N] (another group: a constant here)
      lambda: attentionLambda(game.state, actions, c, "lambda", lambdaShape), // Eq. 14–15: [S, B, N]
      w: tf.reshape(tf.abs(mlp(game.state, c, "hyperW", 2)), [S, 1, N]), // w_i(s) ≥ 0: [S, 1, N]
      b: tf.reshape(mlp(game.state, c, "hyperB", 2), [S, 1]), // b(s): [S, 1]
      gradients: config.gradients
    }) // [S, B]
  }

  return {
    algo: "fsv",
    training: config,
    groups: [
      { name: "critic", layout: critic, lr: config.criticLr },
      { name: "value", layout: value, lr: config.valueLr },
      { name: "policy", layout: policyLayout, lr: config.actorLr },
      { name: "alpha", layout: alphaLayout, lr: config.alphaLr }
    ],
    noiseDraws: 2 * K * N,
    exploration: { kind: "policy" },
    steps: [
      {
        group: "critic",
        loss: (p, game, batch) => sumOfMeanSquares(tf.sub(qTotOf(p, game, batch.actions), batch.reward)) // Eq. 16, y = r
      },
      {
        group: "value",
        loss: (p, game, batch) => {
          const { action, logProb } = samples(p, game, batch.noise, 0) // u_i ~ π_i: [S, K, N]
          const soft = tf.sub(individualQ(p["critic"]!, game, action), tf.mul(tf.expandDims(alphaOf(p), 2), logProb)) // Q_i − α log π_i: [S, K, N]
          const target = tf.mean(soft, 1) // E_{u_i~π_i}[…]: [S, N]
          return tf.sum(tf.square(tf.sub(valuesOf(p, game), target))) as tf.Scalar // Eq. 17
        }
      },
      {
        group: "policy",
        loss: (p, game, batch) => {
          const { action, logProb } = samples(p, game, batch.noise, K * N) // reparameterised u_i ~ π_i: [S, K, N]
          const q = individualQ(p["critic"]!, game, action) // Q_i(τ_i, u_i): [S, K, N]
          const perSample = tf.sub(tf.mul(tf.expandDims(alphaOf(p), 2), logProb), q) // α log π_i − Q_i: [S, K, N]
          return tf.mul(tf.sum(perSample), 1 / K) as tf.Scalar // Eq. 18: Σ_s Σ_i mean_k
        }
      },
      {
        group: "alpha",
        loss: (p, game, batch) => {
          const { logProb } = samples(p, game, batch.noise, K * N) // the Eq. 18 step's ε, updated policy: [S, K, N]
          const joint = tf.add(tf.sum(logProb, 2), N * config.targetEntropy) // log π(u|τ) + H̄: [S, K]
          return tf.mul(tf.sum(tf.mul(tf.neg(alphaOf(p)), joint)), 1 / K) as tf.Scalar // Eq. 34
        }
      }
    ],
    policy: (p, game): PolicyOutput => policyOf(p, game),
    diagnostics: (p) => ({ alpha: tf.reshape(alphaOf(p), [-1]) })
  }
}
