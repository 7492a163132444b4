/**
 * The committed long runs (docs/results/) and the baseline table drawn from them: every file
 * decodes and is what a finished 2M-step run writes, and the tables in the README and
 * docs/smac-train.md are the ones these files give (no hand-edited number can drift from its data).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join, resolve } from "node:path"
import { Effect, Layer, Result, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { median } from "../../src/report/charts.ts"
import { CommittedRun, committedFigures, renderBaselineTable, replaceMarkedTable, TABLE_BEGIN, TABLE_END } from "../../pipelines/smac/committed.ts"
import { evaluateCommitted, readCommitted, renderCommittedFigures } from "../../scripts/smac-results.ts"
import { Checkpoints } from "../../pipelines/smac/checkpoint.ts"
import { evaluateGreedy } from "../../pipelines/smac/evaluate.ts"
import { defaultSmacConfig, smacStage } from "../../pipelines/smac/stage.ts"
import { Backend } from "../../src/backend/Backend.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { Progress } from "../../src/progress/Progress.ts"
import { ArtifactStore } from "../../src/store/ArtifactStore.ts"
import { runStage } from "../../src/store/Stage.ts"

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

  it("gives each seed's final win rate, their median, the unseen-start evaluation, the first test at ≥ 90% and SMAC's number", () => {
    const evaluation = { firstEpisode: 96, episodes: 500, won: 460, winRateCi95: { lo: 0.8929, hi: 0.9407 }, meanReturn: 21.2, commit: "0".repeat(40) }
    const table = renderBaselineTable([run("qmix", 1, [0, 0.5, 1]), run("vdn", 0, [0, 0.5, 0.5]), { ...run("qmix", 0, [0, 0.9375, 0.75]), evaluation }])
    expect(table.split("\n").slice(2)).toEqual([
      "| 2s3z | vdn | pymarl | 0.0M | 0 | 50% | **50%** | — | never | 97% |",
      "| 2s3z | qmix | pymarl | 0.0M | 0, 1 | 75%, 100% | **88%** | 92% (89–94%), — | 100k, 200k | 99% |"
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

describe("Figure 4's layout from committed runs", () => {
  const run = (map: string, algo: "vdn" | "qmix", seed: number): CommittedRun => ({
    map, algo, seed, preset: "p", budget: 200, commit: "0".repeat(40), command: "fsv …",
    artifact: { stage: "smac", stageVersion: 3, digest: "a".repeat(64) }, wallSeconds: 1, machine: "m",
    curve: [{ t: 0, winRate: 0, return: 0 }, { t: 100, winRate: seed / 2, return: 0 }]
  })

  it("adds one figure with a panel per map, in the paper's order, once a preset has two maps; one map gets none", () => {
    const figures = committedFigures([run("MMM2", "qmix", 0), run("2s3z", "vdn", 0), run("2s3z", "qmix", 1), run("my_map", "vdn", 0)])
    expect(figures.map((f) => f.name)).toEqual(["win-rate-2s3z-p", "win-rate-MMM2-p", "win-rate-my_map-p", "figure4-p"])
    const spec = figures.at(-1)!.spec as unknown as { hconcat: Array<{ title: string; $schema?: string }>; resolve: unknown }
    expect(spec.hconcat.map((p) => p.title)).toEqual(["2s3z", "MMM2", "my_map"])
    expect(spec.hconcat.every((p) => p.$schema === undefined)).toBe(true)
    expect(spec.resolve).toEqual({ scale: { color: "shared" } })
    expect(figures.at(-1)!.rows.filter((r) => r[0] === "2s3z")).toHaveLength(figures[0]!.rows.length)
    expect(committedFigures([run("2s3z", "vdn", 0)]).map((f) => f.name)).toEqual(["win-rate-2s3z-p"])
  })
})

describe("npm run results -- evaluate", () => {
  it("plays the final parameters from the first start no test played: the block before it is the run's last test", async () => {
    const root = mkdtempSync(join(tmpdir(), "fsv-committed-eval-"))
    try {
      const base = defaultSmacConfig(300)
      const small = { agentHidden: 8, batchSize: 2, bufferSize: 4 }
      const config = {
        ...base, algos: ["vdn" as const], seeds: [2],
        run: { ...base.run, envs: 2, testInterval: 100, testEpisodes: 3 },
        learners: { ...base.learners, vdn: { ...base.learners.vdn, ...small } }
      }
      const ref = await Effect.runPromise(runStage(smacStage, config).pipe(
        Effect.provide(Layer.mergeAll(ArtifactStore.layer(root), Backend.layer("wasm"), Progress.silent, Checkpoints.none))
      ))
      const curve = JSON.parse(readFileSync(join(ref.dir, "result.json"), "utf8")).runs[0].curve
      const committed: CommittedRun = {
        map: "3m", algo: "vdn", seed: 2, preset: "none", budget: 300, commit: "0".repeat(40), command: "fsv …",
        artifact: { stage: "smac", stageVersion: 3, digest: basename(ref.dir) }, wallSeconds: 1, machine: "m", curve
      }
      const evaluation = await evaluateCommitted(committed, ref.dir, 7, "1".repeat(40))
      expect(curve.length).toBeGreaterThan(2)
      expect(evaluation.firstEpisode).toBe(curve.length * 3)
      expect(evaluation).toMatchObject({ episodes: 7, commit: "1".repeat(40) })
      // The 3 starts just before it, played by the same parameters, are the last test, bit for bit.
      const bytes = readFileSync(join(ref.dir, "params", "vdn-3m-seed2.f32"))
      const params = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
      const last = evaluateGreedy({
        algo: "vdn", learners: config.learners, trainedOn: BUILTIN_MAPS["3m"], map: BUILTIN_MAPS["3m"], source: ref.dir,
        seed: 2, rootSeed: config.rootSeed, params, first: evaluation.firstEpisode - 3, episodes: 3, replays: 0
      })
      if (Result.isFailure(last)) throw last.failure
      expect([last.success.winRate, last.success.meanReturn]).toEqual([curve.at(-1).winRate, curve.at(-1).return])
      await expect(evaluateCommitted({ ...committed, artifact: { ...committed.artifact, digest: "b".repeat(64) } }, ref.dir, 7, "1".repeat(40))).rejects.toThrow(/is not the artifact/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 120_000)
})
