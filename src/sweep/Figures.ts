/**
 * The figures of a sweep's summary: what each experiment's `result.json` calls for,
 * aggregated over every run of the sweep. Pure: parsed results in, Vega-Lite specs and the
 * plotted numbers out; the summary stage renders the specs (`src/report/svg.ts`).
 *
 * | result.json                                                  | figure (`<name>.svg`, its numbers in `<name>.csv`) |
 * |---|---|
 * | `{"experiment":"smac","runs":[{"algo","map","seed","curve":[{"t","winRate",…}]}]}` | `win-rate-<map>`: test win rate against environment steps, per map |
 * | `{"experiment":"matrix","runs":[{"algo","alpha0","seed","maxAbsError",…}]}`        | `matrix-error`: max over joint actions of abs(Q_tot − payoff), bars |
 * | `{"experiment":"quadratics","curveSteps":[…],"runs":[{"algo","seed","finalReward","curve":[…]}]}` | `quadratics-reward` (curves) and `quadratics-final-reward` (bars) |
 *
 * A **series** is a learner (FSV with its α0) together with the values of the grid paths
 * that tell apart runs of that learner on the same map: a grid over `learners.fsv.lr` gives
 * one series per learning rate, a grid over `maps` or `algos` adds nothing to the names. The
 * **seeds** of a series are all its curves or values: the seeds inside each run's result and
 * the runs of grid paths whose last segment names a seed (`isSeedPath`).
 *
 * Curves: the line is the mean over seeds and the band spans their **min to max**.
 * Evaluations of different seeds land at slightly different steps (a test starts after the
 * episode that crosses the interval), so points are put in bins of the evaluations' median
 * spacing w, bin round(t / w); a bin's x is the mean t of its points and a seed with two
 * points in one bin counts its later one. Bars: the bar is the mean over seeds; a point for
 * each seed.
 */
import { Option, Schema } from "effect"
import type { TopLevelSpec } from "vega-lite"
import { type BandPoint, bandLinesSpec, barPointsSpec, type SeedValue } from "../report/charts.ts"
import { variantName } from "../../pipelines/matrix/report.ts"
import { canonicalJson } from "../store/Canonical.ts"
import { isSeedPath } from "./Spec.ts"

type Json = Schema.Json

/** A run of the sweep as the figures see it: its grid values and its parsed `result.json`. */
export interface SweptResult {
  readonly params: Readonly<Record<string, Json>>
  readonly result: unknown
}

/** A figure of the summary: `<name>.svg` from `spec`, `<name>.csv` from `header` and `rows`. */
export interface SummaryFigure {
  readonly name: string
  readonly spec: TopLevelSpec
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>
}

// ---------------------------------------------------------------------------------------
// What the figures read of each experiment's result.json (other fields are ignored)

const SmacShape = Schema.Struct({
  experiment: Schema.Literal("smac"),
  runs: Schema.Array(Schema.Struct({
    algo: Schema.String,
    map: Schema.String,
    seed: Schema.Finite,
    curve: Schema.Array(Schema.Struct({ t: Schema.Finite, winRate: Schema.Finite }))
  }))
})

const MatrixShape = Schema.Struct({
  experiment: Schema.Literal("matrix"),
  runs: Schema.Array(Schema.Struct({
    algo: Schema.String,
    alpha0: Schema.NullOr(Schema.Finite),
    seed: Schema.Finite,
    maxAbsError: Schema.Finite
  }))
})

const QuadraticsShape = Schema.Struct({
  experiment: Schema.Literal("quadratics"),
  curveSteps: Schema.Array(Schema.Finite),
  runs: Schema.Array(Schema.Struct({
    algo: Schema.String,
    seed: Schema.Finite,
    finalReward: Schema.Finite,
    curve: Schema.Array(Schema.Finite)
  }))
})

// ---------------------------------------------------------------------------------------
// Series and seeds

