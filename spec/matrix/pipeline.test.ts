/**
 * `fsv reproduce matrix` end to end at a reduced budget: the artifact's files and the
 * relations between their numbers, a user-supplied payoff through the CLI, and a malformed
 * one that fails with its JSON path and writes nothing.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer, Schema } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import { matrixConfig, MatrixConfig, matrixStage } from "../../pipelines/matrix/stage.ts"
import { Backend } from "../../src/backend/Backend.ts"
import { argmax } from "../../src/core/factorization.ts"
import { Progress } from "../../src/progress/Progress.ts"
import type { MatrixResult } from "../../pipelines/matrix/report.ts"
import { ArtifactStore, verify } from "../../src/store/ArtifactStore.ts"
import { decodeConfig, runStage } from "../../src/store/Stage.ts"

const cli = join(import.meta.dirname, "../../src/cli/main.ts")
const flatten = (x: unknown): Array<number> => (Array.isArray(x) ? x.flatMap(flatten) : [x as number])

const checkRuns = (result: MatrixResult, counts: ReadonlyArray<number>) => {
  const payoff = flatten(result.payoff)
  const best = Math.max(...payoff)
  for (const r of result.runs) {
    expect(Object.keys(r)).toEqual(["algo", "alpha0", "seed", "agentQ", "qTot", "greedy", "optimal", "maxAbsError"])
    expect(r.agentQ.map((q) => q.length)).toEqual([...counts])
    const qTot = flatten(r.qTot)
    expect(qTot.length).toBe(payoff.length)
    expect(r.greedy).toEqual(r.agentQ.map(argmax))
    let index = 0
    r.greedy.forEach((a, i) => (index = index * counts[i]! + a))
    expect(r.optimal).toBe(payoff[index] === best)
    expect(r.maxAbsError).toBe(Math.max(...qTot.map((v, j) => Math.abs(v - payoff[j]!))))
  }
}

describe("matrix stage, 2 seeds × 150 steps", () => {
  let dir = ""
  beforeAll(async () => {
    process.env["FSV_JOBS"] = "1"
    const store = mkdtempSync(join(tmpdir(), "fsv-matrix-"))
    const config = await Effect.runPromise(decodeConfig(matrixStage, Schema.encodeSync(MatrixConfig)(matrixConfig({ seeds: 2, steps: 150 }))))
    const ref = await Effect.runPromise(
      runStage(matrixStage, config).pipe(Effect.provide(Layer.mergeAll(ArtifactStore.layer(store), Backend.layer("wasm"), Progress.silent)))
    )
    dir = ref.dir
  }, 300_000)

  it("writes result.json, report.md and qtot.svg, and the manifest verifies", async () => {
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "meta.json", "qtot.svg", "report.md", "result.json", "stage.json"])
    expect((await Effect.runPromise(verify(dir))).ok).toBe(true)
  })

  it("result.json: every learner variant on every seed, with greedy, optimal and maxAbsError consistent with the values", () => {
    const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as MatrixResult
    expect(result.experiment).toBe("matrix")
    expect(result.payoff).toEqual([[8, -12, -12], [-12, 0, 0], [-12, 0, 0]])
    expect(result.runs.map((r) => `${r.algo}/${r.alpha0}/${r.seed}`)).toEqual(
      ["vdn/null", "qmix/null", "qtran-alt/null", "qtran-base/null", "fsv/1", "fsv/0.1", "fsv/0.01"].flatMap((v) => [`${v}/0`, `${v}/1`])
    )
    checkRuns(result, [3, 3])
  })

  it("report.md has the paper's table layout per learner, success counts and the acceptance table", () => {
    const md = readFileSync(join(dir, "report.md"), "utf8")
    for (const name of ["VDN", "QMIX", "QTRAN-alt", "QTRAN-base", "FSV α0=1", "FSV α0=0.1", "FSV α0=0.01"]) {
      expect(md).toContain(`### ${name}\n\n| Q₁ ╲ Q₂ | A: `)
    }
    expect(md).toMatch(/\| FSV α0=0\.01 \| \d\/2 \| \d\/2 \|/)
    expect(md).toContain("## The paper's result")
    expect(md).toMatch(/QTRAN-alt: maxAbsError ≤ 0\.5 in ≥ 2 of 2 seeds \| (yes|\*\*no\*\*) \|/)
  })

  it("qtot.svg shows the payoff and every variant's Q_tot", () => {
    const svg = readFileSync(join(dir, "qtot.svg"), "utf8")
    expect(svg.startsWith("<svg")).toBe(true)
    for (const title of ["payoff", "VDN (seed 0)", "FSV α0=0.01 (seed 0)"]) expect(svg).toContain(`>${title}</text>`)
  })
})

describe("fsv reproduce matrix --payoff", () => {
  it("a user's three-agent game runs end to end", () => {
    const store = mkdtempSync(join(tmpdir(), "fsv-matrix-user-"))
    const file = join(store, "game.json")
    const payoff = [[[4, 0], [0, 1]], [[0, 1], [1, 2]]]
    writeFileSync(file, JSON.stringify({ actionCounts: [2, 2, 2], payoff }))
    const r = spawnSync(process.execPath, [cli, "reproduce", "matrix", "--payoff", file, "--seeds", "2", "--steps", "60", "--store", join(store, "s")], {
      encoding: "utf8",
      env: { ...process.env, FSV_JOBS: "2" }
    })
    expect(r.stderr).not.toMatch(/error/)
    expect(r.status).toBe(0)
    const dir = r.stdout.trim().split("\n").at(-1)!
    const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as MatrixResult
    expect(result.payoff).toEqual(payoff)
    checkRuns(result, [2, 2, 2])
    const md = readFileSync(join(dir, "report.md"), "utf8")
    expect(md).toContain("| (B,B,B) | 2.0 |")
    expect(md).not.toContain("## The paper's result")
  }, 300_000)

  it("a malformed payoff fails with the JSON path named and writes nothing", () => {
    const store = mkdtempSync(join(tmpdir(), "fsv-matrix-bad-"))
    const file = join(store, "bad.json")
    writeFileSync(file, JSON.stringify({ actionCounts: [3, 3], payoff: [[8, -12, -12], [-12, 0], [-12, 0, 0]] }))
    const out = join(store, "s")
    const r = spawnSync(process.execPath, [cli, "reproduce", "matrix", "--payoff", file, "--store", out], { encoding: "utf8" })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`Invalid payoff in ${file} at $.payoff[1]`)
    expect(r.stdout).toBe("")
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([])
  }, 60_000)

  it("--seeds 0 fails with the field named and writes nothing", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fsv-matrix-seeds-")), "s")
    const r = spawnSync(process.execPath, [cli, "reproduce", "matrix", "--seeds", "0", "--store", out], { encoding: "utf8" })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/Invalid --seeds\/--steps\/--payoff:[\s\S]*needs at least one seed[\s\S]*\["seeds"\]/)
    expect(existsSync(out)).toBe(false)
  }, 60_000)

  it("a missing payoff file fails with a typed error", () => {
    const r = spawnSync(process.execPath, [cli, "reproduce", "matrix", "--payoff", "/nonexistent/g.json", "--store", mkdtempSync(join(tmpdir(), "fsv-"))], { encoding: "utf8" })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("Cannot read the payoff file /nonexistent/g.json")
  }, 60_000)
})
