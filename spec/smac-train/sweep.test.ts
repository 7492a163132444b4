/**
 * The smac stage in a sweep: its runs execute in the sweep's worker threads, which give them
 * checkpoints in the store (and always resume: a run whose runner died continues from its last
 * checkpoint) and live curves for `fsv dashboard`. Before this test a SMAC sweep failed every
 * run with "Service not found: …/Checkpoints".
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { defaultSmacConfig } from "../../pipelines/smac/stage.ts"
import { readLiveRuns } from "../../src/store/Live.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const dir = mkdtempSync(join(tmpdir(), "fsv-smac-sweep-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const base = defaultSmacConfig(300)
const config = {
  ...base,
  algos: ["qmix"],
  run: { ...base.run, envs: 2, testInterval: 150, testEpisodes: 2 },
  learners: { ...base.learners, qmix: { ...base.learners.qmix, agentHidden: 8, batchSize: 2, bufferSize: 4, mixingEmbed: 4, hypernetEmbed: 4 } }
}
const sweep = (name: string, seeds: ReadonlyArray<number>, store: string) => {
  const spec = join(dir, `${name}.json`)
  writeFileSync(spec, JSON.stringify({ name, stage: "smac", base: config, grid: { seeds: seeds.map((s) => [s]) } }))
  return spawnSync(join(ROOT, "node_modules", "node", "bin", "node"), [join(ROOT, "src", "cli", "main.ts"), "sweep", spec, "--store", store, "--jobs", "2"], {
    cwd: ROOT,
    encoding: "utf8"
  })
}
const checkpointsOf = (store: string) =>
  readdirSync(join(store, ".checkpoints")).flatMap((key) => readdirSync(join(store, ".checkpoints", key)).map((f) => ({ key, file: f })))

describe("a sweep over the smac stage", () => {
  it("runs every seed, publishes each artifact and the summary, and leaves each run's live curve and checkpoint", async () => {
    const store = join(dir, "store")
    const r = sweep("tiny-smac", [0, 1], store)
    expect(r.status, r.stderr).toBe(0)
    expect(checkpointsOf(store).map((c) => c.file).sort()).toEqual(["qmix-3m-seed0.json", "qmix-3m-seed1.json"])
    expect(r.stdout + r.stderr).toMatch(/2 runs, 2 computed/)
    expect(readdirSync(join(store, "smac"))).toHaveLength(2)
    const live = await Effect.runPromise(readLiveRuns(store))
    expect(live.map((l) => [l.header.name, l.ended]).sort()).toEqual([["qmix-3m-seed0", true], ["qmix-3m-seed1", true]])
  }, 180_000)

  it("resumes a run from the store's checkpoint of it (a runner that died)", () => {
    // The finished run's last checkpoint, with its last test's return set to a value no run
    // gives: the artifact has that value only if the sweep's worker resumed from the checkpoint.
    const from = join(dir, "store")
    const { key } = checkpointsOf(from).find((c) => c.file === "qmix-3m-seed0.json")!
    const store = join(dir, "resumed")
    mkdirSync(join(store, ".checkpoints", key), { recursive: true })
    const checkpoint = JSON.parse(readFileSync(join(from, ".checkpoints", key, "qmix-3m-seed0.json"), "utf8"))
    checkpoint.curve.at(-1).return = 12345
    writeFileSync(join(store, ".checkpoints", key, "qmix-3m-seed0.json"), JSON.stringify(checkpoint))
    const r = sweep("tiny-smac-resumed", [0], store)
    expect(r.status, r.stderr).toBe(0)
    const [digest] = readdirSync(join(store, "smac"))
    const result = JSON.parse(readFileSync(join(store, "smac", digest!, "result.json"), "utf8"))
    expect(result.runs[0].curve.at(-1).return).toBe(12345)
  }, 180_000)
})