/** One seed's contribution before series are named: its learner, map, run grid values, and data. */
interface Entry<D> {
  readonly learner: string
  readonly map: string
  readonly params: Readonly<Record<string, Json>>
  readonly innerSeed: number
  readonly data: D
}

/** One seed's contribution, in its series. */
interface Member<D> {
  readonly series: string
  readonly member: string
  readonly map: string
  readonly data: D
}

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
  entries: ReadonlyArray<Entry<D>>
): { readonly series: ReadonlyArray<string>; readonly members: ReadonlyArray<Member<D>> } => {
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

// ---------------------------------------------------------------------------------------
// Bands over seeds

export interface CurvePoint {
  readonly t: number
  readonly value: number
}

/** One x position of a series' band: the number of seeds there, their mean, min and max. */
export interface CurveBand {
  readonly t: number
  readonly n: number
  readonly mean: number
  readonly min: number
  readonly max: number
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * The band over seeds of one series' curves (see the module comment for the bins). Pure;
 * bins in order of t.
 */
export const curveBands = (curves: ReadonlyArray<ReadonlyArray<CurvePoint>>): ReadonlyArray<CurveBand> => {
  const gaps = curves.flatMap((c) => c.slice(1).map((p, i) => p.t - c[i]!.t)).filter((d) => d > 0)
  const w = gaps.length > 0 ? median(gaps) : undefined
  const bins = new Map<number, { ts: Array<number>; bySeed: Map<number, number> }>()
  curves.forEach((curve, seed) => {
    for (const p of curve) {
      const k = w === undefined ? p.t : Math.round(p.t / w)
      const bin = bins.get(k) ?? { ts: [], bySeed: new Map<number, number>() }
      bin.ts.push(p.t)
      bin.bySeed.set(seed, p.value) // a later point of the same seed replaces an earlier one
      bins.set(k, bin)
    }
  })
  return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([, bin]) => {
    const xs = [...bin.bySeed.values()]
    return {
      t: bin.ts.reduce((a, b) => a + b, 0) / bin.ts.length,
      n: xs.length,
      mean: xs.reduce((a, b) => a + b, 0) / xs.length,
      min: Math.min(...xs),
      max: Math.max(...xs)
    }
  })
}

// ---------------------------------------------------------------------------------------
// Figures

/** A map name as part of a file name. */
const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, "_")

const BAND_NOTE = "line: mean over seeds; band: min to max over seeds"

const curveFigure = (
  name: string,
  text: { readonly title: string; readonly yTitle: string },
  series: ReadonlyArray<string>,
  members: ReadonlyArray<Member<ReadonlyArray<CurvePoint>>>,
  yDomain?: readonly [number, number]
): SummaryFigure => {
  const rows = series.flatMap((s) =>
    curveBands(members.filter((m) => m.series === s).map((m) => m.data)).map((b) => ({ series: s, ...b }))
  )
  const points: Array<BandPoint> = rows.map((r) => ({ series: r.series, t: r.t, mean: r.mean, lo: r.min, hi: r.max }))
  const spec = bandLinesSpec(
    { title: text.title, subtitle: BAND_NOTE, xTitle: "environment steps", yTitle: text.yTitle, seriesTitle: "learner" },
    series,
    points,
    yDomain
  )
  return { name, spec, header: ["series", "t", "n", "mean", "min", "max"], rows: rows.map((r) => [r.series, r.t, r.n, r.mean, r.min, r.max]) }
}

const barFigure = (
  name: string,
  text: { readonly title: string; readonly yTitle: string },
  series: ReadonlyArray<string>,
  members: ReadonlyArray<Member<number>>
): SummaryFigure => {
  const ordered = series.flatMap((s) => members.filter((m) => m.series === s))
  const values: Array<SeedValue> = ordered.map((m) => ({ series: m.series, member: m.member, value: m.data }))
  const spec = barPointsSpec(
    { title: text.title, subtitle: "bar: mean over seeds; points: seeds", xTitle: "learner", yTitle: text.yTitle, seriesTitle: "learner" },
    series,
    values
  )
  return { name, spec, header: ["series", "seed", "value"], rows: values.map((v) => [v.series, v.member, v.value]) }
}

