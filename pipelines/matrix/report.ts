/**
 * The matrix-game artifact's files from its results: result.json, report.md (the paper's
 * table layout, Q_1 down the side and Q_2 across the top, for seed 0; success counts over
 * seeds) and an SVG of Q_tot heatmaps beside the payoff's. Pure except for the SVG
 * rendering, which is asynchronous.
 */
import { Schema } from "effect"
import type { TopLevelSpec } from "vega-lite"
import { jointActions } from "../../src/core/factorization.ts"
import { type NestedPayoff, nestFlat } from "../../src/envs/matrix.ts"
import { compactJson } from "../../src/report/json.ts"
import { fixed, markdownTable } from "../../src/report/markdown.ts"
import { vegaLiteToSvg } from "../../src/report/svg.ts"
import { barFigure, median } from "../../src/report/charts.ts"
import type { ExperimentFigures } from "../../src/sweep/Figures.ts"
import type { SliceResult } from "./train.ts"

/** A payoff or Q_tot table nested by agent: q[u_1][u_2]…. */
const NestedTable: Schema.Codec<NestedPayoff> = Schema.Union([
  Schema.Finite,
  Schema.Array(Schema.suspend((): Schema.Codec<NestedPayoff> => NestedTable))
])

/** One learner variant on one seed, as stored in result.json. */
export const MatrixRun = Schema.Struct({
  algo: Schema.String,
  alpha0: Schema.NullOr(Schema.Finite),
  seed: Schema.Finite,
  /** agentQ[i][a]: agent i's learned Q_i(a). */
  agentQ: Schema.Array(Schema.Array(Schema.Finite)),
  /** The learned joint value, nested like the payoff: qTot[u_1][u_2]…. */
  qTot: Schema.Array(NestedTable),
  /** Each agent's argmax Q_i. */
  greedy: Schema.Array(Schema.Finite),
  /** Whether the greedy joint action maximises the payoff. */
  optimal: Schema.Boolean,
  /** max over joint actions of |Q_tot − payoff|. */
  maxAbsError: Schema.Finite
})
export type MatrixRun = typeof MatrixRun.Type

/** result.json, declared once: the stages write it, the sweep summary reads it. */
export const MatrixResult = Schema.Struct({
  experiment: Schema.Literal("matrix"),
  payoff: Schema.Array(NestedTable),
  runs: Schema.Array(MatrixRun)
})
export type MatrixResult = typeof MatrixResult.Type

/** What the report says about the run besides the numbers. */
export interface MatrixReportContext {
  readonly actionCounts: ReadonlyArray<number>
  /** Row-major payoff. */
  readonly flat: ReadonlyArray<number>
  readonly steps: number
  readonly seeds: ReadonlyArray<number>
  /** Whether this is the paper's game (Table 1), where the acceptance checks apply. */
  readonly paperGame: boolean
  /** Paragraphs on protocol and choices, in markdown. */
  readonly notes: ReadonlyArray<string>
}

/** Success threshold on maxAbsError (the issue's acceptance criterion). */
export const ERROR_TOLERANCE = 0.5

/** "A", "B", …, "Z", "A1", …: action names as in the paper's tables. */
export const actionName = (a: number): string =>
  a < 26 ? String.fromCharCode(65 + a) : `${String.fromCharCode(65 + (a % 26))}${Math.floor(a / 26)}`

/** "QMIX", "FSV α0=0.1". */
export const variantName = (algo: string, alpha0: number | null): string => {
  const names: Record<string, string> = {
    vdn: "VDN",
    qmix: "QMIX",
    "qtran-base": "QTRAN-base",
    "qtran-alt": "QTRAN-alt",
    fsv: "FSV"
  }
  return `${names[algo] ?? algo}${alpha0 === null ? "" : ` α0=${alpha0}`}`
}

const flatten = (p: NestedPayoff): Array<number> => (typeof p === "number" ? [p] : p.flatMap(flatten))

/** result.json's text: two-space indentation, arrays of numbers on one line. */
export const matrixResultJson = (result: MatrixResult): string => compactJson(result)

/** Variants in order of first appearance, with their runs. */
const byVariant = (runs: ReadonlyArray<MatrixRun>): Array<{ name: string; runs: Array<MatrixRun> }> => {
  const groups = new Map<string, Array<MatrixRun>>()
  for (const r of runs) {
    const name = variantName(r.algo, r.alpha0)
    groups.set(name, [...(groups.get(name) ?? []), r])
  }
  return [...groups].map(([name, rs]) => ({ name, runs: rs }))
}

