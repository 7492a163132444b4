/**
 * From a spec to a plan: the runs (stage, decoded-and-encoded config, expected artifact
 * key) and the summary run over them. Every run is the same content-addressed stage a user
 * would run alone, so its key is the one `runStage` computes; the coordinator computes it
 * up front so that `fsv sweep status` can look the artifact up, and runners refuse a run
 * whose key they would compute differently (another fsv version).
 */
import * as tf from "@tensorflow/tfjs"
import { Effect, Exit, Schema } from "effect"
import { type Digest, canonicalJson } from "../store/Canonical.ts"
import { type AnyStage, stageKey } from "../store/Stage.ts"
import { type StageRegistry, stagesByName } from "./Registry.ts"
import type { RunInput, RunItem } from "./Run.ts"
import {
  expandGrid,
  type GridPoint,
  gridPaths,
  gridProblems,
  issueProblems,
  SpecInvalid,
  type SpecProblem,
  specPathOf,
  type SweepSpec
} from "./Spec.ts"
import { runInputName, SUMMARY_STAGE, type SummaryConfig } from "./Summary.ts"

export interface PlannedRun {
  readonly index: number
  readonly params: GridPoint["params"]
  readonly item: RunItem
}

export interface SweepPlan {
  /** The summary's key: it covers every run's key, so it names the sweep. */
  readonly id: string
  readonly name: string
  readonly stage: string
  readonly parameters: ReadonlyArray<string>
  readonly runs: ReadonlyArray<PlannedRun>
  readonly summary: RunItem
}

/**
 * The key `runStage` computes for `stage` at this encoded config and these inputs, in this
 * program (code version) and runtime. Must match `runStage` field for field (a test checks).
 */
export const expectedKey = (
  stage: AnyStage,
  encodedConfig: unknown,
  inputs: ReadonlyArray<RunInput>,
  backend: string
): Digest => stageKey({ stage, encodedConfig, inputs, backend, tfjsVersion: tf.version.tfjs }).digest

/** Decode a grid point with the stage's Schema and re-encode it; problems name spec paths. */
const encodePoint = (
  stage: AnyStage,
  spec: SweepSpec,
  point: GridPoint
): { readonly encoded: unknown } | { readonly problems: ReadonlyArray<SpecProblem> } => {
  const decoded = Schema.decodeUnknownExit(stage.config)(point.config, { errors: "all" })
  if (Exit.isFailure(decoded)) {
    const error = decoded.cause.reasons.find((r) => r._tag === "Fail")
    if (!error || !Schema.isSchemaError(error.error)) return { problems: [{ path: "base", message: "the config does not decode" }] }
    return {
      problems: issueProblems(error.error.issue).map((p) => ({ path: specPathOf(point, p.path, spec.budget), message: p.message }))
    }
  }
  const encoded = Schema.encodeUnknownExit(stage.config)(decoded.value)
  if (Exit.isFailure(encoded)) return { problems: [{ path: "base", message: `the decoded config does not encode again` }] }
  try {
    canonicalJson(encoded.value)
  } catch (e) {
    return { problems: [{ path: "base", message: String(e) }] }
  }
  return { encoded: encoded.value }
}

/** The plan of a decoded spec; `file` names the spec in errors. Pure but for the code-version hash. */
export const planSweep = (
  spec: SweepSpec,
  registry: StageRegistry,
  options: { readonly file: string; readonly backend: string }
): Effect.Effect<SweepPlan, SpecInvalid> =>
  Effect.gen(function*() {
    const stages = stagesByName(registry)
    const stage = stages.get(spec.stage)
    const summaryStage = stages.get(SUMMARY_STAGE)!
    if (!stage || stage.name === SUMMARY_STAGE) {
      const known = registry.stages.map((s) => s.name)
      return yield* new SpecInvalid({
        file: options.file,
        problems: [{ path: "stage", message: `no stage named "${spec.stage}" (known: ${known.join(", ") || "none yet"})` }]
      })
    }
    const shape = gridProblems(spec)
    if (shape.length > 0) return yield* new SpecInvalid({ file: options.file, problems: shape })

    const points = expandGrid(spec)
    const problems = new Map<string, SpecProblem>()
    const runs: Array<PlannedRun> = []
    for (const [index, point] of points.entries()) {
      const result = encodePoint(stage, spec, point)
      if ("problems" in result) {
        for (const p of result.problems) problems.set(`${p.path}\u0000${p.message}`, p)
        continue
      }
      const config = canonicalJson(result.encoded)
      runs.push({
        index,
        params: point.params,
        item: { key: expectedKey(stage, result.encoded, [], options.backend), stage: stage.name, config, inputs: [], backend: options.backend }
      })
    }
    if (problems.size > 0) return yield* new SpecInvalid({ file: options.file, problems: [...problems.values()] })

    const parameters = gridPaths(spec)
    const summaryConfig: SummaryConfig = {
      name: spec.name,
      stage: stage.name,
      parameters,
      runs: runs.map((r) => ({ input: runInputName(r.index), params: r.params }))
    }
    const inputs = runs.map((r) => ({ name: runInputName(r.index), stage: r.item.stage, digest: r.item.key }))
    const summaryEncoded = Schema.encodeSync(summaryStage.config)(summaryConfig)
    const summary: RunItem = {
      key: expectedKey(summaryStage, summaryEncoded, inputs, options.backend),
      stage: summaryStage.name,
      config: canonicalJson(summaryEncoded),
      inputs,
      backend: options.backend
    }
    return { id: summary.key, name: spec.name, stage: stage.name, parameters, runs, summary }
  })
