/**
 * The recurrent learners by name, with their configs (PyMARL's SMAC defaults and qtran.yaml; FSV's Table 8).
 */
import { Schema } from "effect"
import { defaultRecurrentFsvConfig, makeRecurrentFsv, RecurrentFsvConfig } from "../../src/learners/fsv/recurrent.ts"
import type { RecurrentAlgo, RecurrentLearner, EpisodeShape } from "../../src/learners/recurrent.ts"
import { defaultRecurrentQmixConfig, makeRecurrentQmix, RecurrentQmixConfig } from "../../src/learners/qmix/recurrent.ts"
import { defaultRecurrentQtranConfig, makeRecurrentQtran, RecurrentQtranConfig } from "../../src/learners/qtran/recurrent.ts"
import { makeRecurrentVdn, RecurrentVdnConfig, defaultRecurrentVdnConfig } from "../../src/learners/vdn/recurrent.ts"

export const SmacLearnerConfigs = Schema.Struct({
  vdn: RecurrentVdnConfig,
  qmix: RecurrentQmixConfig,
  qtran: RecurrentQtranConfig,
  fsv: RecurrentFsvConfig
})
export type SmacLearnerConfigs = typeof SmacLearnerConfigs.Type

export const defaultSmacLearnerConfigs: SmacLearnerConfigs = {
  vdn: defaultRecurrentVdnConfig,
  qmix: defaultRecurrentQmixConfig,
  qtran: defaultRecurrentQtranConfig,
  fsv: defaultRecurrentFsvConfig
}

export const buildSmacLearner = (algo: RecurrentAlgo, shape: EpisodeShape, configs: SmacLearnerConfigs): RecurrentLearner => {
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
