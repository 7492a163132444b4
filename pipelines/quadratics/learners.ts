/**
 * The continuous learners by name, with their config schemas and defaults: what the
 * quadratics pipeline builds from its config.
 */
import { Schema } from "effect"
import { defaultContinuousFsvConfig, ContinuousFsvConfig, makeContinuousFsv } from "../../src/learners/fsv/continuous.ts"
import type { ContinuousAlgo, ContinuousLearner, ContinuousShape } from "../../src/learners/continuous.ts"
import { defaultMaddpgConfig, MaddpgConfig, makeMaddpg } from "../../src/learners/maddpg/continuous.ts"
import { defaultQmixDdpgConfig, makeQmixDdpg, QmixDdpgConfig } from "../../src/learners/qmix/continuous.ts"
import { defaultVdnDdpgConfig, makeVdnDdpg, VdnDdpgConfig } from "../../src/learners/vdn/continuous.ts"

/** Every continuous learner's config. */
export const QuadraticsLearnerConfigs = Schema.Struct({
  fsv: ContinuousFsvConfig,
  maddpg: MaddpgConfig,
  "vdn-ddpg": VdnDdpgConfig,
  "qmix-ddpg": QmixDdpgConfig
})
export type QuadraticsLearnerConfigs = typeof QuadraticsLearnerConfigs.Type

export const defaultQuadraticsLearnerConfigs: QuadraticsLearnerConfigs = {
  fsv: defaultContinuousFsvConfig,
  maddpg: defaultMaddpgConfig,
  "vdn-ddpg": defaultVdnDdpgConfig,
  "qmix-ddpg": defaultQmixDdpgConfig
}

/** Build `algo` for a game of `shape` with actions in [−bound, bound]. */
export const buildQuadraticsLearner = (algo: ContinuousAlgo, configs: QuadraticsLearnerConfigs, shape: ContinuousShape, bound: number): ContinuousLearner => {
  switch (algo) {
    case "fsv":
      return makeContinuousFsv(shape, configs.fsv, bound)
    case "maddpg":
      return makeMaddpg(shape, configs.maddpg)
    case "vdn-ddpg":
      return makeVdnDdpg(shape, configs["vdn-ddpg"])
    case "qmix-ddpg":
      return makeQmixDdpg(shape, configs["qmix-ddpg"])
  }
}
