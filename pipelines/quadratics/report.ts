/**
 * The quadratics artifact's files from its results, and result.json declared once (the stage
 * writes it, a sweep's summary reads it): result.json (runs, outcomes, learning curves and
 * the Table 7 counts), report.md (Table 7's layout), reward-surface.svg (Figure 3a with every
 * run's final joint action) and curves.svg (Figure 3b: mean reward against training steps, a
 * band of ±1 standard deviation over seeds). Pure: the figures are Vega-Lite specs, rendered by the stage.
 */
import { Schema } from "effect"
import type { TopLevelSpec } from "vega-lite"
import {
  classifyOutcome,
  defaultGame,
  gameOptima,
  type GameOptima,
  OUTCOME_RADIUS,
  OUTCOMES,
  type QuadraticsGame,
  QuadraticsGameSchema,
  quadraticsReward
} from "../../src/envs/quadratics.ts"
import { CONTINUOUS_ALGOS, type ContinuousAlgo } from "../../src/learners/continuous.ts"
import { bandFigure, barFigure, type TimedValue } from "../../src/report/charts.ts"
import { compactJson } from "../../src/report/json.ts"
import { fixed, markdownTable } from "../../src/report/markdown.ts"
import type { ProgramOutcome } from "../../src/runtime/pool.ts"
import type { ExperimentFigures } from "../../src/sweep/Figures.ts"
import type { QuadraticsConfig } from "./config.ts"
import type { SeedResult } from "./train.ts"

// ---------------------------------------------------------------------------------------
// result.json

const Pair = Schema.Tuple([Schema.Finite, Schema.Finite])
const Peak = Schema.Struct({ at: Pair, value: Schema.Finite })

/** One learner on one seed, as stored in result.json. */
export const QuadraticsRun = Schema.Struct({
  algo: Schema.Literals(CONTINUOUS_ALGOS),
  seed: Schema.Finite,
  /** The final deterministic joint action (u_1, u_2). */
  finalAction: Pair,
  finalReward: Schema.Finite,
  outcome: Schema.Literals(OUTCOMES),
  /** r at the deterministic joint action at each of `curveSteps`. */
  curve: Schema.Array(Schema.Finite)
})
export type QuadraticsRun = typeof QuadraticsRun.Type

export const OutcomeCounts = Schema.Struct({ opt: Schema.Finite, subOpt: Schema.Finite, other: Schema.Finite })
export type OutcomeCounts = typeof OutcomeCounts.Type

/** result.json, declared once: the stage writes it, a sweep's summary reads it. */
export const QuadraticsResult = Schema.Struct({
  experiment: Schema.Literal("quadratics"),
  game: QuadraticsGameSchema,
  /** The game's two peaks, from its own parameters (`gameOptima`): what the outcomes are read against. */
  optima: Schema.Struct({ global: Peak, local: Peak }),
  /** The outcome rule, in words. */
  outcomeRule: Schema.String,
  /** Environment steps at which the curves were taken. */
  curveSteps: Schema.Array(Schema.Finite),
  runs: Schema.Array(QuadraticsRun),
  table: Schema.Record(Schema.String, OutcomeCounts)
})
export type QuadraticsResult = typeof QuadraticsResult.Type

export const outcomeRule = (optima: GameOptima): string =>
  `A run's outcome is read from its final deterministic joint action u = bound · tanh(μ): within Euclidean distance ` +
  `${OUTCOME_RADIUS} of the global optimum (${optima.global.at.join(", ")}) → opt; within distance ${OUTCOME_RADIUS} of the ` +
  `local optimum (${optima.local.at.join(", ")}) → sub-opt; otherwise other.`

export const curveStepsOf = (steps: number, evalEvery: number): Array<number> => {
  const out: Array<number> = []
  for (let t = 0; t <= steps; t += evalEvery) out.push(t)
  if (out.at(-1) !== steps) out.push(steps)
  return out
}

export const countOutcomes = (runs: ReadonlyArray<QuadraticsRun>): OutcomeCounts => ({
  opt: runs.filter((r) => r.outcome === "opt").length,
  subOpt: runs.filter((r) => r.outcome === "sub-opt").length,
  other: runs.filter((r) => r.outcome === "other").length
})

