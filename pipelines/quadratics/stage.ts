/**
 * `fsv reproduce quadratics` as a stage: Section 5.2's Max of Two Quadratics game for FSV,
 * MADDPG, QMIX-DDPG and VDN-DDPG, every learner over every seed. The config holds
 * everything that determines the bytes: the game, the seeds, the budget, which learners
 * run and all their hyperparameters.
 *
 * Each learner trains all its seeds as one batched program with a leading seed dimension;
 * the programs run on up to `FSV_JOBS` worker threads (default: up to 2), which changes the
 * wall time, not the bytes.
 *
 * Files: result.json (runs, outcomes, learning curves and the Table 7 counts), report.md
 * (Table 7's layout), reward-surface.svg (Figure 3a with every run's final joint action)
 * and curves.svg (Figure 3b: mean reward against training steps, a band of ±1 standard
 * deviation over seeds).
 */
import { availableParallelism } from "node:os"
import { Effect, Result, Schema } from "effect"
import type { TopLevelSpec } from "vega-lite"
import type { BackendName } from "../../src/backend/Backend.ts"
import {
  classifyOutcome,
  decodeGame,
  defaultGame,
  gameOptima,
  type GameOptima,
  OUTCOME_RADIUS,
  type Outcome,
  type QuadraticsGame,
  QuadraticsGameSchema,
  quadraticsReward
} from "../../src/envs/quadratics.ts"
import { CONTINUOUS_ALGOS, type ContinuousAlgo } from "../../src/learners/continuous.ts"
import { quadraticsProgramModule } from "./program.ts"
import type { SeedResult } from "./train.ts"
import { type ProgramOutcome, trainPrograms } from "../../src/runtime/pool.ts"
import type { QuadraticsProgram } from "./program.ts"
import { defaultQuadraticsLearnerConfigs, QuadraticsLearnerConfigs } from "./learners.ts"
import { fixed, markdownTable } from "../../src/report/markdown.ts"
import { vegaLiteToSvg } from "../../src/report/svg.ts"
import { defineStage } from "../../src/store/Stage.ts"

export const QuadraticsConfig = Schema.Struct({
  /** The game's parameters (Eq. 19). */
  game: QuadraticsGameSchema,
  /** Seeds, one replica each (each seed's streams are its own). */
  seeds: Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Root seed of every random stream. */
  rootSeed: Schema.Int,
  /** Environment steps per run; one update per step after warm-up. */
  steps: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Environment steps between two points of the learning curves. */
  evalEvery: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** The learners to run, in report order. */
  algos: Schema.Array(Schema.Literals(CONTINUOUS_ALGOS)),
  /** Every learner's hyperparameters. */
  learners: QuadraticsLearnerConfigs
}).check(
  Schema.makeFilter((c) => {
    const issues: Array<Schema.FilterIssue> = []
    const game = decodeGame(c.game, "the config")
    if (Result.isFailure(game)) {
      const path = game.failure.path === "$" ? ["game"] : ["game", game.failure.path.replace(/^\$\./, "")]
      issues.push({ path, issue: game.failure.problem })
    }
    if (c.seeds.length === 0) issues.push({ path: ["seeds"], issue: "needs at least one seed" })
    if (new Set(c.seeds).size !== c.seeds.length) issues.push({ path: ["seeds"], issue: "seeds must be distinct" })
    if (c.algos.length === 0) issues.push({ path: ["algos"], issue: "needs at least one learner" })
    if (new Set(c.algos).size !== c.algos.length) issues.push({ path: ["algos"], issue: "learners must be distinct" })
    return issues
  })
)
export type QuadraticsConfig = typeof QuadraticsConfig.Type

/** Table 7's rows, in its order. */
export const TABLE7_ORDER: ReadonlyArray<ContinuousAlgo> = ["fsv", "maddpg", "qmix-ddpg", "vdn-ddpg"]

/** The default budget: environment steps per run (the paper does not state its own). */
export const DEFAULT_STEPS = 5000

/** The default reproduction: `seeds` seeds (0 … seeds − 1), `steps` steps, on `game`. */
export const quadraticsConfig = (
  { seeds = 20, steps = DEFAULT_STEPS, game = defaultGame }: { seeds?: number; steps?: number; game?: QuadraticsGame } = {}
): QuadraticsConfig => ({
  game,
  seeds: Array.from({ length: seeds }, (_, k) => k),
  rootSeed: 0,
  steps,
  evalEvery: 100,
  algos: TABLE7_ORDER,
  learners: defaultQuadraticsLearnerConfigs
})

