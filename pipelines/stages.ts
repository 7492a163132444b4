/**
 * The stages this program knows, by name: what `fsv rerun` can re-execute.
 * Each pipeline adds its stage here.
 */
import { matrixStage } from "./matrix/stage.ts"
import { matrixEvaluateStage, matrixReportStage, matrixTrainStage } from "./index.ts"
import { quadraticsStage } from "./quadratics/stage.ts"
import { smacStage } from "./smac/stage.ts"
import { theoryStage } from "./theory/stage.ts"
import type { AnyStage } from "../src/store/Stage.ts"
import type { StageRegistry } from "../src/sweep/Registry.ts"

export const knownStages: ReadonlyArray<AnyStage> = [theoryStage, matrixStage, matrixTrainStage, matrixEvaluateStage, matrixReportStage, quadraticsStage, smacStage]

/** The `fsv` program's stages, and this module for sweep workers to import them from. */
export const fsvRegistry: StageRegistry = { module: import.meta.url, stages: knownStages }
