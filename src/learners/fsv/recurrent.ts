/**
 * FSV on episodes (Section 3.3, discrete form; Appendix 7.2):
 *
 *   V_i     = α log Σ_{u avail} exp(Q_i(τ_i, u)/α)                        (Eq. 5)
 *   λ_i     = Σ_h λ_{i,h}(s, u), multi-head attention over s and u         (Eq. 14–15)
 *   V_tot   = Σ_i w_i(s) V_i + b(s),  w ≥ 0 (one-layer hypernetworks)      (Eq. 13)
 *   Q_tot   = Σ_i λ_i (Q_i − V_i) + V_tot                                 (Eq. 7, `./factorization.ts`)
 *   J       = (Q_tot(τ_t, u_t) − y_t)²                                    (Eq. 16)
 *   y_t     = r_t + γ (1 − terminated_t) [Q̄_tot(τ_{t+1}, u') − α log π_tot(u' | τ_{t+1})],
 *   u'_i ~ π_i ∝ exp((Q_i − V_i)/α),  log π_tot = Σ_i (Q_i(u'_i) − V_i)/α
 *
 * Choices the paper leaves open:
 * - u' and log π come from the current network (as SAC's next action), Q̄_tot from the target
 *   network; u' is drawn by the Gumbel-max trick with noise from the run's "learn" stream.
 * - λ is normalized over agents by default (`lambdaNormalization: "agents"`): λ_{i,h} = exp(·)
 *   with unbounded attention logits overflowed float32 over long runs; the matrix-game file
 *   (`./discrete.ts`) explains why "none" is its default there.
 * - `gradients`: where the stop-gradients apply, as in every FSV learner (`./factorization.ts`).
 * - α is annealed linearly from `alphaStart` to `alphaFinish` (default 0.1 → 0.01 over 50k steps;
 *   Table 8 starts at 1, see the default's comment), shared by all agents (α_i = α).
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
import { linear } from "../../nn/dense.ts"
import { FSV_GRADIENTS, fsvMix } from "./factorization.ts"
import { alphaAt, AlphaAnnealFields } from "./temperature.ts"
import { linearSpecs, ParamLayout } from "../../nn/params.ts"
import { softValues } from "../../nn/softValue.ts"
import { withoutTape } from "../../nn/stopGradient.ts"
import { agentQs, current, defaultRecurrentTraining, maskedMse, next, RecurrentTrainingFields, recurrentAgentSpecs, type RecurrentLearner, type SeqBatch, tdTarget, type EpisodeShape } from "../recurrent.ts"
import { chosenQ } from "../../nn/chosenQ.ts"

export const RecurrentFsvConfig = Schema.Struct({
  ...RecurrentTrainingFields,
  ...AttentionLambdaFields,
  /** Where the stop-gradients apply (`./factorization.ts`). */
  gradients: Schema.Literals(FSV_GRADIENTS),
  /** α, linear from alphaStart to alphaFinish over alphaAnnealSteps environment steps (Table 8: 1 → 0.01). */
  ...AlphaAnnealFields,
  alphaFinish: Schema.Number
})
export type RecurrentFsvConfig = typeof RecurrentFsvConfig.Type

export const defaultRecurrentFsvConfig: RecurrentFsvConfig = {
  ...defaultRecurrentTraining,
  ...defaultAttentionLambdaFields,
  lambdaNormalization: "agents",
  gradients: "eq33",
  // Table 8 starts at 1; on SMAC's reward scale (≤ 20 per episode) that entropy bonus made the
  // agents avoid combat for 80k+ steps (docs/smac-train.md, Results), so SMAC starts at 0.1.
  alphaStart: 0.1,
  alphaFinish: 0.01,
  alphaAnnealSteps: 50000
}

