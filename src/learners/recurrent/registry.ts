/**
 * The recurrent learners by name, with their configs (PyMARL's SMAC defaults and qtran.yaml; FSV's Table 8).
 */
import { Schema } from "effect"
import type { SmacShape } from "../../runner/Episode.ts"
import { defaultRecurrentFsvConfig, makeRecurrentFsv, RecurrentFsvConfig } from "./fsv.ts"
import type { RecurrentAlgo, RecurrentLearner } from "./Learner.ts"
import {
  defaultRecurrentQmixConfig,
  defaultRecurrentVdnConfig,
  makeRecurrentQmix,
  makeRecurrentVdn,
  RecurrentQmixConfig,
  RecurrentVdnConfig
} from "./qmix.ts"
import { defaultRecurrentQtranConfig, makeRecurrentQtran, RecurrentQtranConfig } from "./qtran.ts"

export const RecurrentLearnerConfigs = Schema.Struct({
  vdn: RecurrentVdnConfig,
  qmix: RecurrentQmixConfig,
  qtran: RecurrentQtranConfig,
  fsv: RecurrentFsvConfig
})
export type RecurrentLearnerConfigs = typeof RecurrentLearnerConfigs.Type

export const defaultRecurrentLearnerConfigs: RecurrentLearnerConfigs = {
  vdn: defaultRecurrentVdnConfig,
  qmix: defaultRecurrentQmixConfig,
  qtran: defaultRecurrentQtranConfig,
  fsv: defaultRecurrentFsvConfig
}

export const buildRecurrentLearner = (algo: RecurrentAlgo, shape: SmacShape, configs: RecurrentLearnerConfigs): RecurrentLearner => {
  switch (algo) {
    case "vdn":
      return makeRecurrentVdn(shape, configs.vdn)
    case "qmix":
      return makeRecurrentQmix(shape, configs.qmix)
    case "qtran":
      return makeRecurrentQtran(shape, configs.qtran)
    case "fsv":
      return makeRecurrentFsv(shape, configs.fsv)
  }
}
