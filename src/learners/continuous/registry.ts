/**
 * The continuous learners by name, with their config schemas and defaults: what the
 * quadratics pipeline builds from its config.
 */
import { Schema } from "effect"
import { defaultFsvConfig, FsvConfig, makeFsv } from "./fsv.ts"
import type { Algo, ContinuousLearner, GameShape } from "./Learner.ts"
import { defaultMaddpgConfig, MaddpgConfig, makeMaddpg } from "./maddpg.ts"
import { defaultQmixDdpgConfig, makeQmixDdpg, QmixDdpgConfig } from "./qmixDdpg.ts"
import { defaultVdnDdpgConfig, makeVdnDdpg, VdnDdpgConfig } from "./vdnDdpg.ts"

/** Every continuous learner's config. */
export const LearnerConfigs = Schema.Struct({
  fsv: FsvConfig,
  maddpg: MaddpgConfig,
  "vdn-ddpg": VdnDdpgConfig,
  "qmix-ddpg": QmixDdpgConfig
})
export type LearnerConfigs = typeof LearnerConfigs.Type

export const defaultLearnerConfigs: LearnerConfigs = {
  fsv: defaultFsvConfig,
  maddpg: defaultMaddpgConfig,
  "vdn-ddpg": defaultVdnDdpgConfig,
  "qmix-ddpg": defaultQmixDdpgConfig
}

/** Build `algo` for a game of `shape` with actions in [−bound, bound]. */
export const makeLearner = (algo: Algo, configs: LearnerConfigs, shape: GameShape, bound: number): ContinuousLearner => {
  switch (algo) {
    case "fsv":
      return makeFsv(shape, configs.fsv, bound)
    case "maddpg":
      return makeMaddpg(shape, configs.maddpg)
    case "vdn-ddpg":
      return makeVdnDdpg(shape, configs["vdn-ddpg"])
    case "qmix-ddpg":
      return makeQmixDdpg(shape, configs["qmix-ddpg"])
  }
}
