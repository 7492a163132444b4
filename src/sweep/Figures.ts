/**
 * The figures of a sweep's summary, aggregated over every run of the sweep. The sweep knows
 * no experiment: each experiment contributes an `ExperimentFigures` (its result.json's shape,
 * declared next to the stage that writes it, and its figures), listed by the program's stage
 * registry (`pipelines/stages.ts`). Pure: parsed results in, figures out; the summary stage
 * renders them (`src/report/svg.ts`).
 *
 * A **series** is a learner (as the experiment names it, e.g. FSV with its α0) together with
 * the values of the grid paths that tell apart runs of that learner on the same map: a grid
 * over `learners.fsv.lr` gives one series per learning rate, a grid over `maps` or `algos` adds
 * nothing to the names. The **seeds** of a series are all its curves or values: the seeds
 * inside each run's result and the runs of grid paths whose last segment names a seed
 * (`isSeedPath`). Curves are banded over seeds by `curveBands` (`src/report/charts.ts`); bars
 * are the mean over seeds with a point for each.
 */
import { Option, Schema } from "effect"
import type { Figure } from "../report/charts.ts"
import { canonicalJson } from "../store/Canonical.ts"
import { isSeedPath } from "./Spec.ts"

type Json = Schema.Json

/** A run of the sweep as the figures see it: its grid values and its parsed `result.json`. */
export interface SweptResult {
  readonly params: Readonly<Record<string, Json>>
  readonly result: unknown
}

/** One seed of one learner inside a run's result, with what the figure plots of it. */
export interface SeedEntry<D> {
  /** The learner as the figures name it. */
  readonly learner: string
  /** The map ("" where the experiment has none). */
  readonly map: string
  /** The seed inside the run's result. */
  readonly innerSeed: number
  readonly data: D
}

/** One seed's contribution, in its series. */
export interface SeriesMember<D> {
  readonly series: string
  /** Which seed: the grid's seed paths and the inner seed. */
  readonly member: string
  readonly map: string
  readonly data: D
}

/** What an experiment contributes to a sweep's summary. */
export interface ExperimentFigures<R, D> {
  /** The part of the experiment's result.json that the figures read. */
  readonly result: Schema.Decoder<R>
  /** Every seed of every learner in one result. */
  readonly seeds: (result: R) => ReadonlyArray<SeedEntry<D>>
  /** The figures of the sweep named `sweep`, from its series (in order of first appearance) and their seeds. */
  readonly figures: (sweep: string, series: ReadonlyArray<string>, members: ReadonlyArray<SeriesMember<D>>) => ReadonlyArray<Figure>
}

/** An experiment's figures whatever its types (what a registry lists). */
export type AnyExperimentFigures = ExperimentFigures<any, any>

/**
 * The non-seed grid paths that take more than one value among the runs of one learner on
 * one map: the ones a series name must show. Pure.
 */
export const distinguishingPaths = (
  parameters: ReadonlyArray<string>,
  entries: ReadonlyArray<{ readonly learner: string; readonly map: string; readonly params: Readonly<Record<string, Json>> }>
): ReadonlyArray<string> =>
  parameters.filter((path) => {
    if (isSeedPath(path)) return false
    const seen = new Map<string, Set<string>>()
    for (const e of entries) {
      const id = JSON.stringify([e.learner, e.map])
      const values = seen.get(id) ?? new Set<string>()
      values.add(canonicalJson(e.params[path] ?? null))
      seen.set(id, values)
    }
    return [...seen.values()].some((values) => values.size > 1)
  })

const showValue = (v: Json | undefined): string => (typeof v === "string" ? v : canonicalJson(v ?? null))

/** Series and member names of every entry; series in order of first appearance. */
const nameSeries = <D>(
  parameters: ReadonlyArray<string>,
  entries: ReadonlyArray<SeedEntry<D> & { readonly params: Readonly<Record<string, Json>> }>
): { readonly series: ReadonlyArray<string>; readonly members: ReadonlyArray<SeriesMember<D>> } => {
  const shown = distinguishingPaths(parameters, entries)
  const seeds = parameters.filter(isSeedPath)
  const members = entries.map((e) => ({
    series: [e.learner, ...shown.map((p) => `${p}=${showValue(e.params[p])}`)].join(" · "),
    member: [...seeds.map((p) => `${p}=${showValue(e.params[p])}`), `seed ${e.innerSeed}`].join(" "),
    map: e.map,
    data: e.data
  }))
  return { series: [...new Set(members.map((m) => m.series))], members }
}

/** One experiment's figures over the runs whose result it can read; none if it reads none. */
const figuresOf = <R, D>(
  experiment: ExperimentFigures<R, D>,
  sweep: string,
  parameters: ReadonlyArray<string>,
  runs: ReadonlyArray<SweptResult>
): ReadonlyArray<Figure> => {
  const entries = runs.flatMap((run) =>
    Option.match(Schema.decodeUnknownOption(experiment.result)(run.result), {
      onNone: () => [],
      onSome: (result) => experiment.seeds(result).map((seed) => ({ ...seed, params: run.params }))
    })
  )
  if (entries.length === 0) return []
  const { series, members } = nameSeries(parameters, entries)
  return experiment.figures(sweep, series, members)
}

/** Every figure the sweep's results call for, experiment by experiment; none for results of no listed experiment. Pure. */
export const summaryFigures = (
  experiments: ReadonlyArray<AnyExperimentFigures>,
  sweep: string,
  parameters: ReadonlyArray<string>,
  runs: ReadonlyArray<SweptResult>
): ReadonlyArray<Figure> => experiments.flatMap((e) => figuresOf(e, sweep, parameters, runs))
