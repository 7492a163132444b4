/**
 * Finished long runs, committed as data (`docs/results/<map>-<algo>-seed<s>-<preset>.json`), so
 * that tables at the paper's budget grow across sessions and machines: each file is one run's
 * test curve with the artifact it came from, the exact command and commit, and what it cost.
 * The baseline table set against SMAC's published numbers is drawn from these files only.
 */
import { Schema } from "effect"
import { RECURRENT_ALGOS } from "../../src/learners/recurrent.ts"
import { type Figure, median } from "../../src/report/charts.ts"
import { SmacCurvePoint, winRateLayout } from "./results.ts"

/** One finished run, as committed. */
export const CommittedRun = Schema.Struct({
  map: Schema.String,
  algo: Schema.Literals(RECURRENT_ALGOS),
  seed: Schema.Int,
  /** The `--preset` it ran under ("none" for the defaults without one). */
  preset: Schema.String,
  /** Environment steps per run. */
  budget: Schema.Int,
  /** The fsv-ts commit the command ran at. */
  commit: Schema.String.check(Schema.isPattern(/^[0-9a-f]{40}$/)),
  /** The command, exactly as run (from the artifact's meta.json). */
  command: Schema.String,
  artifact: Schema.Struct({
    stage: Schema.Literal("smac"),
    stageVersion: Schema.Int,
    digest: Schema.String.check(Schema.isPattern(/^[0-9a-f]{64}$/))
  }),
  /** Wall-clock seconds of the whole command, and where it ran. */
  wallSeconds: Schema.Finite,
  machine: Schema.String,
  curve: Schema.Array(SmacCurvePoint),
  /**
   * The final parameters played greedily on test starts no test of the run played (`npm run
   * results -- evaluate`): a 32-episode test swings between ~0 and ~1 from one to the next, so
   * the final test alone is a noisy estimate of the policy the run ended with.
   */
  evaluation: Schema.optionalKey(Schema.Struct({
    /** The first start played: the run's tests played starts 0 … firstEpisode − 1. */
    firstEpisode: Schema.Int,
    episodes: Schema.Int,
    won: Schema.Int,
    /** 95% Wilson interval of won / episodes. */
    winRateCi95: Schema.Struct({ lo: Schema.Finite, hi: Schema.Finite }),
    meanReturn: Schema.Finite,
    /** The fsv-ts commit that played it (the episodes are the same bytes at any commit that plays the run's starts the same way). */
    commit: Schema.String.check(Schema.isPattern(/^[0-9a-f]{40}$/))
  }))
})
export type CommittedRun = typeof CommittedRun.Type

/** The file text of a committed run: the head indented, one curve point per line (small diffs, readable by eye). */
export const formatCommitted = (run: CommittedRun): string => {
  const { curve, ...head } = run
  return JSON.stringify(head, null, 1).replace(/\n}$/, `,\n "curve": [\n${curve.map((p) => `  ${JSON.stringify(p)}`).join(",\n")}\n ]\n}`) + "\n"
}

/**
 * Median test win rates at 2M steps with PyMARL's original setup: Samvelyan et al. (2019),
 * "The StarCraft Multi-Agent Challenge", Table 2 (as quoted in issue 19).
 */
export const SMAC_PUBLISHED: Readonly<Record<string, Readonly<Partial<Record<(typeof RECURRENT_ALGOS)[number], number>>>>> = {
  "2s3z": { qmix: 0.99, vdn: 0.97 },
  "3s_vs_5z": { qmix: 0.87, vdn: 0.91 },
  MMM2: { qmix: 0.69, vdn: 0.01 }
}

const pct = (x: number): string => `${Math.round(x * 100)}%`

/** The first t at which the test win rate reached `level`, if it did. */
export const firstReaching = (curve: ReadonlyArray<SmacCurvePoint>, level: number): number | undefined =>
  curve.find((p) => p.winRate >= level)?.t

const MAP_ORDER = ["2s3z", "3s_vs_5z", "MMM2"]
/** A map's place in tables and figures: the paper's order, then every other map after it. */
const mapRank = (map: string): number => (MAP_ORDER.includes(map) ? MAP_ORDER.indexOf(map) : MAP_ORDER.length)
const ALGO_ORDER: ReadonlyArray<string> = ["vdn", "qmix", "qtran", "fsv"]

