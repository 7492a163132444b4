/**
 * `fsv evaluate`: a trained run's greedy policy played again from the run's own test starts
 * gives the run's last test point exactly, from the artifact's parameters, from the run's last
 * checkpoint, and from an artifact plus `--checkpoint`; replay pages are written; parameters
 * that do not fit the map or the learner are refused with what differs. The intervals are
 * checked against published values.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Result } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { evaluateGreedy, meanInterval, wilsonInterval } from "../../pipelines/smac/evaluate.ts"
import { SmacConfig } from "../../pipelines/smac/stage.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const dir = mkdtempSync(join(tmpdir(), "fsv-evaluate-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const store = join(dir, "store")

const fsv = (...args: Array<string>) =>
  spawnSync(join(ROOT, "node_modules", "node", "bin", "node"), [join(ROOT, "src", "cli", "main.ts"), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, FSV_THREADS: "1" }
  })

/** A tiny run: tests of 6 episodes (three batches of 2 environments) every 200 steps. */
const TINY = {
  run: { envs: 2, testInterval: 200, testEpisodes: 6 },
  learners: {
    vdn: { agentHidden: 8, batchSize: 2, bufferSize: 4 },
    qmix: { agentHidden: 8, batchSize: 2, bufferSize: 4, mixingEmbed: 4, hypernetEmbed: 4 }
  }
}

interface Curve { readonly t: number; readonly winRate: number; readonly return: number }
let artifact = ""
let curves: Record<string, Array<Curve>> = {}
let config: typeof SmacConfig.Type

const checkpointOf = (run: string): string => {
  const root = join(store, ".checkpoints")
  const key = readdirSync(root).find((k) => existsSync(join(root, k, `${run}.json`)))
  if (key === undefined) throw new Error(`no checkpoint of ${run} under ${root}`)
  return join(root, key, `${run}.json`)
}
const readResult = (out: string) => JSON.parse(readFileSync(join(out, "result.json"), "utf8"))

beforeAll(() => {
  writeFileSync(join(dir, "tiny.json"), JSON.stringify(TINY))
  const r = fsv("reproduce", "smac", "--maps", "3m", "--algos", "vdn,qmix", "--budget", "600", "--config", join(dir, "tiny.json"), "--store", store, "--checkpoint-every", "100")
  expect(r.status, r.stderr).toBe(0)
  artifact = r.stdout.trim().split("\n").at(-1)!
  const result = JSON.parse(readFileSync(join(artifact, "result.json"), "utf8"))
  curves = Object.fromEntries(result.runs.map((x: { algo: string; curve: Array<Curve> }) => [`${x.algo}-3m-seed0`, x.curve]))
  config = JSON.parse(readFileSync(join(artifact, "stage.json"), "utf8")).config
}, 180_000)

