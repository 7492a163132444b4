/**
 * The discrete learners by name, with their configs.
 */
import { Schema } from "effect"
import { defaultDiscreteFsvConfig, DiscreteFsvConfig, makeDiscreteFsv } from "../../src/learners/fsv/discrete.ts"
import type { DiscreteAlgo, DiscreteLearner, DiscreteShape } from "../../src/learners/discrete.ts"
import { defaultQmixConfig, makeQmix, QmixConfig } from "../../src/learners/qmix/discrete.ts"
import { defaultQtranAltConfig, makeQtranAlt, QtranAltConfig } from "../../src/learners/qtran/alt.ts"
import { defaultQtranBaseConfig, makeQtranBase, QtranBaseConfig } from "../../src/learners/qtran/base.ts"
import { defaultVdnConfig, makeVdn, VdnConfig } from "../../src/learners/vdn/discrete.ts"

/** Every learner's config. */
export const MatrixLearnerConfigs = Schema.Struct({
  vdn: VdnConfig,
  qmix: QmixConfig,
  "qtran-base": QtranBaseConfig,
  "qtran-alt": QtranAltConfig,
  fsv: DiscreteFsvConfig
})
export type MatrixLearnerConfigs = typeof MatrixLearnerConfigs.Type

/** Defaults (Table 8 and PyMARL); FSV anneals α over the whole run of `steps`. */
export const defaultMatrixLearnerConfigs = (steps: number): MatrixLearnerConfigs => ({
  vdn: defaultVdnConfig,
  qmix: defaultQmixConfig,
  "qtran-base": defaultQtranBaseConfig,
  "qtran-alt": defaultQtranAltConfig,
  fsv: defaultDiscreteFsvConfig(steps)
})

/** Build `algo` for S replicas; `alpha0s` (one per replica) is read by FSV only. */
export const buildMatrixLearner = (
  algo: DiscreteAlgo,
  shape: DiscreteShape,
  configs: MatrixLearnerConfigs,
  alpha0s: ReadonlyArray<number>
): DiscreteLearner => {
  switch (algo) {
    case "vdn":
      return makeVdn(shape, configs.vdn)
    case "qmix":
      return makeQmix(shape, configs.qmix)
    case "qtran-base":
      return makeQtranBase(shape, configs["qtran-base"])
    case "qtran-alt":
      return makeQtranAlt(shape, configs["qtran-alt"])
    case "fsv":
      return makeDiscreteFsv(shape, configs.fsv, alpha0s)
  }
}
