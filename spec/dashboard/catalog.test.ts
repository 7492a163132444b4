/**
 * The dashboard's reading of a store, without a browser: key fields of each experiment's
 * config, config diffs, live files cut off mid-write, request paths that try to leave the
 * store, and the errors for a missing or foreign store directory. Expected values are written
 * out by hand from the inputs.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { checkStore, diffJson, keyFields, listSweeps } from "../../src/dashboard/Catalog.ts"
import { isTraversal } from "../../src/dashboard/Server.ts"
import { parseLiveRun } from "../../src/store/Live.ts"

const dirs: Array<string> = []
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "fsv-catalog-"))
  dirs.push(d)
  return d
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true })
})

describe("keyFields", () => {
  it("reads a SMAC config: algos, maps, seeds, run.steps", () => {
    expect(keyFields({ algos: ["qmix", "fsv"], maps: ["2s3z"], seeds: [0, 1], run: { steps: 2_000_000 } }))
      .toEqual({ learners: ["qmix", "fsv"], maps: ["2s3z"], seeds: [0, 1], budget: 2_000_000 })
  })
  it("reads a matrix config: its runs with FSV's α0, and steps", () => {
    expect(keyFields({ runs: [{ algo: "vdn", alpha0: null }, { algo: "fsv", alpha0: 0.1 }], seeds: [3], steps: 20_000 }))
      .toEqual({ learners: ["vdn", "fsv α0=0.1"], maps: [], seeds: [3], budget: 20_000 })
  })
  it("leaves blank what a config does not have", () => {
    expect(keyFields({ sweep: "x" })).toEqual({ learners: [], maps: [], seeds: [], budget: null })
    expect(keyFields(null)).toEqual({ learners: [], maps: [], seeds: [], budget: null })
  })
})

describe("diffJson", () => {
  it("lists only the paths whose values differ, with each side's value", () => {
    const a = { config: { lr: 0.0005, seeds: [0, 1], learners: { qmix: { lr: 1 } } }, code: { source: "x" } }
    const b = { config: { lr: 0.001, seeds: [0, 1], learners: { qmix: { lr: 1, tdLambda: 0.6 } } }, code: { source: "x" } }
    expect(diffJson(a, b)).toEqual([
      { path: "config.learners.qmix.tdLambda", a: undefined, b: 0.6 },
      { path: "config.lr", a: 0.0005, b: 0.001 }
    ])
  })
  it("treats an array of numbers as one value and walks arrays of objects", () => {
    expect(diffJson({ seeds: [0, 1] }, { seeds: [0, 2] })).toEqual([{ path: "seeds", a: [0, 1], b: [0, 2] }])
    expect(diffJson({ runs: [{ algo: "vdn" }, { algo: "fsv" }] }, { runs: [{ algo: "vdn" }, { algo: "qmix" }] }))
      .toEqual([{ path: "runs[1].algo", a: "fsv", b: "qmix" }])
  })
  it("finds nothing between equal records, whatever their key order", () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([])
  })
})

describe("parseLiveRun", () => {
  const header = { kind: "run", stage: "smac", name: "qmix-3m-seed0", algo: "qmix", map: "3m", seed: 0, budget: 1000, config: {} }
  it("reads the header and every point, and skips a last line cut off mid-write", () => {
    const text = [header, { kind: "test", t: 0, winRate: 0, return: 1.5 }, { kind: "test", t: 500, winRate: 0.25, return: 9 }]
      .map((x) => JSON.stringify(x)).join("\n") + '\n{"kind":"test","t":10'
    const run = parseLiveRun("k", text, 42)!
    expect(run.header.name).toBe("qmix-3m-seed0")
    expect(run.points.map((p) => p.t)).toEqual([0, 500])
    expect(run.ended).toBe(false)
    expect(run.updatedAt).toBe(42)
  })
  it("knows a run that ended, and is no run without a header", () => {
    expect(parseLiveRun("k", JSON.stringify(header) + '\n{"kind":"end"}\n', 0)!.ended).toBe(true)
    expect(parseLiveRun("k", '{"kind":"test","t":0,"winRate":0,"return":0}\n', 0)).toBeUndefined()
    expect(parseLiveRun("k", "", 0)).toBeUndefined()
  })
})

describe("isTraversal", () => {
  it.each([
    "/files/smac/abc/../../../etc/passwd",
    "/files/smac/abc/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/files/smac/abc/..\\..\\x",
    "/files/smac/abc/%2Fetc%2Fpasswd",
    "//etc/passwd",
    "etc/passwd",
    "/files/%E0%A4%A"
  ])("refuses %s", (url) => expect(isTraversal(url)).toBe(true))
  it.each(["/", "/api/store", "/files/smac/abc/replays/qmix-3m-seed0.html", "/api/figures?ids=smac/abc,live/k/n", "/files/x/y/win-rate..svg"])(
    "lets %s through",
    (url) => expect(isTraversal(url)).toBe(false)
  )
})

describe("checkStore", () => {
  const digest = "a".repeat(64)
  it("accepts an empty directory, and a store with a README beside its stages", async () => {
    const root = await tempDir()
    expect(Exit.isSuccess(await Effect.runPromiseExit(checkStore(root)))).toBe(true)
    await writeFile(join(root, "README.md"), "artifacts\n")
    await mkdir(join(root, "smac", digest), { recursive: true })
    await mkdir(join(root, ".live", "k"), { recursive: true })
    expect(Exit.isSuccess(await Effect.runPromiseExit(checkStore(root)))).toBe(true)
  })
  it("says when the directory does not exist", async () => {
    const root = join(await tempDir(), "nowhere")
    const exit = await Effect.runPromiseExit(checkStore(root))
    expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/No artifact store at .*nowhere: it does not exist/)
  })
  it("names the entry that makes a directory foreign (a source tree, say)", async () => {
    const root = await tempDir()
    await mkdir(join(root, "src", "cli"), { recursive: true })
    const exit = await Effect.runPromiseExit(checkStore(root))
    expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/is not an artifact store: src\/ holds "cli", which is not an artifact digest/)
  })
})

describe("listSweeps", () => {
  it("lists a journal's runs with their status, the store deciding done", async () => {
    const root = await tempDir()
    const [k1, k2, k3] = ["1", "2", "3"].map((c) => c.repeat(64))
    await mkdir(join(root, "smac", k1!), { recursive: true })
    await mkdir(join(root, ".sweeps"), { recursive: true })
    const state = (s: string) => ({ state: s, worker: "local", attempts: 1, detail: "", updatedAt: 0 })
    await writeFile(join(root, ".sweeps", "id.json"), JSON.stringify({
      pid: 2 ** 22 + 12_345, // no such process: a "running" run of a dead sweep is interrupted
      runs: { [k1!]: state("done"), [k2!]: state("running") },
      plan: {
        name: "fig4",
        stage: "smac",
        runs: [
          { index: 0, key: k1, stage: "smac", params: { seeds: [0] } },
          { index: 1, key: k2, stage: "smac", params: { seeds: [1] } },
          { index: "summary", key: k3, stage: "sweep-summary", params: {} }
        ]
      }
    }))
    const [sweep] = await Effect.runPromise(listSweeps(root))
    expect(sweep!.name).toBe("fig4")
    expect(sweep!.alive).toBe(false)
    expect(sweep!.runs.map((r) => [r.index, r.status])).toEqual([[0, "done"], [1, "interrupted"], ["summary", "pending"]])
    expect(sweep!.counts).toEqual({ total: 2, done: 1, running: 0, failed: 0, pending: 1 })
  })
})