describe("fsv evaluate", () => {
  it("reproduces each run's last test point exactly from the artifact's parameters, and writes replay pages", () => {
    for (const run of ["vdn-3m-seed0", "qmix-3m-seed0"]) {
      const out = join(dir, `from-artifact-${run}`)
      const r = fsv("evaluate", artifact, "--run", run, "--out", out)
      expect(r.status, r.stderr).toBe(0)
      const last = curves[run]!.at(-1)!
      const got = readResult(out)
      expect(got.episodes).toBe(6)
      expect(got.firstEpisode).toBe((curves[run]!.length - 1) * 6)
      expect(got.winRate).toBe(last.winRate)
      expect(got.meanReturn).toBe(last.return)
      expect(got.runTest).toEqual(last)
      expect(r.stdout).toContain("bit for bit")
      expect(got.winRateCi95.lo).toBeLessThanOrEqual(got.winRate)
      expect(got.winRateCi95.hi).toBeGreaterThanOrEqual(got.winRate)
      const pages = readdirSync(join(out, "replays")).sort()
      expect(pages).toEqual([0, 1, 2].map((i) => `episode-${got.firstEpisode + i}.html`).sort())
      expect(readFileSync(join(out, "replays", pages[0]!), "utf8")).toContain("<canvas")
    }
  }, 60_000)

  it("gives the same from the run's last checkpoint (config from its live file) and from the artifact with --checkpoint", () => {
    const run = "qmix-3m-seed0"
    const a = fsv("evaluate", checkpointOf(run), "--out", join(dir, "from-checkpoint"), "--replays", "0")
    expect(a.status, a.stderr).toBe(0)
    const b = fsv("evaluate", artifact, "--run", run, "--checkpoint", checkpointOf(run), "--out", join(dir, "artifact-checkpoint"), "--replays", "0")
    expect(b.status, b.stderr).toBe(0)
    const last = curves[run]!.at(-1)!
    for (const out of ["from-checkpoint", "artifact-checkpoint"]) {
      const got = readResult(join(dir, out))
      expect(got.trainedSteps).toBe(last.t)
      expect([got.winRate, got.meanReturn]).toEqual([last.winRate, last.return])
    }
  }, 60_000)

  it("plays other starts and any number of episodes; the results do not depend on how many run side by side", () => {
    const params = new Float32Array(readFileSync(join(artifact, "params", "qmix-3m-seed0.f32")).buffer.slice(0))
    const play = (envs: number) =>
      Result.getOrThrow(evaluateGreedy({
        algo: "qmix", learners: config.learners, trainedOn: BUILTIN_MAPS["3m"], map: BUILTIN_MAPS["3m"], source: "test",
        seed: 0, rootSeed: config.rootSeed, params, first: 100, episodes: 7, replays: 0, envs
      }))
    const one = play(1)
    const four = play(4)
    expect(one.episodes.map((e) => e.k)).toEqual([100, 101, 102, 103, 104, 105, 106])
    expect(four.episodes).toEqual(one.episodes)
    expect(four.meanReturn).toBe(one.meanReturn)
  })

  it("refuses a map the parameters do not fit, naming the sizes that differ, and writes nothing", () => {
    const out = join(dir, "on-8m")
    const r = fsv("evaluate", artifact, "--run", "qmix-3m-seed0", "--map", "8m", "--out", out)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain("trained on 3m; 8m needs other network sizes")
    expect(r.stderr).toContain("agents 3 on 3m, 8 on 8m")
    expect(existsSync(out)).toBe(false)
  }, 30_000)

  it("plays a map file that fits", () => {
    const file = join(dir, "three-marines.json")
    writeFileSync(file, JSON.stringify({ ...BUILTIN_MAPS["3m"], name: "three-marines" }))
    const r = fsv("evaluate", artifact, "--run", "vdn-3m-seed0", "--map", file, "--episodes", "4", "--replays", "1", "--out", join(dir, "on-file"))
    expect(r.status, r.stderr).toBe(0)
    expect(readResult(join(dir, "on-file"))).toMatchObject({ map: "three-marines", trainedOn: "3m", episodes: 4 })
    expect(r.stdout).not.toContain("bit for bit")
  }, 30_000)

  it("refuses another learner's parameters, an artifact's run it lacks, and a file that is no checkpoint", () => {
    const wrong = fsv("evaluate", artifact, "--run", "qmix-3m-seed0", "--checkpoint", checkpointOf("vdn-3m-seed0"), "--out", join(dir, "wrong"))
    expect(wrong.status).not.toBe(0)
    expect(wrong.stderr).toMatch(/holds \d+ parameters; this learner's config needs \d+/)
    const several = fsv("evaluate", artifact, "--out", join(dir, "several"))
    expect(several.stderr).toContain("pick one with --run (vdn-3m-seed0, qmix-3m-seed0)")
    const missing = fsv("evaluate", artifact, "--run", "fsv-3m-seed0")
    expect(missing.stderr).toContain("has no run fsv-3m-seed0")
    const notCheckpoint = join(dir, "tiny.json")
    const junk = fsv("evaluate", notCheckpoint)
    expect(junk.status).not.toBe(0)
    expect(junk.stderr).toContain("not a smac checkpoint")
  }, 60_000)
})

describe("evaluation intervals", () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat. Med. 17,
  // Table I, method 3 (Wilson score, no continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718]
  ])("Wilson's interval for %i of %i is %f–%f", (k, n, lo, hi) => {
    const ci = wilsonInterval(k, n)
    expect(ci.lo).toBeCloseTo(lo, 4)
    expect(ci.hi).toBeCloseTo(hi, 4)
  })

  it("the mean's normal interval: 1, 2, 3, 4 give 2.5 ± 1.96 · 1.2910 / 2", () => {
    const ci = meanInterval([1, 2, 3, 4])
    expect(ci.lo).toBeCloseTo(2.5 - 1.2652, 4)
    expect(ci.hi).toBeCloseTo(2.5 + 1.2652, 4)
  })
})
