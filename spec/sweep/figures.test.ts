import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { ArtifactRef } from "../../src/store/ArtifactStore.ts"
import type { Digest } from "../../src/store/Canonical.ts"
import { experimentFigures } from "../../pipelines/stages.ts"
import { defaultGame, gameOptima } from "../../src/envs/quadratics.ts"
import { curveBands } from "../../src/report/charts.ts"
import { distinguishingPaths, summaryFigures } from "../../src/sweep/Figures.ts"
import { runInputName, type SummaryConfig, summaryStageFor } from "../../src/sweep/Summary.ts"

// ---------------------------------------------------------------------------------------
// Fixture results, in the shapes the pipelines write

/** A SMAC result of one learner and one seed on two maps; win rates chosen so the bands are easy to check by hand. */
const smacResult = (algo: string, seed: number, curve3m: ReadonlyArray<[number, number]>) => ({
  experiment: "smac",
  runs: [
    { algo, map: "3m", seed, curve: curve3m.map(([t, winRate]) => ({ t, winRate, return: 10 * winRate })) },
    { algo, map: "8m", seed, curve: [{ t: 0, winRate: 0, return: 0 }, { t: 5000, winRate: seed / 4, return: 1 }] }
  ]
})

/** Grid ["algos", "seeds"]: algos selects the learner (one value per learner: not shown), seeds are seeds. */
const smacRuns = [
  { params: { algos: ["fsv"], seeds: [0] }, result: smacResult("fsv", 0, [[0, 0], [10040, 0.25], [20080, 0.5]]) },
  { params: { algos: ["fsv"], seeds: [1] }, result: smacResult("fsv", 1, [[0, 0], [10120, 0.75], [20240, 1]]) },
  { params: { algos: ["qmix"], seeds: [0] }, result: smacResult("qmix", 0, [[0, 0], [10040, 0], [20080, 0.25]]) },
  { params: { algos: ["qmix"], seeds: [1] }, result: smacResult("qmix", 1, [[0, 0], [10120, 0], [20240, 0.25]]) }
]

const matrixResult = (errors: Record<string, [number, number]>) => ({
  experiment: "matrix",
  payoff: [[8, -12], [-12, 0]],
  runs: Object.entries(errors).flatMap(([variant, [e0, e1]]) => {
    const [algo, alpha0] = variant === "fsv" ? ["fsv", 0.1] : [variant, null]
    return [0, 1].map((seed) => ({ algo, alpha0, seed, agentQ: [[0, 0], [0, 0]], qTot: [[0, 0], [0, 0]], greedy: [0, 0], optimal: true, maxAbsError: seed === 0 ? e0 : e1 }))
  })
})

/** Grid ["rootSeed"]: two runs, each with two inner seeds of VDN and of FSV α0=0.1. */
const matrixRuns = [
  { params: { rootSeed: 0 }, result: matrixResult({ vdn: [7, 7.5], fsv: [0.25, 0.5] }) },
  { params: { rootSeed: 1 }, result: matrixResult({ vdn: [6.5, 8], fsv: [0.75, 1] }) }
]

// ---------------------------------------------------------------------------------------
// SVG inspection

