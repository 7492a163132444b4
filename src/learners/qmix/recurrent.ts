/**
 * QMIX on episodes (Rashid et al. 2018; PyMARL's QLearner with `mixer: qmix`, `double_q: True`):
 *
 *   Q_tot(τ_t, u_t) = f(Q_1, …, Q_N; s_t), monotone in every Q_i (Eq. 2)
 *   y_t = r_t + γ (1 − terminated_t) Q̄_tot(τ_{t+1}, ū_{t+1}; s_{t+1}),
 *   ū_{t+1,i} = argmax over available u of Q_i(τ_{t+1,i}, u)       (double Q: current network picks)
 *
 * Q̄ is the target network (agent and mixer). The mixer is `./mixer.ts` with the
 * global state s_t as its input; VDN (`../vdn/recurrent.ts`) is the same double-Q learner
 * (`makeDoubleQLearner`) with Q_tot = Σ_i Q_i.
 */
import { Schema } from "effect"
import { ParamLayout } from "../../nn/params.ts"
import {
  defaultQmixMixerFields,
  qmixMixBatched,
  QmixMixerFields,
  qmixMixerShape,
  qmixMixerSpecs,
  qmixWeights
} from "./mixer.ts"
import { defaultRecurrentTraining, fold, RecurrentTrainingFields, recurrentAgentSpecs, type RecurrentLearner, unfold, type EpisodeShape, makeDoubleQLearner } from "../recurrent.ts"

export const RecurrentQmixConfig = Schema.Struct({
  ...RecurrentTrainingFields,
  ...QmixMixerFields
})
export type RecurrentQmixConfig = typeof RecurrentQmixConfig.Type

export const defaultRecurrentQmixConfig: RecurrentQmixConfig = {
  ...defaultRecurrentTraining,
  ...defaultQmixMixerFields
}

export const makeRecurrentQmix = (shape: EpisodeShape, config: RecurrentQmixConfig): RecurrentLearner => {
  const mixer = qmixMixerShape(shape.agents, shape.stateDim, config)
  return makeDoubleQLearner(
    "qmix",
    shape,
    config,
    new ParamLayout([...recurrentAgentSpecs(shape, config.agentHidden), ...qmixMixerSpecs("mixer", mixer)]),
    (params, chosen, state, batch) => unfold(qmixMixBatched(fold(chosen, batch), qmixWeights(state, params, "mixer", mixer)), batch) // [T, B]
  )
}
