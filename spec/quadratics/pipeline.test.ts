/**
 * The quadratics stage end to end on small budgets: the artifact's files and their
 * consistency, a user game with its optimum moved (outcomes read against the game's own
 * optima), and a malformed or missing game file (a typed error naming the JSON path, and
 * nothing written).
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { quadraticsStage } from "../../pipelines/quadratics/stage.ts"
import { Backend } from "../../src/backend/Backend.ts"
import { classifyOutcome, defaultGame } from "../../src/envs/quadratics.ts"
import { CONTINUOUS_ALGOS } from "../../src/learners/continuous.ts"
import { Progress } from "../../src/progress/Progress.ts"
import { ArtifactStore } from "../../src/store/ArtifactStore.ts"
import { runStage } from "../../src/store/Stage.ts"
import { quadraticsConfig } from "../../pipelines/quadratics/config.ts"
import { curveStepsOf, type QuadraticsResult } from "../../pipelines/quadratics/report.ts"

const cli = join(import.meta.dirname, "../../src/cli/main.ts")
const tmp = () => mkdtempSync(join(tmpdir(), "fsv-quadratics-"))

/** `fsv reproduce quadratics …` in a child process (one training thread). */
const reproduce = (args: ReadonlyArray<string>) => {
  const r = spawnSync(process.execPath, [cli, "reproduce", "quadratics", ...args], {
    encoding: "utf8",
    env: { ...process.env, FSV_JOBS: "1" }
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, dir: r.stdout.trim().split("\n").at(-1) ?? "" }
}

const readResult = (dir: string): QuadraticsResult => JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as QuadraticsResult

/** Every run's outcome is the rule applied to its final action, and the table counts them. */
const checkConsistent = (result: QuadraticsResult, seeds: number) => {
  expect(result.runs).toHaveLength(4 * seeds)
  for (const run of result.runs) {
    expect(run.outcome).toBe(classifyOutcome(result.optima, run.finalAction))
    expect(run.curve).toHaveLength(result.curveSteps.length)
  }
  for (const algo of CONTINUOUS_ALGOS) {
    const runs = result.runs.filter((r) => r.algo === algo)
    expect(result.table[algo]).toEqual({
      opt: runs.filter((r) => r.outcome === "opt").length,
      subOpt: runs.filter((r) => r.outcome === "sub-opt").length,
      other: runs.filter((r) => r.outcome === "other").length
    })
  }
}

describe("quadratics stage", () => {
  it("writes result.json, report.md and both figures, consistent with each other", async () => {
    const base = quadraticsConfig({ seeds: 2, steps: 60 })
    const learners = Object.fromEntries(
      CONTINUOUS_ALGOS.map((a) => [a, { ...base.learners[a], warmupSteps: 20, batchSize: 8 }])
    ) as unknown as typeof base.learners
    const config = { ...base, evalEvery: 25, learners }
    process.env["FSV_JOBS"] = "1"
    const ref = await Effect.runPromise(
      runStage(quadraticsStage, config).pipe(
        Effect.provide(Layer.mergeAll(ArtifactStore.layer(tmp()), Backend.layer("wasm"), Progress.silent))
      )
    )
    const files = readdirSync(ref.dir).sort()
    expect(files).toEqual(["curves.svg", "manifest.json", "meta.json", "report.md", "result.json", "reward-surface.svg", "stage.json"])
    const result = readResult(ref.dir)
    expect(result.experiment).toBe("quadratics")
    expect(result.game).toEqual(defaultGame)
    expect(result.optima).toEqual({ global: { at: [5, 5], value: 10 }, local: { at: [-5, -5], value: 0 } })
    expect(result.curveSteps).toEqual([0, 25, 50, 60])
    expect(curveStepsOf(100, 25)).toEqual([0, 25, 50, 75, 100])
    checkConsistent(result, 2)
    expect(result.runs.map((r) => `${r.algo}/${r.seed}`)).toEqual(
      ["fsv", "maddpg", "qmix-ddpg", "vdn-ddpg"].flatMap((a) => [`${a}/0`, `${a}/1`])
    )
    const report = readFileSync(join(ref.dir, "report.md"), "utf8")
    expect(report).toContain("| FSV | ")
    expect(report.indexOf("| MADDPG |")).toBeLessThan(report.indexOf("| QMIX (QMIX-DDPG) |"))
    expect(report).toContain(result.outcomeRule)
    expect(report).toContain("The paper's Table 7")
    for (const svg of ["reward-surface.svg", "curves.svg"]) {
      expect(readFileSync(join(ref.dir, svg), "utf8")).toMatch(/^<svg /)
    }
  })
})

describe("fsv reproduce quadratics --game", () => {
  it("reads a moved game end to end: optima, outcomes and report follow the file", () => {
    const dir = tmp()
    const game = join(dir, "moved.json")
    writeFileSync(game, JSON.stringify({ x2: -2, y2: 6 }))
    const r = reproduce(["--seeds", "2", "--steps", "520", "--game", game, "--store", join(dir, "store")])
    expect(r.status, r.stderr).toBe(0)
    const result = readResult(r.dir)
    expect(result.game).toEqual({ ...defaultGame, x2: -2, y2: 6 })
    expect(result.optima.global).toEqual({ at: [-2, 6], value: 10 })
    checkConsistent(result, 2)
    const report = readFileSync(join(r.dir, "report.md"), "utf8")
    expect(report).toContain("global optimum (-2, 6) → opt")
    expect(report).toContain("This is a user-supplied game")
    expect(report).not.toContain("The paper's Table 7")
  }, 120_000)

  it("fails on a malformed game, naming the JSON path, and writes nothing", () => {
    const dir = tmp()
    const store = join(dir, "store")
    const bad = join(dir, "bad.json")
    writeFileSync(bad, '{"x2": 5, "s2": "narrow"}')
    const r = reproduce(["--seeds", "2", "--steps", "10", "--game", bad, "--store", store])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`Invalid game in ${bad} at $.s2: expected a number, got the string "narrow"`)
    expect(r.stdout).toBe("")
    expect(existsSync(store)).toBe(false)

    const missing = reproduce(["--game", join(dir, "nope.json"), "--store", store])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain(`Cannot read the game file ${join(dir, "nope.json")}`)
    expect(existsSync(store)).toBe(false)
  }, 60_000)
})
