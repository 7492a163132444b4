/**
 * Two figure kinds for results over seeds, as Vega-Lite specs (render them with
 * `vegaLiteToSvg` from svg.ts):
 *
 * - band lines: a quantity against environment steps, one line per series (the mean over
 *   seeds) with a shaded band (whatever `lo`/`hi` the caller passes: min–max, mean ± std);
 * - bars with points: one bar per series (the mean over its seeds, aggregated by Vega-Lite)
 *   with a point for every seed on it.
 *
 * Pure: the specs are data. The order of `series` fixes the colours and the bar order.
 */
import type { TopLevelSpec } from "vega-lite"

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

/** One x position of one series: the mean and the band's edges. */
export interface BandPoint {
  readonly series: string
  readonly t: number
  readonly mean: number
  readonly lo: number
  readonly hi: number
}

export interface ChartText {
  readonly title: string
  /** A second title line (what the line and the band are). */
  readonly subtitle?: string
  readonly xTitle: string
  readonly yTitle: string
  /** The legend's (band lines) or the x axis's (bars) title. */
  readonly seriesTitle: string
}

/** Lines of the mean with a band, against environment steps. */
export const bandLinesSpec = (
  text: ChartText,
  series: ReadonlyArray<string>,
  points: ReadonlyArray<BandPoint>,
  yDomain?: readonly [number, number]
): TopLevelSpec => ({
  $schema: SCHEMA,
  title: text.subtitle === undefined ? text.title : { text: text.title, subtitle: text.subtitle },
  width: 420,
  height: 260,
  data: { values: points.map((p) => ({ ...p })) },
  encoding: {
    x: { field: "t", type: "quantitative", title: text.xTitle },
    color: {
      field: "series",
      type: "nominal",
      title: text.seriesTitle,
      sort: [...series],
      scale: { domain: [...series] },
      legend: { labelLimit: 360 }
    }
  },
  layer: [
    { mark: { type: "area", opacity: 0.2 }, encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } } },
    {
      mark: { type: "line" },
      encoding: {
        y: {
          field: "mean",
          type: "quantitative",
          title: text.yTitle,
          ...(yDomain === undefined ? {} : { scale: { domain: [...yDomain] } })
        }
      }
    }
  ]
})

/** One seed's value in a series. */
export interface SeedValue {
  readonly series: string
  /** Which seed (shown on hover, and in the data). */
  readonly member: string
  readonly value: number
}

/** A bar per series at the mean of its seeds, and a point per seed. */
export const barPointsSpec = (text: ChartText, series: ReadonlyArray<string>, values: ReadonlyArray<SeedValue>): TopLevelSpec => ({
  $schema: SCHEMA,
  title: text.subtitle === undefined ? text.title : { text: text.title, subtitle: text.subtitle },
  width: { step: 48 },
  height: 260,
  data: { values: values.map((v) => ({ ...v })) },
  encoding: {
    x: { field: "series", type: "nominal", title: text.seriesTitle, sort: [...series], axis: { labelAngle: -30, labelLimit: 240 } }
  },
  layer: [
    {
      mark: { type: "bar", opacity: 0.6 },
      encoding: {
        y: { aggregate: "mean", field: "value", type: "quantitative", title: text.yTitle },
        color: { field: "series", type: "nominal", sort: [...series], scale: { domain: [...series] }, legend: null }
      }
    },
    {
      mark: { type: "point", filled: true, color: "black", opacity: 0.7 },
      encoding: { y: { field: "value", type: "quantitative" }, tooltip: [{ field: "member" }, { field: "value" }] }
    }
  ]
})

// ---------------------------------------------------------------------------------------
// Bands over seeds, and figures with the numbers they plot

/** One point of one seed's curve. */
export interface TimedValue {
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

/** The median; the mean of the middle two for an even count. Pure. */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * The band over seeds of one series' curves, bins in order of t. Evaluations of different
 * seeds land at slightly different steps (a test starts after the episode that crosses the
 * interval), so points are put in bins of the evaluations' median spacing w, bin round(t / w);
 * a bin's x is the mean t of its points and a seed with two points in one bin counts its later
 * one. Pure.
 */
export const curveBands = (curves: ReadonlyArray<ReadonlyArray<TimedValue>>): ReadonlyArray<CurveBand> => {
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

/** A figure: `<name>.svg` from `spec`, `<name>.csv` from `header` and `rows` (the numbers plotted). */
export interface Figure {
  readonly name: string
  readonly spec: TopLevelSpec
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>
}

/** Titles of a figure over seeds; the x axis and the legend are fixed by the kind. */
export interface FigureText {
  readonly title: string
  readonly yTitle: string
}

/** One seed's curve in its series. */
export interface SeriesCurve {
  readonly series: string
  readonly curve: ReadonlyArray<TimedValue>
}

/** Band lines of `curves` against environment steps: the mean over seeds, the band min to max (`curveBands`). */
export const bandFigure = (
  name: string,
  text: FigureText,
  series: ReadonlyArray<string>,
  curves: ReadonlyArray<SeriesCurve>,
  yDomain?: readonly [number, number]
): Figure => {
  const rows = series.flatMap((s) => curveBands(curves.filter((c) => c.series === s).map((c) => c.curve)).map((b) => ({ series: s, ...b })))
  const points: Array<BandPoint> = rows.map((r) => ({ series: r.series, t: r.t, mean: r.mean, lo: r.min, hi: r.max }))
  const spec = bandLinesSpec(
    { title: text.title, subtitle: "line: mean over seeds; band: min to max over seeds", xTitle: "environment steps", yTitle: text.yTitle, seriesTitle: "learner" },
    series,
    points,
    yDomain
  )
  return { name, spec, header: ["series", "t", "n", "mean", "min", "max"], rows: rows.map((r) => [r.series, r.t, r.n, r.mean, r.min, r.max]) }
}

/**
 * `panels` side by side in one figure, as a paper lays out one panel per map (Figure 4): their
 * specs in a Vega-Lite hconcat under their short titles, with one colour scale, so a learner has
 * the same colour in every panel; the data rows of each, prefixed with the panel's title.
 */
export const panelsFigure = (
  name: string,
  title: string | { readonly text: string; readonly subtitle: string },
  panels: ReadonlyArray<{ readonly figure: Figure; readonly title: string }>
): Figure => ({
  name,
  spec: {
    $schema: SCHEMA,
    title,
    hconcat: panels.map((p) => {
      const { $schema: _schema, ...panel } = p.figure.spec as unknown as Record<string, unknown>
      return { ...panel, title: p.title }
    }),
    resolve: { scale: { color: "shared" } }
  } as unknown as TopLevelSpec,
  header: ["panel", ...(panels[0]?.figure.header ?? [])],
  rows: panels.flatMap((p) => p.figure.rows.map((r) => [p.title, ...r]))
})

/** Bars of the mean over seeds with a point per seed, series in the order given. */
export const barFigure = (name: string, text: FigureText, series: ReadonlyArray<string>, values: ReadonlyArray<SeedValue>): Figure => {
  const ordered = series.flatMap((s) => values.filter((v) => v.series === s))
  const spec = barPointsSpec(
    { title: text.title, subtitle: "bar: mean over seeds; points: seeds", xTitle: "learner", yTitle: text.yTitle, seriesTitle: "learner" },
    series,
    ordered
  )
  return { name, spec, header: ["series", "seed", "value"], rows: ordered.map((v) => [v.series, v.member, v.value]) }
}
