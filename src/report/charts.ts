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