/**
 * The baseline table: one row per (map, learner, preset) with committed runs at the paper's
 * budget, the final test win rate of each seed, their median (SMAC's statistic), the steps at
 * which each first won ≥ 90% of its tests, and SMAC's published median. Pure.
 */
export const renderBaselineTable = (runs: ReadonlyArray<CommittedRun>): string => {
  const groups = new Map<string, Array<CommittedRun>>()
  for (const r of runs) {
    const k = JSON.stringify([r.map, r.algo, r.preset, r.budget])
    groups.set(k, [...(groups.get(k) ?? []), r])
  }
  const rank = (map: string, algo: string) => [mapRank(map), ALGO_ORDER.indexOf(algo)] as const
  const rows = [...groups.values()].sort((a, b) => {
    const [ma, aa] = rank(a[0]!.map, a[0]!.algo)
    const [mb, ab] = rank(b[0]!.map, b[0]!.algo)
    return ma - mb || a[0]!.map.localeCompare(b[0]!.map) || aa - ab || a[0]!.preset.localeCompare(b[0]!.preset) || a[0]!.budget - b[0]!.budget
  }).map((group) => {
    const sorted = [...group].sort((a, b) => a.seed - b.seed)
    const { map, algo, preset, budget } = sorted[0]!
    const finals = sorted.map((r) => r.curve.at(-1)?.winRate ?? 0)
    const firsts = sorted.map((r) => firstReaching(r.curve, 0.9))
    const published = SMAC_PUBLISHED[map]?.[algo]
    const unseen = sorted.map((r) => r.evaluation === undefined
      ? "—"
      : `${pct(r.evaluation.won / r.evaluation.episodes)} (${Math.round(r.evaluation.winRateCi95.lo * 100)}–${pct(r.evaluation.winRateCi95.hi)})`)
    return `| ${map} | ${algo} | ${preset} | ${(budget / 1e6).toFixed(1)}M | ${sorted.map((r) => r.seed).join(", ")} | ` +
      `${finals.map(pct).join(", ")} | **${pct(median(finals))}** | ${unseen.join(", ")} | ` +
      `${firsts.map((t) => (t === undefined ? "never" : `${(t / 1e3).toFixed(0)}k`)).join(", ")} | ` +
      `${published === undefined ? "—" : pct(published)} |`
  })
  return [
    "| map | learner | preset | steps | seeds | final test win rate per seed | median | final parameters on unseen starts (95% CI) | first test ≥ 90% | SMAC paper (median) |",
    "|---|---|---|---:|---|---|---:|---|---|---:|",
    ...rows
  ].join("\n")
}

/** The marked block a document carries the table in. */
export const TABLE_BEGIN = "<!-- baselines:begin (generated: npm run results -- table) -->"
export const TABLE_END = "<!-- baselines:end -->"

/** `doc` with the text between the markers replaced by `table`; undefined when it lacks them. */
export const replaceMarkedTable = (doc: string, table: string): string | undefined => {
  const i = doc.indexOf(TABLE_BEGIN)
  const j = doc.indexOf(TABLE_END)
  if (i < 0 || j < i) return undefined
  return doc.slice(0, i + TABLE_BEGIN.length) + "\n" + table + "\n" + doc.slice(j)
}

/**
 * Figure 4's layout from committed runs at the paper's budget: per preset and map, test win rate
 * against steps, one line per learner (mean over seeds) with a min–max band, named
 * `win-rate-<map>-<preset>`; and with two maps or more, `figure4-<preset>`, the same side by
 * side in the paper's order of maps. Pure.
 */
export const committedFigures = (runs: ReadonlyArray<CommittedRun>): Array<Figure> => {
  const presets = [...new Set(runs.map((r) => r.preset))].sort()
  return presets.flatMap((preset) => {
    const here = runs.filter((r) => r.preset === preset)
    const algos = ALGO_ORDER.filter((a) => here.some((r) => r.algo === a))
    // Maps in the paper's order (then by name), so Figure 4's panels read 2s3z, 3s_vs_5z, MMM2.
    const curves = [...here]
      .sort((a, b) => mapRank(a.map) - mapRank(b.map) || a.map.localeCompare(b.map) || a.seed - b.seed)
      .map((r) => ({ series: r.algo, map: r.map, curve: r.curve.map((p) => ({ t: p.t, value: p.winRate })) }))
    return winRateLayout(`committed runs, preset ${preset}`, algos, curves, "figure4").map((f) => ({ ...f, name: `${f.name}-${preset}` }))
  })
}
