/**
 * A training program: one learner over its replicas, described as plain data so that it
 * can run in this thread or be posted to a worker thread (`../pool.ts`).
 */
import { gameFromFlat } from "../../src/envs/matrix.ts"
import type { ProgramModule } from "../../src/runtime/pool.ts"
import type { DiscreteAlgo } from "../../src/learners/discrete.ts"
import { buildMatrixLearner, type MatrixLearnerConfigs } from "./learners.ts"
import { createMatrixTrainer, gameShape, type Slice, type SliceResult, type MatrixTrainer } from "./train.ts"

export interface MatrixProgram {
  readonly actionCounts: ReadonlyArray<number>
  /** The payoff, row-major (agent 0 most significant). */
  readonly payoff: ReadonlyArray<number>
  readonly learners: MatrixLearnerConfigs
  readonly algo: DiscreteAlgo
  readonly slices: ReadonlyArray<Slice>
  readonly rootSeed: number
  /** Stream label prefix, e.g. ["matrix", "qmix"]. */
  readonly label: ReadonlyArray<string>
  readonly steps: number
}

/** The trainer of a program. The caller must `dispose()` it. */
export const matrixProgramTrainer = (spec: MatrixProgram): MatrixTrainer => {
  const game = gameFromFlat(spec.actionCounts, spec.payoff)
  const learner = buildMatrixLearner(spec.algo, gameShape(game), spec.learners, spec.slices.map((s) => s.alpha0 ?? 0))
  return createMatrixTrainer({ game, learner, slices: spec.slices, rootSeed: spec.rootSeed, label: spec.label, steps: spec.steps })
}

/** Environment steps between progress reports. */
export const MATRIX_CHUNK = 250

/** This module, for the training pool (`trainPrograms(discretePrograms, specs, …)`). */
export const matrixProgramModule: ProgramModule<MatrixProgram, Array<SliceResult>> = {
  url: import.meta.url,
  exportName: "matrixProgramModule",
  programTrainer: matrixProgramTrainer,
  chunk: MATRIX_CHUNK
}
