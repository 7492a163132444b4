/**
 * A training program: one continuous learner over its seeds, described as plain data so
 * that it can run in this thread or be posted to a worker thread (`../pool.ts`).
 */
import type { QuadraticsGame } from "../../src/envs/quadratics.ts"
import type { ProgramModule } from "../../src/runtime/pool.ts"
import type { ContinuousAlgo } from "../../src/learners/continuous.ts"
import { type QuadraticsLearnerConfigs, buildQuadraticsLearner } from "./learners.ts"
import { createQuadraticsTrainer, quadraticsShape, type SeedResult, type QuadraticsTrainer } from "./train.ts"

export interface QuadraticsProgram {
  readonly game: QuadraticsGame
  readonly learners: QuadraticsLearnerConfigs
  readonly algo: ContinuousAlgo
  readonly seeds: ReadonlyArray<number>
  readonly rootSeed: number
  /** Stream label prefix, e.g. ["quadratics", "fsv"]. */
  readonly label: ReadonlyArray<string>
  readonly steps: number
  readonly evalEvery: number
}

/** The trainer of a program. The caller must `dispose()` it. */
export const quadraticsProgramTrainer = (spec: QuadraticsProgram): QuadraticsTrainer =>
  createQuadraticsTrainer({
    game: spec.game,
    learner: buildQuadraticsLearner(spec.algo, spec.learners, quadraticsShape, spec.game.bound),
    seeds: spec.seeds,
    rootSeed: spec.rootSeed,
    label: spec.label,
    steps: spec.steps,
    evalEvery: spec.evalEvery
  })

/** Environment steps between progress reports (and yields to the scheduler). */
export const QUADRATICS_CHUNK = 100

/** This module, for the training pool (`trainPrograms(continuousPrograms, specs, …)`). */
export const quadraticsProgramModule: ProgramModule<QuadraticsProgram, Array<SeedResult>> = {
  url: import.meta.url,
  exportName: "quadraticsProgramModule",
  programTrainer: quadraticsProgramTrainer,
  chunk: QUADRATICS_CHUNK
}