export const makeRecurrentFsv = (shape: EpisodeShape, config: RecurrentFsvConfig): RecurrentLearner => {
  const { agents: N, actions: A } = shape
  const H = config.agentHidden
  const lambdaShape = attentionLambdaShape(shape.stateDim, N * A, N, config)
  const layout = new ParamLayout([
    ...recurrentAgentSpecs(shape, H),
    ...attentionLambdaSpecs("lambda", lambdaShape),
    ...linearSpecs("hyperW", shape.stateDim, N),
    ...linearSpecs("hyperB", shape.stateDim, 1)
  ])

  /**
   * Q_tot (Eq. 7, with the stop-gradients of `config.gradients`) for chosen Q_i and V_i [T, B, N], one-hot
   * actions [T, B, N, A] and states [1, T·B, stateDim]: [T, B].
   */
  const qTotOf = (
    params: Readonly<Record<string, tf.Tensor>>,
    state: tf.Tensor,
    chosen: tf.Tensor,
    v: tf.Tensor,
    actions: tf.Tensor,
    batch: SeqBatch
  ): tf.Tensor => {
    const { T, B } = batch
    const M = T * B
    const lambda = tf.reshape(attentionLambda(state, tf.reshape(actions, [1, M, N * A]), params, "lambda", lambdaShape), [T, B, N]) // Eq. 14–15: [T, B, N]
    const w = tf.reshape(tf.abs(linear(state, params["hyperW.w"]!, params["hyperW.b"]!)), [T, B, N]) // w_i(s) ≥ 0: [T, B, N]
    const b = tf.reshape(linear(state, params["hyperB.w"]!, params["hyperB.b"]!), [T, B]) // b(s): [T, B]
    return fsvMix({ chosen, v, lambda, w, b, gradients: config.gradients }) // Q_tot: [T, B]
  }

  const build = (
    params: Readonly<Record<string, tf.Tensor>>,
    target: Readonly<Record<string, tf.Tensor>>,
    batch: SeqBatch,
    alpha: number,
    gumbel: tf.Tensor
  ) => {
    const { T } = batch
    const a = tf.scalar(alpha)
    const q = agentQs(params, batch, shape, H).q // [T+1, B, N, A]
    const unavailableNow = current(batch.unavailable, T) // [T, B, N, A]
    const unavailableNext = next(batch.unavailable, T) // [T, B, N, A]

    const qNow = current(q, T) // [T, B, N, A]
    const v = softValues(qNow, a, unavailableNow) // V_i, Eq. 5: [T, B, N]
    const qTot = qTotOf(params, batch.state, chosenQ(qNow, batch.actions), v, batch.actions, batch) // [T, B]

    // Eq. 16's target: u' ~ π_tot of the current network, valued by the target network.
    const y = withoutTape(() => {
      const qNext = next(q, T) // [T, B, N, A]
      const vNext = softValues(qNext, a, unavailableNext) // V_i(τ_{t+1}): [T, B, N]
      const logits = tf.add(tf.div(qNext, a), unavailableNext) // (Q_i/α) on available actions: [T, B, N, A]
      const sampled = tf.oneHot(tf.argMax(tf.add(logits, gumbel), 3), A) // u' ~ π_i (Gumbel-max): [T, B, N, A]
      const logPi = tf.sum(tf.div(tf.sub(chosenQ(qNext, sampled), vNext), a), 2) // log π_tot(u') = Σ_i (Q_i(u'_i) − V_i)/α: [T, B]
      const qTargetNext = next(agentQs(target, batch, shape, H).q, T) // Q̄_i(τ_{t+1}): [T, B, N, A]
      const vTargetNext = softValues(qTargetNext, a, unavailableNext) // V̄_i: [T, B, N]
      const qTotNext = qTotOf(target, batch.nextState, chosenQ(qTargetNext, sampled), vTargetNext, sampled, batch) // Q̄_tot(τ_{t+1}, u'): [T, B]
      return tdTarget(batch, config.gamma, tf.sub(qTotNext, tf.mul(a, logPi)), config.tdLambda) // Eq. 16 (inside the λ-return if tdLambda > 0): [T, B]
    })
    return { qTot, y }
  }

  const noise = (gumbel: tf.Tensor | undefined): tf.Tensor => {
    if (gumbel === undefined) throw new Error("fsv: the update needs Gumbel noise for u' ~ π (UpdateContext.gumbel)")
    return gumbel
  }

  return {
    algo: "fsv",
    layout,
    training: config,
    exploration: { kind: "energy", alphaAt: (tEnv) => alphaAt(config, config.alphaFinish, tEnv) },
    samplesNextActions: true,
    targets: (params, target, batch, ctx) => build(params, target, batch, ctx.alpha, noise(ctx.gumbel)).y,
    loss: (params, target, batch, ctx) => {
      const { qTot, y } = build(params, target, batch, ctx.alpha, noise(ctx.gumbel))
      return maskedMse(qTot, y, batch.mask)
    }
  }
}