/** One program per learner, heaviest first (so two threads finish close together). */
export const quadraticsPrograms = (config: QuadraticsConfig): Array<QuadraticsProgram> => {
  const cost: ReadonlyArray<ContinuousAlgo> = ["fsv", "qmix-ddpg", "maddpg", "vdn-ddpg"]
  return cost.filter((a) => config.algos.includes(a)).map((algo) => ({
    game: config.game,
    learners: config.learners,
    algo,
    seeds: config.seeds,
    rootSeed: config.rootSeed,
    label: ["quadratics", algo],
    steps: config.steps,
    evalEvery: config.evalEvery
  }))
}

/** Worker threads to train on: FSV_JOBS, else up to 2. Wall time only; the bytes do not depend on it. */
export const jobsFromEnv = (env: Record<string, string | undefined> = process.env): number => {
  const n = Number(env["FSV_JOBS"])
  return Number.isInteger(n) && n >= 1 ? n : Math.max(1, Math.min(2, availableParallelism()))
}

// ---------------------------------------------------------------------------------------
// result.json

export interface QuadraticsRun {
  readonly algo: ContinuousAlgo
  readonly seed: number
  /** The final deterministic joint action (u_1, u_2). */
  readonly finalAction: readonly [number, number]
  readonly finalReward: number
  readonly outcome: Outcome
  /** r at the deterministic joint action at each of `curveSteps`. */
  readonly curve: ReadonlyArray<number>
}

export interface OutcomeCounts {
  readonly opt: number
  readonly subOpt: number
  readonly other: number
}

export interface QuadraticsResult {
  readonly experiment: "quadratics"
  readonly game: QuadraticsGame
  /** The game's two peaks, from its own parameters (`gameOptima`): what the outcomes are read against. */
  readonly optima: GameOptima
  /** The outcome rule, in words. */
  readonly outcomeRule: string
  /** Environment steps at which the curves were taken. */
  readonly curveSteps: ReadonlyArray<number>
  readonly runs: ReadonlyArray<QuadraticsRun>
  readonly table: Readonly<Record<string, OutcomeCounts>>
}

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
export const quadraticsResultJson = (result: QuadraticsResult): string =>
  JSON.stringify(result, null, 2).replace(/\[\s*(-?\d[^\[\]{}"]*?)\s*\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`) + "\n"

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

// ---------------------------------------------------------------------------------------
// The stage

export interface RunOptions {
  readonly jobs: number
  readonly backend: BackendName
  /** Total environment steps done so far, over all programs. */
  readonly onProgress?: (steps: number) => void
}

/** Train every learner and build the artifact's files; also each program's wall time (for the bench). */
export const runQuadratics = (config: QuadraticsConfig, options: RunOptions) =>
  Effect.gen(function*() {
    const programs = quadraticsPrograms(config)
    const done = programs.map(() => 0)
    const outcomes = yield* trainPrograms(quadraticsProgramModule, programs, {
      jobs: options.jobs,
      backend: options.backend,
      onProgress: (i, steps) => {
        done[i] = steps
        options.onProgress?.(done.reduce((a, b) => a + b, 0))
      }
    })
    const perAlgo = programs.map((p, i) => ({ algo: p.algo, outcome: outcomes[i]! }))
    const result = buildResult(config, perAlgo)
    const surface = yield* Effect.promise(() => vegaLiteToSvg(surfaceSpec(result, config.algos)))
    const curves = yield* Effect.promise(() => vegaLiteToSvg(curvesSpec(result, config.algos)))
    const files = {
      "result.json": quadraticsResultJson(result),
      "report.md": quadraticsReportMarkdown(result, config),
      "reward-surface.svg": surface,
      "curves.svg": curves
    }
    return { files, result, seconds: perAlgo.map((p) => ({ algo: p.algo, seconds: p.outcome.seconds })) }
  })

export const quadraticsStage = defineStage({
  name: "quadratics",
  version: 1,
  description: "Section 5.2: FSV, MADDPG, QMIX-DDPG and VDN-DDPG on the Max of Two Quadratics game (result.json, report.md, figures).",
  config: QuadraticsConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const programs = quadraticsPrograms(config)
      const task = ctx.progress.task(
        `quadratics: ${programs.length} learners × ${config.seeds.length} seeds`,
        programs.length * config.steps,
        "steps"
      )
      const { files } = yield* runQuadratics(config, {
        jobs: jobsFromEnv(),
        backend: ctx.backend as BackendName,
        onProgress: (steps) => task.update(steps)
      })
      task.done()
      return files
    })
})
