import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { publish, verify } from "../../src/store/ArtifactStore.ts"
import { canonicalJson, digestOf, sha256 } from "../../src/store/Canonical.ts"
import { rerun } from "../../src/store/Rerun.ts"
import { runStage } from "../../src/store/Stage.ts"
import { type TinyConfig, tinyLayers, tinyStage } from "../fixtures/tinyStage.ts"

const node = process.execPath
const fixture = join(import.meta.dirname, "../fixtures/tinyStage.ts")
const cli = join(import.meta.dirname, "../../src/cli/main.ts")
const base: TinyConfig = { seed: 7, steps: 20, padFiles: 0, padBytes: 0, fail: false }
const tmp = () => mkdtempSync(join(tmpdir(), "fsv-store-"))

const runInChild = (root: string, config: TinyConfig): string => {
  const r = spawnSync(node, [fixture, root, JSON.stringify(config)], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`)
  return r.stdout.trim().split("\n").at(-1)!
}

const artifactDirs = (root: string, stage: string): Array<string> =>
  existsSync(join(root, stage)) ? readdirSync(join(root, stage)) : []

describe("canonical JSON", () => {
  it("sorts keys at every depth and refuses what JSON cannot hold", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}'
    )
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite number at \$\.a/)
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot encode function/)
    // sha256("abc") from FIPS 180-2, appendix B.1
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    expect(digestOf({ b: 1, a: 2 })).toBe(sha256('{"a":2,"b":1}'))
  })
})

describe("content-addressed store", () => {
  it("two separate processes computing the same stage produce the same digest and identical bytes", () => {
    const [r1, r2] = [tmp(), tmp()]
    const d1 = runInChild(r1, base)
    const d2 = runInChild(r2, base)
    expect(d1.split("/").at(-1)).toBe(d2.split("/").at(-1))
    for (const f of ["weights.json", "stage.json"]) {
      expect(readFileSync(join(d1, f))).toEqual(readFileSync(join(d2, f)))
    }
    // The manifests differ only in meta.json (wall-clock time); their content digests agree.
    const m = (d: string) => JSON.parse(readFileSync(join(d, "manifest.json"), "utf8")) as { content: string }
    expect(m(d1).content).toBe(m(d2).content)
    // meta.json names the checkout's commit (git's own answer is the reference; null outside git).
    const git = spawnSync("git", ["rev-parse", "HEAD"], { cwd: join(import.meta.dirname, "../.."), encoding: "utf8" })
    const commit = JSON.parse(readFileSync(join(d1, "meta.json"), "utf8")).commit
    expect(commit).toBe(git.status === 0 ? git.stdout.trim() : null)
    // and the fit is real: w ≈ 3, b ≈ −1 is not reached in 20 steps, but the weights moved off init
    const w = JSON.parse(readFileSync(join(d1, "weights.json"), "utf8")) as { w: number[]; b: number[] }
    expect(w.b[0]).not.toBe(0)
    // a different seed is a different key
    const d3 = runInChild(r1, { ...base, seed: 8 })
    expect(d3).not.toBe(d1)
  })

  it("a cache hit does not recompute", async () => {
    const root = tmp()
    let runs = 0
    const counted = { ...tinyStage, run: (c: TinyConfig, ctx: Parameters<typeof tinyStage.run>[1]) => {
      runs++
      return tinyStage.run(c, ctx)
    } }
    const first = await Effect.runPromise(runStage(counted, base).pipe(Effect.provide(tinyLayers(root))))
    expect([first.cached, runs]).toEqual([false, 1])
    const second = await Effect.runPromise(runStage(counted, base).pipe(Effect.provide(tinyLayers(root))))
    expect(second).toEqual({ ...first, cached: true })
    expect(runs).toBe(1)
    // a failing run publishes nothing
    const failed = await Effect.runPromiseExit(
      runStage(counted, { ...base, seed: 9, fail: true }).pipe(Effect.provide(tinyLayers(root)))
    )
    expect(Exit.isFailure(failed)).toBe(true)
    expect(runs).toBe(2)
    expect(artifactDirs(root, "tiny-fit")).toEqual([first.digest])
  })

  it("bad input to a command: one paragraph on stderr, non-zero exit, no stack trace", async () => {
    const root = tmp()
    const ref = await Effect.runPromise(runStage(tinyStage, base).pipe(Effect.provide(tinyLayers(root))))
    const badBackend = spawnSync(node, [cli, "rerun", ref.dir, "--backend", "cuda"], { encoding: "utf8" })
    expect(badBackend.status).not.toBe(0)
    expect(badBackend.stderr).toMatch(/^error: Unknown tensor backend "cuda" \(from --backend\)\. Choose one of wasm, cpu, node, node-gpu/)
    expect(badBackend.stderr.trim().split("\n")).toHaveLength(1)
    const unknownStage = spawnSync(node, [cli, "rerun", ref.dir], { encoding: "utf8" })
    expect(unknownStage.status).not.toBe(0)
    expect(unknownStage.stderr).toMatch(/made by stage "tiny-fit", which this fsv does not know/)
    expect(unknownStage.stderr).not.toMatch(/\n\s+at /)
    const notArtifact = spawnSync(node, [cli, "verify", root], { encoding: "utf8" })
    expect(notArtifact.status).not.toBe(0)
    expect(notArtifact.stderr).toMatch(/is not an artifact directory: cannot read manifest\.json/)
  })

  it("a tampered file makes fsv verify fail naming it", async () => {
    const root = tmp()
    const ref = await Effect.runPromise(runStage(tinyStage, base).pipe(Effect.provide(tinyLayers(root))))
    const ok = spawnSync(node, [cli, "verify", ref.dir], { encoding: "utf8" })
    expect(ok.status).toBe(0)
    expect(ok.stdout).toMatch(/ok: 3 files match/)
    writeFileSync(join(ref.dir, "weights.json"), '{"w":[3],"b":[-1]}\n')
    const bad = spawnSync(node, [cli, "verify", ref.dir], { encoding: "utf8" })
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toMatch(/weights\.json differs/)
    expect(bad.stderr).not.toMatch(/\n\s+at /) // no stack trace
    const report = await Effect.runPromise(verify(ref.dir))
    expect(report.mismatched).toEqual(["weights.json"])
  })

  it("a run killed mid-write leaves no artifact directory", async () => {
    const root = tmp()
    // 400 files of 256 KiB: publishing takes long enough to be caught in the act.
    const config = { ...base, padFiles: 400, padBytes: 256 * 1024 }
    const child = spawn(node, [fixture, root, JSON.stringify(config)], { stdio: "ignore" })
    const tmpDir = join(root, ".tmp")
    const deadline = Date.now() + 60_000
    let caught = false
    while (Date.now() < deadline) {
      const entries = existsSync(tmpDir) ? readdirSync(tmpDir) : []
      if (entries.length > 0 && existsSync(join(tmpDir, entries[0]!, "pad"))) {
        child.kill("SIGKILL")
        caught = true
        break
      }
      await new Promise((r) => setTimeout(r, 2))
    }
    await new Promise((r) => child.on("exit", r))
    expect(caught).toBe(true)
    expect(artifactDirs(root, "tiny-fit")).toEqual([])
  })

  it("a failure in the middle of publishing leaves neither artifact nor temporary directory", async () => {
    const root = tmp()
    const digest = digestOf({ any: "key" })
    // "a" is written as a file, then "a/b" needs "a" to be a directory: the write fails midway.
    const exit = await Effect.runPromiseExit(
      publish({ root, stage: "s", digest, keyRecord: {}, files: { a: "1", "a/b": "2" }, meta: {} })
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expect(artifactDirs(root, "s")).toEqual([])
    expect(readdirSync(join(root, ".tmp"))).toEqual([])
  })

  it("refuses file names that escape the artifact or shadow the store's own files", async () => {
    const root = tmp()
    const digest = digestOf({ any: "key" })
    for (const bad of ["../x", "/etc/x", "manifest.json", "a/../b"]) {
      const exit = await Effect.runPromiseExit(
        publish({ root, stage: "s", digest, keyRecord: {}, files: { [bad]: "1" }, meta: {} })
      )
      expect(Exit.isFailure(exit)).toBe(true)
    }
  })

  it("two runs racing for one key both succeed and leave one intact artifact", async () => {
    const root = tmp()
    const config = { ...base, padFiles: 50, padBytes: 64 * 1024 }
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const c = spawn(node, [fixture, root, JSON.stringify(config)], { stdio: ["ignore", "pipe", "pipe"] })
        let out = ""
        c.stdout.on("data", (d: Buffer) => (out += d.toString()))
        c.on("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`))))
      })
    const [a, b] = await Promise.all([run(), run()])
    expect(a).toBe(b)
    expect(artifactDirs(root, "tiny-fit")).toHaveLength(1)
    const report = await Effect.runPromise(verify(a))
    expect(report.ok).toBe(true)
    expect(readdirSync(join(root, ".tmp"))).toEqual([])
  })

  it("rerun re-executes the recorded stage and finds identical bytes; a changed file is reported", async () => {
    const root = tmp()
    const ref = await Effect.runPromise(runStage(tinyStage, base).pipe(Effect.provide(tinyLayers(root))))
    const same = await Effect.runPromise(rerun(ref.dir, [tinyStage]).pipe(Effect.provide(tinyLayers(root))))
    expect(same.identical).toBe(true)
    expect(same.sameDigest).toBe(true)
    expect(same.compared).toBe(1)
    writeFileSync(join(ref.dir, "weights.json"), "tampered\n")
    const diff = await Effect.runPromise(rerun(ref.dir, [tinyStage]).pipe(Effect.provide(tinyLayers(root))))
    expect(diff.identical).toBe(false)
    expect(diff.differing).toEqual(["weights.json"])
  })
})
