/**
 * Compile-time checks (run with `tsc -p .`): a stage given the wrong config type does not
 * compile. Each `@ts-expect-error` must find an error, or tsc fails.
 */
import { Effect, Schema } from "effect"
import { matrixStage } from "fsv-ts/pipelines"
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