/** The paper's layout: Q_1 down the side, Q_2 across the top, Q_tot in the cells (two agents). */
const paperTable = (run: MatrixRun, counts: ReadonlyArray<number>): string => {
  const table = flatten(run.qTot as NestedPayoff)
  if (counts.length === 2) {
    const [n1, n2] = counts as [number, number]
    const headers = ["Q₁ ╲ Q₂", ...Array.from({ length: n2 }, (_, b) => `${actionName(b)}: ${fixed(run.agentQ[1]![b]!)}`)]
    const rows = Array.from({ length: n1 }, (_, a) => [
      `${actionName(a)}: ${fixed(run.agentQ[0]![a]!)}`,
      ...Array.from({ length: n2 }, (_, b) => fixed(table[a * n2 + b]!))
    ])
    return markdownTable(headers, rows, ["l", ...Array.from({ length: n2 }, () => "r" as const)])
  }
  const qs = run.agentQ.map((q, i) => `Q_${i + 1} = [${q.map((x) => fixed(x)).join(", ")}]`).join("; ")
  const rows = jointActions(counts).map((u, j) => [`(${u.map(actionName).join(",")})`, fixed(table[j]!)])
  return `${qs}\n\n${markdownTable(["joint action", "Q_tot"], rows, ["l", "r"])}`
}

const payoffTable = (counts: ReadonlyArray<number>, flat: ReadonlyArray<number>): string => {
  if (counts.length === 2) {
    const [n1, n2] = counts as [number, number]
    return markdownTable(
      ["u₁ ╲ u₂", ...Array.from({ length: n2 }, (_, b) => actionName(b))],
      Array.from({ length: n1 }, (_, a) => [actionName(a), ...Array.from({ length: n2 }, (_, b) => fixed(flat[a * n2 + b]!))]),
      ["l", ...Array.from({ length: n2 }, () => "r" as const)]
    )
  }
  return markdownTable(
    ["joint action", "payoff"],
    jointActions(counts).map((u, j) => [`(${u.map(actionName).join(",")})`, fixed(flat[j]!)]),
    ["l", "r"]
  )
}

/** One line per acceptance criterion of the paper's result, with the numbers behind it. */
export const matrixAcceptance = (runs: ReadonlyArray<MatrixRun>): Array<{ criterion: string; met: boolean; observed: string }> => {
  const of = (algo: string, alpha0: number | null) => runs.filter((r) => r.algo === algo && r.alpha0 === alpha0)
  const out: Array<{ criterion: string; met: boolean; observed: string }> = []
  const need = (rs: ReadonlyArray<MatrixRun>) => Math.ceil((4 / 5) * rs.length)
  for (const a0 of [0.01, 0.1]) {
    const rs = of("fsv", a0)
    if (rs.length === 0) continue
    const ok = rs.filter((r) => r.optimal && r.maxAbsError <= ERROR_TOLERANCE).length
    out.push({
      criterion: `FSV α0=${a0}: greedy (A,A) and maxAbsError ≤ ${ERROR_TOLERANCE} in ≥ ${need(rs)} of ${rs.length} seeds`,
      met: ok >= need(rs),
      observed: `${ok}/${rs.length} (errors ${rs.map((r) => fixed(r.maxAbsError, 2)).join(", ")})`
    })
  }
  const alt = of("qtran-alt", null)
  if (alt.length > 0) {
    const ok = alt.filter((r) => r.maxAbsError <= ERROR_TOLERANCE).length
    out.push({
      criterion: `QTRAN-alt: maxAbsError ≤ ${ERROR_TOLERANCE} in ≥ ${need(alt)} of ${alt.length} seeds`,
      met: ok >= need(alt),
      observed: `${ok}/${alt.length} (errors ${alt.map((r) => fixed(r.maxAbsError, 2)).join(", ")})`
    })
  }
  for (const algo of ["qmix", "vdn"]) {
    const rs = of(algo, null)
    if (rs.length === 0) continue
    const hits = rs.filter((r) => r.optimal).length
    out.push({
      criterion: `${variantName(algo, null)}: greedy joint action is not (A,A) in any seed`,
      met: hits === 0,
      observed: `(A,A) in ${hits}/${rs.length}; greedy ${rs.map((r) => `(${r.greedy.map(actionName).join(",")})`).join(" ")}`
    })
  }
  return out
}

