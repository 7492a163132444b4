/**
 * The smac stage in a sweep: its runs execute in the sweep's worker threads, which provide no
 * checkpoints (a killed sweep run starts again) but do provide live curves for `fsv dashboard`.
 * Before this test a SMAC sweep failed every run with "Service not found: …/Checkpoints".
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { defaultSmacConfig } from "../../pipelines/smac/stage.ts"
import { readLiveRuns } from "../../src/store/Live.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const dir = mkdtempSync(join(tmpdir(), "fsv-smac-sweep-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("a sweep over the smac stage", () => {
  it("runs every seed, publishes each artifact and the summary, and leaves each run's live curve", async () => {
    const base = defaultSmacConfig(300)
    const config = {
      ...base,
      algos: ["qmix"],
      run: { ...base.run, envs: 2, testInterval: 150, testEpisodes: 2 },
      learners: { ...base.learners, qmix: { ...base.learners.qmix, agentHidden: 8, batchSize: 2, bufferSize: 4, mixingEmbed: 4, hypernetEmbed: 4 } }
    }
    const spec = join(dir, "tiny.json")
    writeFileSync(spec, JSON.stringify({ name: "tiny-smac", stage: "smac", base: config, grid: { seeds: [[0], [1]] } }))
    const store = join(dir, "store")
    const r = spawnSync(join(ROOT, "node_modules", "node", "bin", "node"), [join(ROOT, "src", "cli", "main.ts"), "sweep", spec, "--store", store, "--jobs", "2"], {
      cwd: ROOT,
      encoding: "utf8"
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout + r.stderr).toMatch(/2 runs, 2 computed/)
    expect(readdirSync(join(store, "smac"))).toHaveLength(2)
    const live = await Effect.runPromise(readLiveRuns(store))
    expect(live.map((l) => [l.header.name, l.ended]).sort()).toEqual([["qmix-3m-seed0", true], ["qmix-3m-seed1", true]])
  }, 180_000)
})
