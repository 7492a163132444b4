/**
 * A training program: one learner over its replicas, described as plain data so that it
 * can run in this thread or be posted to a worker thread (`../pool.ts`).
 */
import { gameFromFlat } from "../../envs/matrix.ts"
import type { ProgramModule } from "../pool.ts"
import type { Algo } from "./Learner.ts"
import { buildLearner, type LearnerConfigs } from "./registry.ts"
import { createTrainer, gameShape, type Slice, type SliceResult, type Trainer } from "./train.ts"

export interface ProgramSpec {
  readonly actionCounts: ReadonlyArray<number>
  /** The payoff, row-major (agent 0 most significant). */
  readonly payoff: ReadonlyArray<number>
  readonly learners: LearnerConfigs
  readonly algo: Algo
  readonly slices: ReadonlyArray<Slice>
  readonly rootSeed: number
  /** Stream label prefix, e.g. ["matrix", "qmix"]. */
  readonly label: ReadonlyArray<string>
  readonly steps: number
}

/** The trainer of a program. The caller must `dispose()` it. */
export const programTrainer = (spec: ProgramSpec): Trainer => {
  const game = gameFromFlat(spec.actionCounts, spec.payoff)
  const learner = buildLearner(spec.algo, gameShape(game), spec.learners, spec.slices.map((s) => s.alpha0 ?? 0))
  return createTrainer({ game, learner, slices: spec.slices, rootSeed: spec.rootSeed, label: spec.label, steps: spec.steps })
}

/** Environment steps between progress reports. */
export const CHUNK = 250

/** This module, for the training pool (`trainPrograms(discretePrograms, specs, …)`). */
export const discretePrograms: ProgramModule<ProgramSpec, Array<SliceResult>> = {
  url: import.meta.url,
  programTrainer,
  chunk: CHUNK
}
