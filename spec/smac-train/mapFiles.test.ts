/**
 * Maps from files in training: `fsv reproduce smac --maps my-map.json` puts the whole map in the
 * config (so it is part of the artifact's key), its runs go by the map's own name, `fsv evaluate`
 * finds it in the artifact's config, and a sweep spec can carry a map inline. Bad files fail
 * with the JSON path of the problem and write nothing.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Exit } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { smacStage } from "../../pipelines/smac/stage.ts"
import { fsvRegistry } from "../../pipelines/stages.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { decodeConfig } from "../../src/store/Stage.ts"
import { planSweep } from "../../src/sweep/Plan.ts"
import { defaultSmacConfig } from "../../pipelines/smac/stage.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const dir = mkdtempSync(join(tmpdir(), "fsv-map-files-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const fsv = (...args: Array<string>) =>
  spawnSync(join(ROOT, "node_modules", "node", "bin", "node"), [join(ROOT, "src", "cli", "main.ts"), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, FSV_THREADS: "1" }
  })
const write = (name: string, value: unknown): string => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value))
  return path
}

/** Three marines against two: a map of our own, built from 3m's geometry. */
const threeVsTwo = { ...BUILTIN_MAPS["3m"], name: "3m_vs_2m", enemies: { ...BUILTIN_MAPS["3m"].enemies, units: [{ type: "marine", count: 2 }] } }
const tiny = write("tiny.json", {
  run: { envs: 2, testInterval: 150, testEpisodes: 2 },
  learners: { vdn: { agentHidden: 8, batchSize: 2, bufferSize: 4 } }
})
const common = ["reproduce", "smac", "--algos", "vdn", "--budget", "300", "--config", tiny]

describe("maps from files in fsv reproduce smac", () => {
  it("trains on a map file: the map is in the config, the runs go by its name, and fsv evaluate plays it", () => {
    const store = join(dir, "store")
    const r = fsv(...common, "--maps", `3m,${write("3m_vs_2m.json", threeVsTwo)}`, "--store", store)
    expect(r.status, r.stderr).toBe(0)
    const artifact = r.stdout.trim().split("\n").at(-1)!
    const stage = JSON.parse(readFileSync(join(artifact, "stage.json"), "utf8"))
    expect(stage.config.maps).toEqual(["3m", threeVsTwo])
    const result = JSON.parse(readFileSync(join(artifact, "result.json"), "utf8"))
    expect(result.runs.map((x: { map: string }) => x.map)).toEqual(["3m", "3m_vs_2m"])
    expect(existsSync(join(artifact, "win-rate-3m_vs_2m.svg"))).toBe(true)
    expect(existsSync(join(artifact, "params", "vdn-3m_vs_2m-seed0.f32"))).toBe(true)
    const ev = fsv("evaluate", artifact, "--run", "vdn-3m_vs_2m-seed0", "--out", join(dir, "ev"), "--replays", "0")
    expect(ev.status, ev.stderr).toBe(0)
    expect(ev.stdout).toContain("bit for bit")
    // 3m_vs_2m has other network sizes than 3m (fewer enemies to observe and attack).
    const misfit = fsv("evaluate", artifact, "--run", "vdn-3m_vs_2m-seed0", "--map", "3m", "--out", join(dir, "ev2"))
    expect(misfit.stderr).toContain("trained on 3m_vs_2m; 3m needs other network sizes")
  }, 120_000)

  it("refuses a file that takes a built-in map's name for another map, and writes nothing", () => {
    const store = join(dir, "untouched-1")
    const r = fsv(...common, "--maps", write("fake-3m.json", { ...threeVsTwo, name: "3m" }), "--store", store)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain(`named "3m", a built-in map's name, but not that map`)
    expect(existsSync(store)).toBe(false)
  }, 60_000)

  it("refuses a bad map file with the path of the problem, and writes nothing", () => {
    const store = join(dir, "untouched-2")
    const bad = { ...threeVsTwo, allies: { ...threeVsTwo.allies, units: [{ type: "ultralisk", count: 3 }] } }
    const r = fsv(...common, "--maps", write("bad.json", bad), "--store", store)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain(`["allies"]["units"][0]["type"]`)
    expect(existsSync(store)).toBe(false)
  }, 60_000)

  it("refuses two maps of one name in a config", async () => {
    const base = defaultSmacConfig(300)
    const exit = await Effect.runPromiseExit(decodeConfig(smacStage, { ...base, maps: [threeVsTwo, { ...threeVsTwo, episodeLimit: 99 }] }))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(String(exit)).toContain(`a second map named "3m_vs_2m"`)
    // A whole copy of a built-in map under its own name is that map, and allowed.
    const same = await Effect.runPromiseExit(decodeConfig(smacStage, { ...base, maps: [BUILTIN_MAPS["3m"]] }))
    expect(Exit.isSuccess(same)).toBe(true)
  })

  it("a sweep spec can carry maps inline", async () => {
    const spec = { name: "own-maps", stage: "smac", base: { ...defaultSmacConfig(300), algos: ["vdn"] }, grid: { maps: [["3m"], [threeVsTwo]] } }
    const plan = await Effect.runPromise(planSweep(spec as never, fsvRegistry, { file: "inline", backend: "wasm" }))
    expect(plan.runs.map((r) => JSON.parse(r.item.config).maps)).toEqual([["3m"], [threeVsTwo]])
  })
})
