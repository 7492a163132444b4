/**
 * The paper's experiments as stages. Each is a value: run it with `runStage` from
 * `fsv-ts/store`, combine it with your own stages, rerun and verify its artifacts.
 */
export { MatrixConfig, matrixConfig, matrixStage } from "./matrix.ts"
export { matrixFromStages, trainAndEvaluate, trainConfigsOf, variantKey } from "./matrixComposed.ts"
export {
  EVALUATION,
  EvaluationFile,
  MatrixEvaluateConfig,
  matrixEvaluateStage
} from "./matrixEvaluate.ts"
export { MatrixReportConfig, matrixReportStage } from "./matrixReport.ts"
export {
  float32FromBytes,
  MatrixLearner,
  MatrixTrainConfig,
  matrixTrainConfig,
  matrixTrainStage,
  PARAMETERS,
  TRAINED,
  TrainedFile
} from "./matrixTrain.ts"
export { QuadraticsConfig, quadraticsConfig, quadraticsStage } from "./quadratics.ts"
export { defaultSmacConfig, SmacConfig, smacStage } from "./smac.ts"
export { readInputBytes, readInputJson, StageInputInvalid, stageInput } from "./stageInput.ts"
export { TheoryConfig, theoryStage, theoryTable } from "./theory.ts"
