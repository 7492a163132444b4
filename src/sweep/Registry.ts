/**
 * The stages a sweep can run, by name, the figures its summary draws, and the module that
 * lists them.
 *
 * Runs execute in worker threads (and, on a cluster, in other processes on other hosts),
 * which cannot receive functions: they import `module` and read its `knownStages`,
 * `experimentFigures` and `runServices` exports. The registry of the `fsv` program is `fsvRegistry` in
 * `pipelines/stages.ts`; tests pass a module of their own.
 */
import type { Layer } from "effect"
import type { AnyStage } from "../store/Stage.ts"
import type { AnyExperimentFigures } from "./Figures.ts"
import { summaryStageFor } from "./Summary.ts"

export interface StageRegistry {
  /** URL of an ES module exporting `knownStages: ReadonlyArray<AnyStage>` (and, optionally, `experimentFigures`). */
  readonly module: string
  /** The same stages, in this thread. */
  readonly stages: ReadonlyArray<AnyStage>
  /** The experiments whose result.json the summary draws figures of (none if absent). */
  readonly figures?: ReadonlyArray<AnyExperimentFigures>
  /**
   * Services the stages use, if present, when a worker runs them against the store at `root`
   * (e.g. a long stage's checkpoints, so that a run killed with its runner resumes on the next).
   * Exported by the module as `runServices`.
   */
  readonly runServices?: (root: string) => Layer.Layer<never>
}

/** A registry's stages plus the sweep's own summary stage (drawing the registry's figures), by name. */
export const stagesByName = (registry: StageRegistry): ReadonlyMap<string, AnyStage> =>
  new Map([...registry.stages, summaryStageFor(registry.figures ?? [])].map((s) => [s.name, s]))

/** Load a registry module (in a worker thread). */
export const loadRegistry = async (module: string): Promise<StageRegistry> => {
  const mod = (await import(module)) as {
    knownStages?: ReadonlyArray<AnyStage>
    experimentFigures?: ReadonlyArray<AnyExperimentFigures>
    runServices?: (root: string) => Layer.Layer<never>
  }
  if (!Array.isArray(mod.knownStages)) throw new TypeError(`${module} does not export knownStages`)
  return { module, stages: mod.knownStages, figures: mod.experimentFigures ?? [], ...(mod.runServices ? { runServices: mod.runServices } : {}) }
}
