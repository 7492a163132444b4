/**
 * The discrete learners by name, with their configs.
 */
import { Schema } from "effect"
import { defaultFsvConfig, FsvConfig, makeFsv } from "./fsv.ts"
import type { Algo, DiscreteLearner, GameShape } from "./Learner.ts"
import { defaultQmixConfig, makeQmix, QmixConfig } from "./qmix.ts"
import { defaultQtranAltConfig, makeQtranAlt, QtranAltConfig } from "./qtranAlt.ts"
import { defaultQtranBaseConfig, makeQtranBase, QtranBaseConfig } from "./qtranBase.ts"
import { defaultVdnConfig, makeVdn, VdnConfig } from "./vdn.ts"

/** Every learner's config. */
export const LearnerConfigs = Schema.Struct({
  vdn: VdnConfig,
  qmix: QmixConfig,
  "qtran-base": QtranBaseConfig,
  "qtran-alt": QtranAltConfig,
  fsv: FsvConfig
})
export type LearnerConfigs = typeof LearnerConfigs.Type

/** Defaults (Table 8 and PyMARL); FSV anneals α over the whole run of `steps`. */
export const defaultLearnerConfigs = (steps: number): LearnerConfigs => ({
  vdn: defaultVdnConfig,
  qmix: defaultQmixConfig,
  "qtran-base": defaultQtranBaseConfig,
  "qtran-alt": defaultQtranAltConfig,
  fsv: defaultFsvConfig(steps)
})

/** Build `algo` for S replicas; `alpha0s` (one per replica) is read by FSV only. */
export const buildLearner = (
  algo: Algo,
  shape: GameShape,
  configs: LearnerConfigs,
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
      return makeFsv(shape, configs.fsv, alpha0s)
  }
}
