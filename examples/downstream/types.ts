/**
 * Compile-time checks (run with `tsc -p .`): a stage given the wrong config type does not
 * compile. Each `@ts-expect-error` must find an error, or tsc fails.
 */
import { Effect, Schema } from "effect"
import { matrixStage, matrixTrainConfig, matrixTrainStage } from "fsv-ts/pipelines"
import { defineStage, runStage } from "fsv-ts/store"

const thresholdStage = defineStage({
  name: "threshold",
  version: 1,
  description: "type-level test stage",
  config: Schema.Struct({ threshold: Schema.Number }),
  run: (config) => Effect.succeed({ "t.txt": String(config.threshold) })
})

export const ok = runStage(thresholdStage, { threshold: 0.5 })
// @ts-expect-error threshold must be a number
export const wrongType = runStage(thresholdStage, { threshold: "0.5" })
// @ts-expect-error threshold is required
export const missing = runStage(thresholdStage, {})
// @ts-expect-error the matrix stage's config is not the threshold stage's
export const crossed = runStage(matrixStage, { threshold: 0.5 })

// The matrix training stage's config is checked the same way, learner union included.
const fsv = matrixTrainConfig({ algo: "fsv", alpha0: 0.01, steps: 100 })
export const trained = runStage(matrixTrainStage, fsv)
// @ts-expect-error the learner must be VDN, QMIX, QTRAN-base, QTRAN-alt or FSV
export const unknownLearner = runStage(matrixTrainStage, { ...fsv, learner: { algo: "iql", config: fsv.learner.config } })
// @ts-expect-error steps is a number
export const badSteps = runStage(matrixTrainStage, { ...fsv, steps: "100" })
