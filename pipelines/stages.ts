/**
 * The stages this program knows, by name: what `fsv rerun` can re-execute; and the figures a
 * sweep's summary draws of each experiment's result.json. Each experiment adds its stages and
 * its figures here.
 */
import { matrixStage } from "./matrix/stage.ts"
import { matrixEvaluateStage, matrixReportStage, matrixTrainStage } from "./index.ts"
import { quadraticsStage } from "./quadratics/stage.ts"
import { CHECKPOINT_EVERY, SmacCheckpointing, smacStage } from "./smac/stage.ts"
import { Checkpoints, currentOrigin } from "./smac/checkpoint.ts"
import { Layer } from "effect"
import { theoryStage } from "./theory/stage.ts"
import type { AnyStage } from "../src/store/Stage.ts"
import type { AnyExperimentFigures } from "../src/sweep/Figures.ts"
import type { StageRegistry } from "../src/sweep/Registry.ts"
import { matrixFigures } from "./matrix/report.ts"
import { quadraticsFigures } from "./quadratics/report.ts"
import { smacFigures } from "./smac/results.ts"

export const knownStages: ReadonlyArray<AnyStage> = [theoryStage, matrixStage, matrixTrainStage, matrixEvaluateStage, matrixReportStage, quadraticsStage, smacStage]

export const experimentFigures: ReadonlyArray<AnyExperimentFigures> = [smacFigures, matrixFigures, quadraticsFigures]

/**
 * What a sweep's worker gives the stages it runs against the store at `root`: SMAC runs
 * checkpoint into the store and always resume. A checkpoint's key is the run's whole trajectory
 * (config, seed, code, runtime), and a resumed run ends in the same bytes as an uninterrupted one
 * (spec/smac-train/killResume.test.ts), so a run whose runner died continues where its last
 * checkpoint left off, on whichever runner takes it up, when the store is shared.
 */
export const runServices = (root: string): Layer.Layer<never> =>
  Layer.mergeAll(Checkpoints.files(root, currentOrigin()), Layer.succeed(SmacCheckpointing, { resume: true, every: CHECKPOINT_EVERY }))

/** The `fsv` program's stages and figures, and this module for sweep workers to import them from. */
export const fsvRegistry: StageRegistry = { module: import.meta.url, stages: knownStages, figures: experimentFigures, runServices }
