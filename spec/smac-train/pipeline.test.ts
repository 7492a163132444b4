/**
 * The smac stage end to end on a tiny budget: the artifact's files and result.json's shape,
 * and `--budget` parsing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { defaultSmacConfig, PAPER_BUDGET, SmacCheckpointing, smacStage } from "../../pipelines/smac/stage.ts"
import { Backend } from "../../src/backend/Backend.ts"
import { parseBudget, resolveBudget } from "../../src/cli/reproduceSmac.ts"
import { Progress } from "../../src/progress/Progress.ts"
import { Checkpoints } from "../../pipelines/smac/checkpoint.ts"
import { ArtifactStore } from "../../src/store/ArtifactStore.ts"
import { runStage } from "../../src/store/Stage.ts"
import { LiveRuns, readLiveRuns } from "../../src/store/Live.ts"

describe("smac stage", () => {
  it("writes result.json, metrics.jsonl, report.md and a figure per map", async () => {
    const root = mkdtempSync(join(tmpdir(), "fsv-smac-"))
    try {
      const base = defaultSmacConfig(300)
      const small = { agentHidden: 8, batchSize: 2, bufferSize: 4 }
      const config = {
        ...base,
        algos: ["vdn", "qmix"] as const,
        run: { ...base.run, envs: 2, testInterval: 150, testEpisodes: 2 },
        learners: { ...base.learners, vdn: { ...base.learners.vdn, ...small }, qmix: { ...base.learners.qmix, ...small, mixingEmbed: 4, hypernetEmbed: 4 } }
      }
      const ref = await Effect.runPromise(runStage(smacStage, config).pipe(
        Effect.provide(Layer.mergeAll(ArtifactStore.layer(root), Backend.layer("wasm"), Progress.silent, Checkpoints.none, LiveRuns.files(root)))
      ))
      const result = JSON.parse(readFileSync(join(ref.dir, "result.json"), "utf8"))
      // Each run wrote its curve as it went (for `fsv dashboard`): the same points, then its end.
      const live = await Effect.runPromise(readLiveRuns(root))
      expect(live.map((l) => l.header.name).sort()).toEqual(["qmix-3m-seed0", "vdn-3m-seed0"])
      for (const l of live) {
        const run = result.runs.find((r: { algo: string }) => r.algo === l.header.algo)
        expect(l.points.map(({ t, winRate, return: ret }) => ({ t, winRate, return: ret }))).toEqual(run.curve)
        expect(l.ended).toBe(true)
        expect(l.header).toMatchObject({ stage: "smac", map: "3m", seed: 0, budget: 300 })
      }
      // And a replay page of each run's final greedy policy.
      for (const algo of ["vdn", "qmix"]) {
        const page = readFileSync(join(ref.dir, "replays", `${algo}-3m-seed0.html`), "utf8")
        expect(page).toContain("<canvas")
        expect(page).toContain(`greedy ${algo} after`)
      }
      expect(result.experiment).toBe("smac")
      expect(result.runs.map((r: { algo: string }) => r.algo)).toEqual(["vdn", "qmix"])
      for (const r of result.runs) {
        expect(r.map).toBe("3m")
        expect(r.seed).toBe(0)
        expect(r.curve[0].t).toBe(0)
        expect(r.curve.at(-1).t).toBeGreaterThanOrEqual(300)
        for (const p of r.curve) {
          expect(Number.isInteger(p.t)).toBe(true)
          expect(p.winRate).toBeGreaterThanOrEqual(0)
          expect(p.winRate).toBeLessThanOrEqual(1)
        }
      }
      const lines = readFileSync(join(ref.dir, "metrics.jsonl"), "utf8").trim().split("\n")
      expect(lines.length).toBe(result.runs.reduce((n: number, r: { curve: Array<unknown> }) => n + r.curve.length, 0))
      expect(readFileSync(join(ref.dir, "win-rate-3m.svg"), "utf8")).toContain("<svg")
      const report = readFileSync(join(ref.dir, "report.md"), "utf8")
      const qmixRow = report.split("\n").find((l) => l.startsWith("| 3m | qmix |"))!
      const qmixCurve = result.runs.find((r: { algo: string }) => r.algo === "qmix").curve as Array<{ return: number }>
      const cells = qmixRow.split("|").map((c) => c.trim())
      expect(Number(cells[6])).toBeCloseTo(qmixCurve.at(-1)!.return, 2) // final test return
      expect(Number(cells[7])).toBeCloseTo(Math.max(...qmixCurve.map((p) => p.return)), 2) // best test return
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 120_000)

  it("resumes a run from checkpoints written under a config with other learners and seeds", async () => {
    const root = mkdtempSync(join(tmpdir(), "fsv-smac-keys-"))
    try {
      const base = defaultSmacConfig(300)
      const small = { agentHidden: 8, batchSize: 2, bufferSize: 4 }
      const learners = { ...base.learners, vdn: { ...base.learners.vdn, ...small }, qmix: { ...base.learners.qmix, ...small, mixingEmbed: 4, hypernetEmbed: 4 } }
      const run = { ...base.run, envs: 2, testInterval: 150, testEpisodes: 2 }
      const logs: Array<string> = []
      const progress = Layer.succeed(Progress, {
        task: () => ({ update: () => {}, done: () => {} }),
        log: (line: string) => void logs.push(line)
      })
      const origin = { commit: "0123456789abcdef0123456789abcdef01234567", command: "fsv reproduce smac --resume (test)" }
      const go = (config: typeof base, backend: "wasm" | "cpu" = "wasm") =>
        Effect.runPromise(runStage(smacStage, config).pipe(
          Effect.provide(Layer.mergeAll(ArtifactStore.layer(root), Backend.layer(backend), progress, Checkpoints.files(root, origin),
            Layer.succeed(SmacCheckpointing, { resume: true, every: 100 })))
        ))
      const alone = await go({ ...base, algos: ["vdn"], seeds: [4], run, learners })
      expect(logs.filter((l) => l.includes("resuming"))).toEqual([])
      const together = await go({ ...base, algos: ["qmix", "vdn"], seeds: [4], run, learners })
      // vdn seed 4 was finished by the first config; only qmix trains now.
      expect(logs.filter((l) => l.includes("resuming"))).toEqual(["smac: vdn 3m seed 4: resuming from its checkpoint at t = " + JSON.parse(readFileSync(join(alone.dir, "result.json"), "utf8")).runs[0].curve.at(-1).t])
      const a = JSON.parse(readFileSync(join(alone.dir, "result.json"), "utf8")).runs[0]
      const b = JSON.parse(readFileSync(join(together.dir, "result.json"), "utf8")).runs.find((r: { algo: string }) => r.algo === "vdn")
      expect(b).toEqual(a)
      // Another learning rate for vdn: another key, so vdn starts afresh, and says which checkpoint
      // of the same run the store holds and where it was made; qmix resumes as before.
      logs.length = 0
      await go({ ...base, algos: ["qmix", "vdn"], seeds: [4], run, learners: { ...learners, vdn: { ...learners.vdn, lr: 0.001 } } })
      const stale = logs.filter((l) => l.includes("no checkpoint for this code, runtime and config"))
      expect(stale).toHaveLength(1)
      const [head, found, advice] = stale[0]!.split("\n")
      expect(head).toBe("smac: vdn 3m seed 4: no checkpoint for this code, runtime and config, so it starts from step 0. The store holds one of the same run under another key:")
      expect(found).toContain(`t = ${a.curve.at(-1).t}, `)
      expect(found).toContain("at commit 0123456789ab by `fsv reproduce smac --resume (test)`")
      expect(found).toContain(join(root, ".checkpoints"))
      expect(advice).toContain("run its command at its commit")
      // The runtime is in the key: the first config again on the cpu backend resumes nothing (it
      // once continued the wasm checkpoint) and names both wasm checkpoints of vdn.
      const qmixLogs = [...logs]
      logs.length = 0
      await go({ ...base, algos: ["vdn"], seeds: [4], run, learners }, "cpu")
      expect(logs.filter((l) => l.includes("resuming"))).toEqual([])
      expect(logs.filter((l) => l.includes("The store holds 2 of the same run under another key"))).toHaveLength(1)
      logs.splice(0, logs.length, ...qmixLogs)
      const qmix = JSON.parse(readFileSync(join(together.dir, "result.json"), "utf8")).runs.find((r: { algo: string }) => r.algo === "qmix")
      expect(logs.filter((l) => l.includes("resuming"))).toEqual(["smac: qmix 3m seed 4: resuming from its checkpoint at t = " + qmix.curve.at(-1).t])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 120_000)

  it("parses --budget", async () => {
    expect(await Effect.runPromise(parseBudget("paper"))).toBe(PAPER_BUDGET)
    expect(await Effect.runPromise(parseBudget("5000"))).toBe(5000)
    const bad = await Effect.runPromise(Effect.flip(parseBudget("-3")))
    expect(bad._tag).toBe("BadBudget")
  })

  it("defaults the budget per map: 3m's 200k alone, 2s3z's 400k once 2s3z is in the list", async () => {
    expect(await Effect.runPromise(resolveBudget(undefined, ["3m"]))).toBe(200_000)
    expect(await Effect.runPromise(resolveBudget(undefined, ["2s3z"]))).toBe(400_000)
    expect(await Effect.runPromise(resolveBudget(undefined, ["3m", "2s3z"]))).toBe(400_000)
    expect(await Effect.runPromise(resolveBudget("5000", ["2s3z"]))).toBe(5000)
    expect(await Effect.runPromise(resolveBudget(undefined, ["nowhere"]))).toBe(200_000) // the map error comes from decoding
  })
})
