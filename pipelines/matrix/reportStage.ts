/**
 * `matrix-report`: the `matrix` stage's files (result.json, report.md, qtot.svg) from
 * `matrix-evaluate` artifacts, one per learner variant, all on the same game, seeds and
 * budget. The config names the inputs in report order.
 */
import { Effect, Schema } from "effect"
import { toRun, variantName } from "./report.ts"
import { defineStage } from "../../src/store/Stage.ts"
import { fsvNote, matrixFiles, protocolNote, qtranNote } from "./stage.ts"
import { EVALUATION, EvaluationFile, matrixEvaluateStage } from "./evaluateStage.ts"
import { readInputJson, StageInputInvalid, stageInput } from "../../src/store/StageInput.ts"

export const MatrixReportConfig = Schema.Struct({
  /** Names of the input `matrix-evaluate` artifacts, in report order. */
  evaluations: Schema.Array(Schema.String).check(Schema.isMinLength(1)).check(
    Schema.makeFilter((names) => new Set(names).size === names.length || "input names must be distinct")
  )
})
export type MatrixReportConfig = typeof MatrixReportConfig.Type

const STAGE = "matrix-report"

/** The paragraphs under "Notes": the protocol, each FSV configuration, QTRAN, how the report was composed. */
const notesOf = (evaluations: ReadonlyArray<EvaluationFile>): Array<string> => {
  const protocols = evaluations.map((e) => protocolNote(e.learner.config))
  const sameProtocol = protocols.every((p) => p === protocols[0])
  const fsv = [...new Set(evaluations.flatMap((e) => (e.learner.algo === "fsv" ? [fsvNote(e.learner.config)] : [])))]
  const qtran = evaluations.some((e) => e.algo === "qtran-base" || e.algo === "qtran-alt")
  return [
    ...(sameProtocol ? [protocols[0]!] : evaluations.map((e, k) => `${variantName(e.algo, e.alpha0)}. ${protocols[k]!}`)),
    ...fsv,
    ...(qtran ? [qtranNote] : []),
    `Composed from stages: each learner variant was trained by a matrix-train artifact (its seeds as one batched program ` +
    `with the streams of the matrix stage; with two or more seeds that is, bit for bit, the matrix stage's training of the ` +
    `variant) and evaluated by a matrix-evaluate artifact.`
  ]
}

export const matrixReportStage = defineStage({
  name: STAGE,
  version: 1,
  description: "The matrix stage's report (result.json, report.md, qtot.svg) from matrix-evaluate artifacts, one per learner variant.",
  config: MatrixReportConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const evaluations: Array<EvaluationFile> = []
      for (const name of config.evaluations) {
        const ref = yield* stageInput(ctx, STAGE, name, matrixEvaluateStage.name)
        const evaluation = yield* readInputJson(STAGE, name, ref, EVALUATION, EvaluationFile)
        const first = evaluations[0]
        if (first) {
          for (const field of ["actionCounts", "payoff", "steps", "seeds"] as const) {
            if (JSON.stringify(evaluation[field]) !== JSON.stringify(first[field])) {
              return yield* new StageInputInvalid({
                stage: STAGE,
                input: name,
                reason: `has ${field} ${JSON.stringify(evaluation[field])}, but "${config.evaluations[0]}" has ` +
                  `${JSON.stringify(first[field])}: a report compares learners on one game, seeds and budget`
              })
            }
          }
        }
        evaluations.push(evaluation)
      }
      const { actionCounts, payoff, steps, seeds } = evaluations[0]!
      const runs = evaluations.flatMap((e) => e.runs.map((r) => toRun(e.algo, r, actionCounts)))
      return yield* matrixFiles(runs, { actionCounts, payoff, steps, seeds, notes: notesOf(evaluations) })
    })
})