/** Each run's result decoded as `shape`, with the run's grid values; runs of another shape are left out. */
const decodedRuns = <A>(shape: Schema.Decoder<A>, runs: ReadonlyArray<SweptResult>) =>
  runs.flatMap((run) => Option.match(Schema.decodeUnknownOption(shape)(run.result), { onNone: () => [], onSome: (r) => [{ params: run.params, result: r }] }))

const smacFigures = (sweep: string, parameters: ReadonlyArray<string>, runs: ReadonlyArray<SweptResult>): Array<SummaryFigure> => {
  const entries = decodedRuns(SmacShape, runs).flatMap(({ params, result }) =>
    result.runs.map((r) => ({
      learner: r.algo,
      map: r.map,
      params,
      innerSeed: r.seed,
      data: r.curve.map((p) => ({ t: p.t, value: p.winRate }))
    }))
  )
  const { series, members } = nameSeries(parameters, entries)
  const maps = [...new Set(members.map((m) => m.map))]
  return maps.map((map) => {
    const here = members.filter((m) => m.map === map)
    return curveFigure(
      `win-rate-${fileSafe(map)}`,
      { title: `${sweep} · ${map}: test win rate`, yTitle: "test win rate" },
      series.filter((s) => here.some((m) => m.series === s)),
      here,
      [0, 1]
    )
  })
}

const matrixFigures = (sweep: string, parameters: ReadonlyArray<string>, runs: ReadonlyArray<SweptResult>): Array<SummaryFigure> => {
  const entries = decodedRuns(MatrixShape, runs).flatMap(({ params, result }) =>
    result.runs.map((r) => ({ learner: variantName(r.algo, r.alpha0), map: "", params, innerSeed: r.seed, data: r.maxAbsError }))
  )
  if (entries.length === 0) return []
  const { series, members } = nameSeries(parameters, entries)
  return [barFigure("matrix-error", { title: `${sweep}: error of the learned Q_tot`, yTitle: "max |Q_tot − payoff|" }, series, members)]
}

const quadraticsFigures = (sweep: string, parameters: ReadonlyArray<string>, runs: ReadonlyArray<SweptResult>): Array<SummaryFigure> => {
  const entries = decodedRuns(QuadraticsShape, runs).flatMap(({ params, result }) =>
    result.runs.map((r) => ({
      learner: r.algo,
      map: "",
      params,
      innerSeed: r.seed,
      data: {
        curve: r.curve.flatMap((value, k) => (k < result.curveSteps.length ? [{ t: result.curveSteps[k]!, value }] : [])),
        final: r.finalReward
      }
    }))
  )
  if (entries.length === 0) return []
  const { series, members } = nameSeries(parameters, entries)
  return [
    curveFigure(
      "quadratics-reward",
      { title: `${sweep}: reward of the deterministic joint action`, yTitle: "reward r(u)" },
      series,
      members.map((m) => ({ ...m, data: m.data.curve }))
    ),
    barFigure("quadratics-final-reward", { title: `${sweep}: final reward`, yTitle: "final reward r(u)" }, series, members.map((m) => ({ ...m, data: m.data.final })))
  ]
}

/** Every figure the sweep's results call for; none for results of no known experiment. Pure. */
export const summaryFigures = (
  sweep: string,
  parameters: ReadonlyArray<string>,
  runs: ReadonlyArray<SweptResult>
): ReadonlyArray<SummaryFigure> => [
  ...smacFigures(sweep, parameters, runs),
  ...matrixFigures(sweep, parameters, runs),
  ...quadraticsFigures(sweep, parameters, runs)
]