/** result.json's content from every program's seed results. */
export const buildResult = (config: QuadraticsConfig, outcomes: ReadonlyArray<{ algo: ContinuousAlgo; outcome: ProgramOutcome<Array<SeedResult>> }>): QuadraticsResult => {
  const optima = gameOptima(config.game)
  const runs: Array<QuadraticsRun> = config.algos.flatMap((algo) =>
    outcomes.find((o) => o.algo === algo)!.outcome.results.map((s) => ({
      algo,
      seed: s.seed,
      finalAction: s.finalAction,
      finalReward: s.finalReward,
      outcome: classifyOutcome(optima, s.finalAction),
      curve: s.curve
    }))
  )
  return {
    experiment: "quadratics",
    game: config.game,
    optima,
    outcomeRule: outcomeRule(optima),
    curveSteps: curveStepsOf(config.steps, config.evalEvery),
    runs,
    table: Object.fromEntries(config.algos.map((a) => [a, countOutcomes(runs.filter((r) => r.algo === a))]))
  }
}

/** result.json's text: two-space indentation, arrays of numbers on one line. */
export const quadraticsResultJson = (result: QuadraticsResult): string => compactJson(result)

// ---------------------------------------------------------------------------------------
// report.md

export const algoName: Readonly<Record<ContinuousAlgo, string>> = {
  fsv: "FSV",
  maddpg: "MADDPG",
  "qmix-ddpg": "QMIX (QMIX-DDPG)",
  "vdn-ddpg": "VDN (VDN-DDPG)"
}

/** The paper's Table 7 (20 runs each). */
export const PAPER_TABLE7: Readonly<Record<ContinuousAlgo, OutcomeCounts>> = {
  fsv: { opt: 20, subOpt: 0, other: 0 },
  maddpg: { opt: 2, subOpt: 18, other: 0 },
  "qmix-ddpg": { opt: 2, subOpt: 18, other: 0 },
  "vdn-ddpg": { opt: 0, subOpt: 16, other: 4 }
}

const isPaperGame = (g: QuadraticsGame): boolean =>
  (Object.keys(defaultGame) as Array<keyof QuadraticsGame>).every((k) => g[k] === defaultGame[k])

/** The acceptance checks of the issue, with the numbers behind them. */
export const quadraticsAcceptance = (result: QuadraticsResult): Array<{ criterion: string; met: boolean; observed: string }> => {
  const out: Array<{ criterion: string; met: boolean; observed: string }> = []
  const fsv = result.table["fsv"]
  if (fsv) {
    const n = fsv.opt + fsv.subOpt + fsv.other
    const need = Math.ceil(0.9 * n)
    out.push({ criterion: `FSV: opt in at least ${need} of ${n} seeds (18 of 20; the paper: 20 of 20)`, met: fsv.opt >= need, observed: `${fsv.opt} of ${n}` })
  }
  for (const algo of ["maddpg", "qmix-ddpg", "vdn-ddpg"] as const) {
    const c = result.table[algo]
    if (!c) continue
    const n = c.opt + c.subOpt + c.other
    out.push({
      criterion: `${algoName[algo]}: mostly sub-opt, as in the paper`,
      met: c.subOpt > n / 2,
      observed: `opt ${c.opt}, sub-opt ${c.subOpt}, other ${c.other}`
    })
  }
  return out
}

/** "− 5" for a centre at 5, "+ 5" for one at −5. */
const shift = (x: number): string => (x < 0 ? `+ ${-x}` : `− ${x}`)

const point = (u: readonly [number, number]): string => `(${u.map((x) => String(x)).join(", ")})`

const action = (u: readonly [number, number]): string => `(${fixed(u[0], 2)}, ${fixed(u[1], 2)})`

