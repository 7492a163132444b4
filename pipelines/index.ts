/**
 * The paper's experiments as stages. Each is a value: run it with `runStage` from
 * `fsv-ts/store`, combine it with your own stages, rerun and verify its artifacts.
 */
export { MatrixConfig, matrixConfig, matrixStage } from "./matrix/stage.ts"
export { matrixFromStages, trainAndEvaluate, trainConfigsOf, variantKey } from "./matrix/composed.ts"
export {
  EVALUATION,
  EvaluationFile,
  MatrixEvaluateConfig,
  matrixEvaluateStage
} from "./matrix/evaluateStage.ts"
export { MatrixReportConfig, matrixReportStage } from "./matrix/reportStage.ts"
export {
  float32FromBytes,
  MatrixLearner,
  MatrixTrainConfig,
  matrixTrainConfig,
  matrixTrainStage,
  PARAMETERS,
  TRAINED,
  TrainedFile
} from "./matrix/trainStage.ts"
export { QuadraticsConfig, quadraticsConfig } from "./quadratics/config.ts"
export { quadraticsStage } from "./quadratics/stage.ts"
export { defaultSmacConfig, SmacConfig, smacStage } from "./smac/stage.ts"
export { readInputBytes, readInputJson, StageInputInvalid, stageInput } from "../src/store/StageInput.ts"
export { TheoryConfig, theoryStage, theoryTable } from "./theory/stage.ts"
