/**
 * QMIX on episodes (Rashid et al. 2018; PyMARL's QLearner with `mixer: qmix`, `double_q: True`):
 *
 *   Q_tot(τ_t, u_t) = f(Q_1, …, Q_N; s_t), monotone in every Q_i (Eq. 2)
 *   y_t = r_t + γ (1 − terminated_t) Q̄_tot(τ_{t+1}, ū_{t+1}; s_{t+1}),
 *   ū_{t+1,i} = argmax over available u of Q_i(τ_{t+1,i}, u)       (double Q: current network picks)
 *
 * Q̄ is the target network (agent and mixer). The mixer is `src/nn/qmixMixer.ts` with the
 * global state s_t as its input; VDN is the same learner with Q_tot = Σ_i Q_i.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import { withoutTape } from "../../nn/stopGradient.ts"
import {
  defaultQmixMixerFields,
  qmixMixBatched,
  QmixMixerFields,
  qmixMixerShape,
  qmixMixerSpecs,
  qmixWeights
} from "./mixer.ts"
import { agentQs, defaultRecurrentTraining, fold, greedyOneHot, maskedMse, current, next, RecurrentTrainingFields, recurrentAgentSpecs, type RecurrentLearner, type SeqBatch, tdTarget, unfold, type EpisodeShape } from "../recurrent.ts"
import { chosenQ } from "../../nn/chosenQ.ts"

export const RecurrentQmixConfig = Schema.Struct({
  ...RecurrentTrainingFields,
  ...QmixMixerFields
})
export type RecurrentQmixConfig = typeof RecurrentQmixConfig.Type

export const defaultRecurrentQmixConfig: RecurrentQmixConfig = {
  ...defaultRecurrentTraining,
  ...defaultQmixMixerFields
}

export const RecurrentVdnConfig = Schema.Struct({ ...RecurrentTrainingFields })
export type RecurrentVdnConfig = typeof RecurrentVdnConfig.Type
export const defaultRecurrentVdnConfig: RecurrentVdnConfig = { ...defaultRecurrentTraining }

/** A value-factorization learner trained on the double-Q TD target through `mix`. */
const makeMixingLearner = (
  algo: "vdn" | "qmix",
  shape: EpisodeShape,
  config: RecurrentVdnConfig,
  layout: ParamLayout,
  mix: (params: Readonly<Record<string, tf.Tensor>>, chosen: tf.Tensor, state: tf.Tensor, batch: SeqBatch) => tf.Tensor
): RecurrentLearner => {
  const H = config.agentHidden
  const build = (params: Readonly<Record<string, tf.Tensor>>, target: Readonly<Record<string, tf.Tensor>>, batch: SeqBatch) => {
    const { T } = batch
    const q = agentQs(params, batch, shape, H).q // [T+1, B, N, A]
    const y = withoutTape(() => {
      const qTarget = agentQs(target, batch, shape, H).q // Q̄_i: [T+1, B, N, A]
      const greedy = greedyOneHot(next(q, T), next(batch.unavailable, T)) // ū_{t+1}: [T, B, N, A]
      const nextChosen = chosenQ(next(qTarget, T), greedy) // Q̄_i(τ_{t+1}, ū_{t+1}): [T, B, N]
      return tdTarget(batch, config.gamma, mix(target, nextChosen, batch.nextState, batch)) // [T, B]
    })
    const qTot = mix(params, chosenQ(current(q, T), batch.actions), batch.state, batch) // Q_tot(τ_t, u_t): [T, B]
    return { qTot, y }
  }
  return {
    algo,
    layout,
    training: config,
    exploration: { kind: "epsilon-greedy" },
    samplesNextActions: false,
    targets: (params, target, batch) => build(params, target, batch).y,
    loss: (params, target, batch) => {
      const { qTot, y } = build(params, target, batch)
      return maskedMse(qTot, y, batch.mask)
    }
  }
}

export const makeRecurrentVdn = (shape: EpisodeShape, config: RecurrentVdnConfig): RecurrentLearner =>
  makeMixingLearner(
    "vdn",
    shape,
    config,
    new ParamLayout(recurrentAgentSpecs(shape, config.agentHidden)),
    (_params, chosen) => tf.sum(chosen, 2) // Eq. 2 (left): Q_tot = Σ_i Q_i, [T, B]
  )

export const makeRecurrentQmix = (shape: EpisodeShape, config: RecurrentQmixConfig): RecurrentLearner => {
  const mixer = qmixMixerShape(shape.agents, shape.stateDim, config)
  return makeMixingLearner(
    "qmix",
    shape,
    config,
    new ParamLayout([...recurrentAgentSpecs(shape, config.agentHidden), ...qmixMixerSpecs("mixer", mixer)]),
    (params, chosen, state, batch) => unfold(qmixMixBatched(fold(chosen, batch), qmixWeights(state, params, "mixer", mixer)), batch) // [T, B]
  )
}