/** report.md: Table 7's layout, the acceptance checks, every run's final action, the protocol. */
export const quadraticsReportMarkdown = (result: QuadraticsResult, config: QuadraticsConfig): string => {
  const g = result.game
  const algos = config.algos
  const paper = isPaperGame(g)
  const lines: Array<string> = [
    "# Max of Two Quadratics (Section 5.2)",
    "",
    `r(u₁, u₂) = max(f₁, f₂), f₁ = ${g.h1}·[−((u₁ ${shift(g.x1)})/${g.s1})² − ((u₂ ${shift(g.y1)})/${g.s1})²], ` +
    `f₂ = ${g.h2}·[−((u₁ ${shift(g.x2)})/${g.s2})² − ((u₂ ${shift(g.y2)})/${g.s2})²] ${g.c < 0 ? `− ${-g.c}` : `+ ${g.c}`}, ` +
    `u₁, u₂ ∈ [−${g.bound}, ${g.bound}] (Eq. 19).` +
    (paper ? " These are the paper's parameters (with s₂ = 1 for its typo \"s2 − 1\")." : " This is a user-supplied game, not the paper's."),
    "",
    `Global optimum: r${point(result.optima.global.at)} = ${fixed(result.optima.global.value, 2)}; ` +
    `local optimum: r${point(result.optima.local.at)} = ${fixed(result.optima.local.value, 2)}.`,
    "",
    result.outcomeRule,
    "",
    `${config.seeds.length} seeds per learner, ${config.steps} environment steps each.`,
    "",
    "## Table 7",
    "",
    markdownTable(
      ["", "opt", "sub-opt", "other"],
      algos.map((a) => {
        const c = result.table[a]!
        return [algoName[a], String(c.opt), String(c.subOpt), String(c.other)]
      }),
      ["l", "r", "r", "r"]
    ),
    ""
  ]
  if (paper) {
    lines.push(
      "The paper's Table 7 (20 runs each), for comparison:",
      "",
      markdownTable(
        ["", "opt", "sub-opt", "other"],
        algos.map((a) => {
          const c = PAPER_TABLE7[a]
          return [algoName[a], String(c.opt), String(c.subOpt), String(c.other)]
        }),
        ["l", "r", "r", "r"]
      ),
      "",
      "## Acceptance",
      "",
      markdownTable(
        ["criterion", "observed", "met"],
        quadraticsAcceptance(result).map((x) => [x.criterion, x.observed, x.met ? "yes" : "**no**"])
      ),
      ""
    )
  }
  lines.push(
    "## Figures",
    "",
    "- `reward-surface.svg`: the reward surface (Figure 3a) with every run's final joint action.",
    "- `curves.svg`: the reward of the deterministic joint action against environment steps, mean over seeds with a band of ±1 standard deviation (Figure 3b).",
    "",
    "## Final joint actions",
    ""
  )
  for (const a of algos) {
    const runs = result.runs.filter((r) => r.algo === a)
    lines.push(
      `### ${algoName[a]}`,
      "",
      markdownTable(
        ["seed", "final (u₁, u₂)", "r", "outcome"],
        runs.map((r) => [String(r.seed), action(r.finalAction), fixed(r.finalReward, 2), r.outcome]),
        ["r", "l", "r", "l"]
      ),
      ""
    )
  }
  lines.push("## Protocol", "", ...notes(config).flatMap((n) => [n, ""]))
  return lines.join("\n")
}

const notes = (config: QuadraticsConfig): Array<string> => {
  const f = config.learners.fsv
  const d = config.learners.maddpg
  return [
    `Every step each seed acts once and stores the one-step episode (done = 1, so every TD target is the reward) in a ` +
    `buffer of ${f.bufferSize} transitions; the first ${f.warmupSteps} steps act uniformly at random; afterwards one update ` +
    `per step on ${f.batchSize} transitions drawn uniformly with replacement. Adam everywhere; actors/policies lr ${f.actorLr} ` +
    `(Table 8), critics lr ${f.criticLr}, FSV's value networks lr ${f.valueLr}. Networks: two layers with ${f.hidden} hidden ` +
    `units per agent (Table 8).`,
    `FSV: Q_i(τ_i, u_i), V_i(τ_i) and a squashed Gaussian π_i per agent; λ by ${f.heads}-head attention (Eq. 14–15, ` +
    `normalization "${f.lambdaNormalization}"); V_tot = Σ w_i V_i + b with hypernetworks of one hidden layer of ` +
    `${f.hypernetHidden} (Eq. 13); stop-gradients "${f.gradients}" (Eq. 33); α by automatic entropy adjustment (Eq. 34) from ` +
    `${f.initAlpha} with lr ${f.alphaLr} and target entropy ${f.targetEntropy} per agent (−${-f.targetEntropy * 2} for the joint policy). ` +
    `Exploration: samples of the policy.`,
    `MADDPG, QMIX-DDPG, VDN-DDPG: deterministic actors u_i = bound · tanh(μ_i(τ_i)), exploration by Gaussian noise ` +
    `σ = ${d.explorationNoise} on the normalised action (clipped to the box). MADDPG: a centralized critic per agent, actor ` +
    `gradients with the partners' actions from the buffer. QMIX-DDPG and VDN-DDPG: each actor maximises its own Q_i of the ` +
    `factored critic (Appendix 7.2).`,
    `Batching: each learner trains all its seeds as one program with a leading seed dimension; a seed draws only from its ` +
    `own streams (["quadratics", algo, "seed k", "init" | "explore" | "replay" | "noise"]) and its optimizer step reads only ` +
    `its own gradient.`
  ]
}

// ---------------------------------------------------------------------------------------
// Figures

/** Grid cells per axis of the reward-surface heatmap (cells of 9 px). */
const SURFACE_CELLS = 40

