/**
 * The committed long runs (docs/results/) and the baseline table drawn from them: every file
 * decodes and is what a finished 2M-step run writes, and the tables in the README and
 * docs/smac-train.md are the ones these files give (no hand-edited number can drift from its data).
 */
import { readFileSync, readdirSync } from "node:fs"
import { join, resolve } from "node:path"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { median } from "../../src/report/charts.ts"
import { CommittedRun, renderBaselineTable, replaceMarkedTable, TABLE_BEGIN, TABLE_END } from "../../pipelines/smac/committed.ts"
import { readCommitted, renderCommittedFigures } from "../../scripts/smac-results.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const RESULTS = join(ROOT, "docs", "results")

describe("committed SMAC runs", () => {
  const files = readdirSync(RESULTS).filter((f) => f.endsWith(".json"))

  it("there are some, and each decodes, is named for its run and holds a whole run's 32-episode tests", () => {
    expect(files.length).toBeGreaterThan(0)
    for (const f of files) {
      const run = Schema.decodeUnknownSync(CommittedRun)(JSON.parse(readFileSync(join(RESULTS, f), "utf8")))
      expect(f).toBe(`${run.map}-${run.algo}-seed${run.seed}-${run.preset}.json`)
      expect(run.command).toContain(`--maps ${run.map} `)
      expect(run.command).toContain(`--seeds ${run.seed}`)
      expect(run.curve[0]!.t).toBe(0)
      for (let i = 1; i < run.curve.length; i++) expect(run.curve[i]!.t, f).toBeGreaterThan(run.curve[i - 1]!.t)
      expect(run.curve.at(-1)!.t, f).toBeGreaterThanOrEqual(run.budget)
      for (const p of run.curve) expect(Number.isInteger(p.winRate * 32), `${f} at ${p.t}`).toBe(true)
    }
  })

  it("the README and docs/smac-train.md carry the table these files give", () => {
    const table = renderBaselineTable(readCommitted())
    for (const doc of ["README.md", "docs/smac-train.md"]) {
      const text = readFileSync(join(ROOT, doc), "utf8")
      expect(text, `${doc}: run npm run results -- table --write`).toContain(`${TABLE_BEGIN}\n${table}\n${TABLE_END}`)
    }
  })

  it("docs/results/ carries the Figure 4 layout these files give, one figure per preset and map", async () => {
    const figures = await renderCommittedFigures(readCommitted())
    expect(figures.map(([name]) => name)).toContain("win-rate-2s3z-pymarl-quarter.svg")
    for (const [name, svg] of figures) {
      expect(readFileSync(join(RESULTS, name), "utf8"), `${name}: run npm run results -- table --write`).toBe(svg)
    }
    expect(readdirSync(RESULTS).filter((f) => f.endsWith(".svg")).sort()).toEqual(figures.map(([name]) => name).sort())
  }, 60_000)
})

describe("the baseline table", () => {
  const run = (algo: "vdn" | "qmix", seed: number, wins: ReadonlyArray<number>): CommittedRun => ({
    map: "2s3z", algo, seed, preset: "pymarl", budget: 200, commit: "0".repeat(40), command: "fsv …",
    artifact: { stage: "smac", stageVersion: 3, digest: "a".repeat(64) }, wallSeconds: 1, machine: "m",
    curve: wins.map((winRate, i) => ({ t: i * 100_000, winRate, return: 0 }))
  })

  it("gives each seed's final win rate, their median, the first test at ≥ 90% and SMAC's number", () => {
    const table = renderBaselineTable([run("qmix", 1, [0, 0.5, 1]), run("vdn", 0, [0, 0.5, 0.5]), run("qmix", 0, [0, 0.9375, 0.75])])
    expect(table.split("\n").slice(2)).toEqual([
      "| 2s3z | vdn | pymarl | 0.0M | 0 | 50% | **50%** | never | 97% |",
      "| 2s3z | qmix | pymarl | 0.0M | 0, 1 | 75%, 100% | **88%** | 100k, 200k | 99% |"
    ])
  })

  it("median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  it("goes between the markers and nowhere else", () => {
    const doc = `a\n${TABLE_BEGIN}\nold\n${TABLE_END}\nb\n`
    expect(replaceMarkedTable(doc, "new")).toBe(`a\n${TABLE_BEGIN}\nnew\n${TABLE_END}\nb\n`)
    expect(replaceMarkedTable("no markers", "new")).toBeUndefined()
  })
})