const count = (svg: string, needle: string): number => svg.split(needle).length - 1
const axisTitles = (svg: string): Array<string> =>
  [...svg.matchAll(/class="mark-text role-axis-title"[^>]*><text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
const csvRows = (csv: string): Array<Array<string>> => csv.trim().split("\n").map((l) => l.split(","))

const scratch = mkdtempSync(join(tmpdir(), "fsv-summary-figures-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Write each result.json into its own artifact directory and run the summary stage over them. */
const summarize = (name: string, parameters: ReadonlyArray<string>, runs: ReadonlyArray<{ params: Record<string, unknown>; result: unknown }>) => {
  const root = mkdtempSync(join(scratch, "summary-"))
  const inputs: Record<string, ArtifactRef> = {}
  runs.forEach((run, i) => {
    const dir = join(root, runInputName(i))
    mkdirSync(dir)
    writeFileSync(join(dir, "result.json"), JSON.stringify(run.result, null, 2) + "\n")
    inputs[runInputName(i)] = { stage: "smac", digest: `digest-${i}` as Digest, dir, cached: true }
  })
  const config = {
    name,
    stage: "smac",
    parameters,
    runs: runs.map((r, i) => ({ input: runInputName(i), params: r.params }))
  } as SummaryConfig
  const ctx = { progress: { task: () => ({ update: () => {}, done: () => {} }), log: () => {} }, inputs, backend: "cpu" }
  return Effect.runPromise(summaryStageFor(experimentFigures).run(config, ctx)) as Promise<Record<string, string>>
}

describe("summary figures (pure)", () => {
  it("bins evaluations at the median spacing and bands them over seeds: mean, min, max", () => {
    // gaps 10040, 10040, 10120, 10120: w = 10080; 10040/w and 10120/w round to 1, 20080/w and 20240/w to 2
    const bands = curveBands([
      [{ t: 0, value: 0 }, { t: 10040, value: 0.25 }, { t: 20080, value: 0.5 }],
      [{ t: 0, value: 0 }, { t: 10120, value: 0.75 }, { t: 20240, value: 1 }]
    ])
    expect(bands).toEqual([
      { t: 0, n: 2, mean: 0, min: 0, max: 0 },
      { t: 10080, n: 2, mean: 0.5, min: 0.25, max: 0.75 },
      { t: 20160, n: 2, mean: 0.75, min: 0.5, max: 1 }
    ])
    // a seed with two points in one bin counts its later one; a bin one seed lacks has n = 1
    const late = curveBands([
      [{ t: 0, value: 0.5 }, { t: 100, value: 0.5 }, { t: 200, value: 0.5 }],
      [{ t: 0, value: 0.5 }, { t: 100, value: 0.25 }, { t: 110, value: 1 }]
    ])
    // gaps 100, 100, 100, 10: median 100; bins 0, 1 (100, 100, 110), 2 (200)
    expect(late.map((b) => [b.n, b.mean, b.min, b.max])).toEqual([[2, 0.5, 0.5, 0.5], [2, 0.75, 0.5, 1], [1, 0.5, 0.5, 0.5]])
    expect(late[1]!.t).toBeCloseTo(310 / 3, 12)
  })

  it("names a series by learner and the non-seed grid values that tell runs of one learner apart", () => {
    const e = (learner: string, params: Record<string, unknown>) => ({ learner, map: "3m", params: params as never })
    expect(distinguishingPaths(["algos", "lr", "seeds"], [
      e("fsv", { algos: ["fsv"], lr: 0.1, seeds: [0] }),
      e("fsv", { algos: ["fsv"], lr: 0.2, seeds: [1] }),
      e("qmix", { algos: ["qmix"], lr: 0.1, seeds: [0] })
    ])).toEqual(["lr"])
    const figures = summaryFigures(experimentFigures, "lr", ["lr", "seed"], [
      { params: { lr: 0.1, seed: 1 }, result: smacResult("fsv", 0, [[0, 0]]) },
      { params: { lr: 0.2, seed: 1 }, result: smacResult("fsv", 0, [[0, 1]]) }
    ])
    expect(figures.map((f) => f.name)).toEqual(["win-rate-3m", "win-rate-8m", "win-rate-maps"])
    expect(figures[0]!.rows).toEqual([["fsv · lr=0.1", 0, 1, 0, 0, 0], ["fsv · lr=0.2", 0, 1, 1, 1, 1]])
    // The side-by-side figure holds each map's rows under the map's name.
    expect(figures[2]!.rows.filter((r) => r[0] === "3m").map((r) => r.slice(1))).toEqual(figures[0]!.rows)
  })

  it("draws nothing for results of no known experiment", () => {
    expect(summaryFigures(experimentFigures, "fit", ["seed"], [{ params: { seed: 1 }, result: { loss: 0.5 } }])).toEqual([])
  })
})

describe("summary stage: figures over fixture result.json files", () => {
  it("SMAC: an SVG per map, a line and a band per learner, axis titles, the band numbers in CSV", async () => {
    const files = await summarize("smac-sweep", ["algos", "seeds"], smacRuns)
    expect(Object.keys(files).sort()).toEqual([
      "runs.csv", "seeds.csv", "summary.json", "win-rate-3m.csv", "win-rate-3m.svg", "win-rate-8m.csv", "win-rate-8m.svg",
      "win-rate-maps.csv", "win-rate-maps.svg"
    ])
    // Figure 4's layout: both maps' panels in one SVG, each with its lines and bands, one legend.
    const panels = files["win-rate-maps.svg"]!
    expect(count(panels, 'aria-roledescription="line mark container"')).toBe(4)
    expect(count(panels, 'aria-roledescription="area mark container"')).toBe(4)
    expect(panels).toContain("one panel per map")
    for (const map of ["3m", "8m"]) {
      const svg = files[`win-rate-${map}.svg`]!
      expect(count(svg, 'aria-roledescription="line mark container"')).toBe(2)
      expect(count(svg, 'aria-roledescription="area mark container"')).toBe(2)
      expect(axisTitles(svg)).toEqual(["environment steps", "test win rate"])
      expect(svg).toContain(`smac-sweep · ${map}: test win rate`)
    }
    // by hand: fsv seeds at 10040/10120 → mean 0.5, band 0.25–0.75; at 20080/20240 → 0.75, 0.5–1; qmix 0, then 0.25
    expect(csvRows(files["win-rate-3m.csv"]!)).toEqual([
      ["series", "t", "n", "mean", "min", "max"],
      ["fsv", "0", "2", "0", "0", "0"],
      ["fsv", "10080", "2", "0.5", "0.25", "0.75"],
      ["fsv", "20160", "2", "0.75", "0.5", "1"],
      ["qmix", "0", "2", "0", "0", "0"],
      ["qmix", "10080", "2", "0", "0", "0"],
      ["qmix", "20160", "2", "0.25", "0.25", "0.25"]
    ])
    // 8m: win rate seed / 4 at t = 5000: seeds 0 and 1 → mean 0.125, band 0–0.25
    expect(csvRows(files["win-rate-8m.csv"]!)[2]).toEqual(["fsv", "5000", "2", "0.125", "0", "0.25"])
  })

  it("matrix: a bar per learner variant and a point per seed, over the grid's root seeds and the inner seeds", async () => {
    const files = await summarize("matrix-sweep", ["rootSeed"], matrixRuns)
    const svg = files["matrix-error.svg"]!
    expect(count(svg, 'aria-roledescription="bar"')).toBe(2)
    expect(count(svg, 'aria-roledescription="point"')).toBe(8)
    expect(axisTitles(svg)).toEqual(["learner", "max |Q_tot − payoff|"])
    const rows = csvRows(files["matrix-error.csv"]!)
    expect(rows[0]).toEqual(["series", "seed", "value"])
    expect(rows.slice(1).filter((r) => r[0] === "VDN").map((r) => Number(r[2]))).toEqual([7, 7.5, 6.5, 8])
    expect(rows.slice(1).filter((r) => r[0] === "FSV α0=0.1").map((r) => r[1])).toEqual([
      "rootSeed=0 seed 0", "rootSeed=0 seed 1", "rootSeed=1 seed 0", "rootSeed=1 seed 1"
    ])
    // the bars are the means: VDN (7 + 7.5 + 6.5 + 8) / 4 = 7.25, FSV (0.25 + 0.5 + 0.75 + 1) / 4 = 0.625
    expect(svg).toMatch(/aria-label="learner: VDN; max \|Q_tot − payoff\|: 7\.25;/)
    expect(svg).toMatch(/aria-label="learner: FSV α0=0\.1; max \|Q_tot − payoff\|: 0\.625;/)
  })

  it("quadratics: reward curves at the result's curve steps with a band, and final rewards as bars", async () => {
    const run = (algo: string, seed: number, curve: ReadonlyArray<number>) => ({
      algo, seed, finalAction: [0, 0], finalReward: curve.at(-1)!, outcome: "opt", curve
    })
    const result = {
      experiment: "quadratics",
      game: defaultGame,
      optima: gameOptima(defaultGame),
      outcomeRule: "as the stage states it",
      curveSteps: [0, 500, 1000],
      table: {},
      runs: [run("fsv", 0, [0, 2, 5]), run("fsv", 1, [1, 4, 7]), run("maddpg", 0, [0, 1, 2]), run("maddpg", 1, [0, 1, 3])]
    }
    const files = await summarize("quad-sweep", ["seed"], [{ params: { seed: 3 }, result }])
    const curves = files["quadratics-reward.svg"]!
    expect(count(curves, 'aria-roledescription="line mark container"')).toBe(2)
    expect(count(curves, 'aria-roledescription="area mark container"')).toBe(2)
    expect(axisTitles(curves)).toEqual(["environment steps", "reward r(u)"])
    // fsv at t = 500: rewards 2 and 4 → mean 3, band 2–4
    expect(csvRows(files["quadratics-reward.csv"]!)[2]).toEqual(["fsv", "500", "2", "3", "2", "4"])
    const bars = files["quadratics-final-reward.svg"]!
    expect(count(bars, 'aria-roledescription="bar"')).toBe(2)
    expect(count(bars, 'aria-roledescription="point"')).toBe(4)
    expect(axisTitles(bars)).toEqual(["learner", "final reward r(u)"])
    // (2 + 3) / 2 = 2.5
    expect(bars).toMatch(/aria-label="learner: maddpg; final reward r\(u\): 2\.5;/)
  })

  it("writes the same bytes when run again", async () => {
    const first = await summarize("smac-sweep", ["algos", "seeds"], smacRuns)
    const second = await summarize("smac-sweep", ["algos", "seeds"], smacRuns)
    expect(second).toEqual(first)
    const m1 = await summarize("matrix-sweep", ["rootSeed"], matrixRuns)
    const m2 = await summarize("matrix-sweep", ["rootSeed"], matrixRuns)
    expect(m2).toEqual(m1)
  })
})