/** Figure 3a: the reward surface as a heatmap with every run's final joint action. */
export const surfaceSpec = (result: QuadraticsResult, algos: ReadonlyArray<ContinuousAlgo>): TopLevelSpec => {
  const g = result.game
  const w = (2 * g.bound) / SURFACE_CELLS
  const cells: Array<{ u1: number; u2: number; u1e: number; u2e: number; r: number }> = []
  for (let i = 0; i < SURFACE_CELLS; i++) {
    for (let j = 0; j < SURFACE_CELLS; j++) {
      const u1 = -g.bound + i * w
      const u2 = -g.bound + j * w
      cells.push({ u1, u2, u1e: u1 + w, u2e: u2 + w, r: quadraticsReward(g, u1 + w / 2, u2 + w / 2) })
    }
  }
  const points = result.runs.map((r) => ({ u1: r.finalAction[0], u2: r.finalAction[1], learner: algoName[r.algo] }))
  const scale = { domain: [-g.bound, g.bound], nice: false, zero: false }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Max of Two Quadratics: reward and final joint actions",
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: cells },
        mark: { type: "rect", aria: false },
        encoding: {
          x: { field: "u1", type: "quantitative", title: "u₁ (agent 1)", scale },
          x2: { field: "u1e" },
          y: { field: "u2", type: "quantitative", title: "u₂ (agent 2)", scale },
          y2: { field: "u2e" },
          color: { field: "r", type: "quantitative", title: "reward", scale: { scheme: "viridis" } }
        }
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, fill: "white", stroke: "black", strokeWidth: 1, size: 60, opacity: 0.9, aria: false },
        encoding: {
          x: { field: "u1", type: "quantitative", scale },
          y: { field: "u2", type: "quantitative", scale },
          shape: { field: "learner", type: "nominal", sort: algos.map((a) => algoName[a]), title: "learner" }
        }
      }
    ]
  }
}

const meanStd = (xs: ReadonlyArray<number>): [number, number] => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length
  return [mean, Math.sqrt(variance)]
}

/** Figure 3b: mean reward of the deterministic joint action against steps, ±1 standard deviation over seeds. */
export const curvesSpec = (result: QuadraticsResult, algos: ReadonlyArray<ContinuousAlgo>): TopLevelSpec => {
  const values = algos.flatMap((algo) => {
    const runs = result.runs.filter((r) => r.algo === algo)
    return result.curveSteps.map((step, t) => {
      const [mean, std] = meanStd(runs.map((r) => r.curve[t]!))
      return { learner: algoName[algo], step, mean, lo: mean - std, hi: mean + std }
    })
  })
  const color = { field: "learner", type: "nominal" as const, sort: algos.map((a) => algoName[a]), scale: { scheme: "set1" }, title: "learner" }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Reward of the deterministic joint action (mean ± 1 sd over seeds)",
    width: 420,
    height: 260,
    data: { values },
    layer: [
      {
        mark: { type: "area", opacity: 0.2, aria: false },
        encoding: {
          x: { field: "step", type: "quantitative", title: "environment steps" },
          y: { field: "lo", type: "quantitative", title: "reward" },
          y2: { field: "hi" },
          color
        }
      },
      {
        mark: { type: "line", strokeWidth: 1.5, aria: false },
        encoding: {
          x: { field: "step", type: "quantitative" },
          y: { field: "mean", type: "quantitative" },
          color
        }
      }
    ]
  }
}

/** A sweep's quadratics runs: `quadratics-reward` (curves over seeds) and `quadratics-final-reward` (bars). */
export const quadraticsFigures: ExperimentFigures<QuadraticsResult, { readonly curve: ReadonlyArray<TimedValue>; readonly final: number }> = {
  result: QuadraticsResult,
  seeds: (result) =>
    result.runs.map((r) => ({
      learner: r.algo,
      map: "",
      innerSeed: r.seed,
      data: {
        curve: r.curve.flatMap((value, k) => (k < result.curveSteps.length ? [{ t: result.curveSteps[k]!, value }] : [])),
        final: r.finalReward
      }
    })),
  figures: (sweep, series, members) => [
    bandFigure(
      "quadratics-reward",
      { title: `${sweep}: reward of the deterministic joint action`, yTitle: "reward r(u)" },
      series,
      members.map((m) => ({ series: m.series, curve: m.data.curve }))
    ),
    barFigure(
      "quadratics-final-reward",
      { title: `${sweep}: final reward`, yTitle: "final reward r(u)" },
      series,
      members.map((m) => ({ series: m.series, member: m.member, value: m.data.final }))
    )
  ]
}
