/**
 * The stages this program knows, by name: what `fsv rerun` can re-execute; and the figures a
 * sweep's summary draws of each experiment's result.json. Each experiment adds its stages and
 * its figures here.
 */
import { matrixStage } from "./matrix/stage.ts"
import { matrixEvaluateStage, matrixReportStage, matrixTrainStage } from "./index.ts"
import { quadraticsStage } from "./quadratics/stage.ts"
import { smacStage } from "./smac/stage.ts"
import { theoryStage } from "./theory/stage.ts"
import type { AnyStage } from "../src/store/Stage.ts"
import type { AnyExperimentFigures } from "../src/sweep/Figures.ts"
import type { StageRegistry } from "../src/sweep/Registry.ts"
import { matrixFigures } from "./matrix/report.ts"
import { quadraticsFigures } from "./quadratics/report.ts"
import { smacFigures } from "./smac/results.ts"

export const knownStages: ReadonlyArray<AnyStage> = [theoryStage, matrixStage, matrixTrainStage, matrixEvaluateStage, matrixReportStage, quadraticsStage, smacStage]

export const experimentFigures: ReadonlyArray<AnyExperimentFigures> = [smacFigures, matrixFigures, quadraticsFigures]

/** The `fsv` program's stages and figures, and this module for sweep workers to import them from. */
export const fsvRegistry: StageRegistry = { module: import.meta.url, stages: knownStages, figures: experimentFigures }
