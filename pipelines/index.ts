/**
 * The paper's experiments as stages. Each is a value: run it with `runStage` from
 * `fsv-ts/store`, combine it with your own stages, rerun and verify its artifacts.
 */
export { MatrixConfig, matrixConfig, matrixStage } from "./matrix.ts"
export { QuadraticsConfig, quadraticsConfig, quadraticsStage } from "./quadratics.ts"
export { defaultSmacConfig, SmacConfig, smacStage } from "./smac.ts"
export { TheoryConfig, theoryStage, theoryTable } from "./theory.ts"
