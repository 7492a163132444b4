/**
 * A training program: one continuous learner over its seeds, described as plain data so
 * that it can run in this thread or be posted to a worker thread (`../pool.ts`).
 */
import type { QuadraticsGame } from "../../envs/quadratics.ts"
import type { ProgramModule } from "../pool.ts"
import type { Algo } from "./Learner.ts"
import { type LearnerConfigs, makeLearner } from "./registry.ts"
import { createTrainer, quadraticsShape, type SeedResult, type Trainer } from "./train.ts"

export interface ProgramSpec {
  readonly game: QuadraticsGame
  readonly learners: LearnerConfigs
  readonly algo: Algo
  readonly seeds: ReadonlyArray<number>
  readonly rootSeed: number
  /** Stream label prefix, e.g. ["quadratics", "fsv"]. */
  readonly label: ReadonlyArray<string>
  readonly steps: number
  readonly evalEvery: number
}

/** The trainer of a program. The caller must `dispose()` it. */
export const programTrainer = (spec: ProgramSpec): Trainer =>
  createTrainer({
    game: spec.game,
    learner: makeLearner(spec.algo, spec.learners, quadraticsShape, spec.game.bound),
    seeds: spec.seeds,
    rootSeed: spec.rootSeed,
    label: spec.label,
    steps: spec.steps,
    evalEvery: spec.evalEvery
  })

/** Environment steps between progress reports (and yields to the scheduler). */
export const CHUNK = 100

/** This module, for the training pool (`trainPrograms(continuousPrograms, specs, …)`). */
export const continuousPrograms: ProgramModule<ProgramSpec, Array<SeedResult>> = {
  url: import.meta.url,
  programTrainer,
  chunk: CHUNK
}
