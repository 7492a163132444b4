/**
 * The recurrent learners by name, with their configs (PyMARL's SMAC defaults; FSV's Table 8).
 */
import { Schema } from "effect"
import type { SmacShape } from "../../runner/Episode.ts"
import type { RecurrentAlgo, RecurrentLearner } from "./Learner.ts"
import {
  defaultRecurrentQmixConfig,
  defaultRecurrentVdnConfig,
  makeRecurrentQmix,
  makeRecurrentVdn,
  RecurrentQmixConfig,
  RecurrentVdnConfig
} from "./qmix.ts"

export const RecurrentLearnerConfigs = Schema.Struct({
  vdn: RecurrentVdnConfig,
  qmix: RecurrentQmixConfig
})
export type RecurrentLearnerConfigs = typeof RecurrentLearnerConfigs.Type

export const defaultRecurrentLearnerConfigs: RecurrentLearnerConfigs = {
  vdn: defaultRecurrentVdnConfig,
  qmix: defaultRecurrentQmixConfig
}

export const buildRecurrentLearner = (algo: RecurrentAlgo, shape: SmacShape, configs: RecurrentLearnerConfigs): RecurrentLearner => {
  switch (algo) {
    case "vdn":
      return makeRecurrentVdn(shape, configs.vdn)
    case "qmix":
      return makeRecurrentQmix(shape, configs.qmix)
    default:
      throw new Error(`${algo}: not built yet`)
  }
}
