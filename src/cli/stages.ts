/**
 * The stages this program knows, by name: what `fsv rerun` can re-execute.
 * Each pipeline adds its stage here.
 */
import { matrixStage } from "../../pipelines/matrix.ts"
import { matrixEvaluateStage, matrixReportStage, matrixTrainStage } from "../../pipelines/index.ts"
import { quadraticsStage } from "../../pipelines/quadratics.ts"
import { smacStage } from "../../pipelines/smac.ts"
import { theoryStage } from "../../pipelines/theory.ts"
import type { AnyStage } from "../store/Stage.ts"

export const knownStages: ReadonlyArray<AnyStage> = [theoryStage, matrixStage, matrixTrainStage, matrixEvaluateStage, matrixReportStage, quadraticsStage, smacStage]
