/**
 * The SMAC experiment's result.json, declared once (the stage writes it, the sweep summary
 * reads it), and Figure 4's layout drawn from it: test win rate against environment steps, one
 * figure per map, the mean over seeds per learner with a min–max band (`bandFigure`). The
 * stage draws one from its own runs; a sweep's summary draws one over all its runs.
 */
import { Schema } from "effect"
import { RECURRENT_ALGOS } from "../../src/learners/recurrent.ts"
import { bandFigure, type Figure, panelsFigure, type SeriesCurve } from "../../src/report/charts.ts"
import type { ExperimentFigures } from "../../src/sweep/Figures.ts"

/** One test evaluation: greedy decentralized actions after `t` environment steps of training. */
export const SmacCurvePoint = Schema.Struct({
  /** Environment steps of training so far. */
  t: Schema.Finite,
  /** Fraction of the test episodes won. */
  winRate: Schema.Finite,
  /** Mean undiscounted return of the test episodes. */
  return: Schema.Finite
})
export type SmacCurvePoint = typeof SmacCurvePoint.Type

/** One (learner, map, seed) run. */
export const SmacRun = Schema.Struct({
  algo: Schema.Literals(RECURRENT_ALGOS),
  map: Schema.String,
  seed: Schema.Finite,
  curve: Schema.Array(SmacCurvePoint)
})
export type SmacRun = typeof SmacRun.Type

/** result.json. */
export const SmacResult = Schema.Struct({
  experiment: Schema.Literal("smac"),
  runs: Schema.Array(SmacRun)
})
export type SmacResult = typeof SmacResult.Type

/** A map name as part of a file name. */
const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, "_")

/** Curves of one map: the seed's series and its (t, win rate) points. */
export interface MapCurve extends SeriesCurve {
  readonly map: string
}

/** `win-rate-<map>` for every map in `curves` (in order of first appearance), titled `<prefix> · <map>: test win rate`. */
export const winRateFigures = (prefix: string | undefined, series: ReadonlyArray<string>, curves: ReadonlyArray<MapCurve>): Array<Figure> =>
  [...new Set(curves.map((c) => c.map))].map((map) => {
    const here = curves.filter((c) => c.map === map)
    return bandFigure(
      `win-rate-${fileSafe(map)}`,
      { title: `${prefix === undefined ? "" : `${prefix} · `}${map}: test win rate`, yTitle: "test win rate" },
      series.filter((s) => here.some((c) => c.series === s)),
      here,
      [0, 1]
    )
  })

/**
 * `winRateFigures`, and with two maps or more also Figure 4's own layout: the same figures side
 * by side, one panel per map in order of first appearance, one colour per learner across panels,
 * named `panelsName`.
 */
export const winRateLayout = (
  prefix: string | undefined,
  series: ReadonlyArray<string>,
  curves: ReadonlyArray<MapCurve>,
  panelsName = "win-rate-maps"
): Array<Figure> => {
  const maps = [...new Set(curves.map((c) => c.map))]
  const perMap = winRateFigures(prefix, series, curves)
  if (maps.length < 2) return perMap
  const title = { text: `${prefix === undefined ? "" : `${prefix} · `}test win rate, one panel per map (Figure 4's layout)`, subtitle: "line: mean over seeds; band: min to max over seeds" }
  return [...perMap, panelsFigure(panelsName, title, perMap.map((figure, i) => ({ figure, title: maps[i]! })))]
}

/** The test win rates of a sweep's SMAC runs, per map, and side by side when there are several. */
export const smacFigures: ExperimentFigures<SmacResult, ReadonlyArray<SmacCurvePoint>> = {
  result: SmacResult,
  seeds: (result) => result.runs.map((r) => ({ learner: r.algo, map: r.map, innerSeed: r.seed, data: r.curve })),
  figures: (sweep, series, members) =>
    winRateLayout(sweep, series, members.map((m) => ({ series: m.series, map: m.map, curve: m.data.map((p) => ({ t: p.t, value: p.winRate })) })))
}