export const matrixReportMarkdown = (result: MatrixResult, ctx: MatrixReportContext): string => {
  const variants = byVariant(result.runs)
  const lines: Array<string> = []
  lines.push("# Cooperative matrix game (Section 5.1)", "")
  lines.push(
    `${ctx.actionCounts.length} agents with ${ctx.actionCounts.join(" × ")} actions; ` +
      `${ctx.steps} environment steps of uniform exploration (ε = 1) per run; seeds ${ctx.seeds.join(", ")}.`,
    ""
  )
  lines.push("## Payoff", "", payoffTable(ctx.actionCounts, ctx.flat), "")
  lines.push("## Success over seeds", "")
  lines.push(
    markdownTable(
      ["learner", "greedy action optimal", `maxAbsError ≤ ${ERROR_TOLERANCE}`, "median maxAbsError", "max maxAbsError"],
      variants.map(({ name, runs }) => [
        name,
        `${runs.filter((r) => r.optimal).length}/${runs.length}`,
        `${runs.filter((r) => r.maxAbsError <= ERROR_TOLERANCE).length}/${runs.length}`,
        fixed(median(runs.map((r) => r.maxAbsError)), 2),
        fixed(Math.max(...runs.map((r) => r.maxAbsError)), 2)
      ]),
      ["l", "r", "r", "r", "r"]
    ),
    ""
  )
  if (ctx.paperGame) {
    const checks = matrixAcceptance(result.runs)
    lines.push("## The paper's result", "")
    lines.push(
      markdownTable(
        ["criterion", "reproduced", "observed"],
        checks.map((c) => [c.criterion, c.met ? "yes" : "**no**", c.observed])
      ),
      ""
    )
  }
  const first = ctx.seeds[0]
  lines.push(`## Learned values, seed ${first}`, "")
  lines.push("Q_1 down the side, Q_2 across the top, Q_tot in the cells (the paper's Tables 2–6).", "")
  for (const { name, runs } of variants) {
    const run = runs.find((r) => r.seed === first) ?? runs[0]!
    lines.push(`### ${name}`, "", paperTable(run, ctx.actionCounts), "")
  }
  if (ctx.notes.length > 0) lines.push("## Notes", "", ...ctx.notes.flatMap((n) => [n, ""]))
  return lines.join("\n")
}

/** Heatmaps of the payoff and of each variant's Q_tot on the first seed, side by side. */
export const qTotSpec = (result: MatrixResult, ctx: MatrixReportContext): TopLevelSpec => {
  const counts = ctx.actionCounts
  const joint = jointActions(counts)
  const cellsOf = (panel: string, table: ReadonlyArray<number>) =>
    joint.map((u, j) => ({
      panel,
      row: actionName(u[0]!),
      col: u.slice(1).map(actionName).join(","),
      value: table[j]!,
      label: fixed(table[j]!)
    }))
  const first = ctx.seeds[0]
  const panels = [
    { name: "payoff", table: ctx.flat },
    ...byVariant(result.runs).map(({ name, runs }) => ({
      name: `${name} (seed ${first})`,
      table: flatten((runs.find((r) => r.seed === first) ?? runs[0]!).qTot as NestedPayoff)
    }))
  ]
  const values = panels.flatMap((p) => cellsOf(p.name, p.table))
  const extent = Math.max(1e-9, ...values.map((v) => Math.abs(v.value)))
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values },
    facet: { field: "panel", type: "nominal", sort: panels.map((p) => p.name), title: null },
    columns: 4,
    spec: {
      width: 24 * Math.max(3, joint.length / counts[0]!),
      height: 24 * Math.max(3, counts[0]!),
      layer: [
        {
          mark: "rect",
          encoding: {
            x: { field: "col", type: "ordinal", title: counts.length === 2 ? "agent 2" : "agents 2…N" },
            y: { field: "row", type: "ordinal", title: "agent 1" },
            color: {
              field: "value",
              type: "quantitative",
              title: "Q_tot",
              scale: { scheme: "redblue", domain: [-extent, extent] }
            }
          }
        },
        {
          mark: { type: "text", fontSize: 9 },
          encoding: {
            x: { field: "col", type: "ordinal" },
            y: { field: "row", type: "ordinal" },
            text: { field: "label", type: "nominal" }
          }
        }
      ]
    }
  }
}

export const qTotSvg = (result: MatrixResult, ctx: MatrixReportContext): Promise<string> =>
  vegaLiteToSvg(qTotSpec(result, ctx))

/** The runs of result.json from per-slice results (qTot nested like the payoff). */
export const toRun = (
  algo: string,
  slice: SliceResult,
  counts: ReadonlyArray<number>
): MatrixRun => ({
  algo,
  alpha0: slice.alpha0,
  seed: slice.seed,
  agentQ: slice.agentQ,
  qTot: nestFlat(slice.qTot, counts),
  greedy: slice.greedy,
  optimal: slice.optimal,
  maxAbsError: slice.maxAbsError
})

/** The error of each variant's learned Q_tot over a sweep's matrix runs: `matrix-error`, bars over seeds. */
export const matrixFigures: ExperimentFigures<MatrixResult, number> = {
  result: MatrixResult,
  seeds: (result) => result.runs.map((r) => ({ learner: variantName(r.algo, r.alpha0), map: "", innerSeed: r.seed, data: r.maxAbsError })),
  figures: (sweep, series, members) => [
    barFigure(
      "matrix-error",
      { title: `${sweep}: error of the learned Q_tot`, yTitle: "max |Q_tot − payoff|" },
      series,
      members.map((m) => ({ series: m.series, member: m.member, value: m.data }))
    )
  ]
}
