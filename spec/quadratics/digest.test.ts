/**
 * Bit-exact reruns: a reduced-budget reproduction in two separate processes (one training
 * on worker threads, one in its main thread) gives the same bytes, those bytes match the
 * golden digests committed in golden.json (so a change in the numbers shows in review and
 * is updated on purpose), and a rerun of the artifact's recorded config (what `fsv rerun`
 * does) reproduces every file byte for byte.
 *
 * To update after an intended change: run this test, check the new numbers in the printed
 * artifact, and copy the digests from the failure message into golden.json.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { quadraticsStage } from "../../pipelines/quadratics.ts"
import { Backend } from "../../src/backend/Backend.ts"
import { Progress } from "../../src/progress/Progress.ts"
import { rerun } from "../../src/store/Rerun.ts"

const cli = join(import.meta.dirname, "../../src/cli/main.ts")
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "golden.json"), "utf8")) as {
  wasm: { args: Array<string>; files: Record<string, string> }
}

const reproduce = (jobs: string): Promise<{ status: number | null; dir: string; stderr: string }> =>
  new Promise((resolve) => {
    const store = mkdtempSync(join(tmpdir(), "fsv-quadratics-digest-"))
    const child = spawn(process.execPath, [cli, "reproduce", "quadratics", ...golden.wasm.args, "--backend", "wasm", "--store", store], {
      env: { ...process.env, FSV_JOBS: jobs }
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("close", (status) => resolve({ status, dir: stdout.trim().split("\n").at(-1) ?? "", stderr }))
  })

/** sha256 of the result files (not stage.json, which holds the code version, nor meta.json, the wall clock). */
const fileDigests = (dir: string): Record<string, string> => {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Record<string, { sha256: string }> }
  return Object.fromEntries(
    ["result.json", "report.md", "reward-surface.svg", "curves.svg"].map((f) => [f, manifest.files[f]?.sha256 ?? "missing"])
  )
}

describe("fsv reproduce quadratics, bit for bit", () => {
  it("two processes give identical files, equal to the committed golden digests; a rerun reproduces them", async () => {
    const [a, b] = await Promise.all([reproduce("1"), reproduce("2")])
    expect(a.status, a.stderr).toBe(0)
    expect(b.status, b.stderr).toBe(0)
    const da = fileDigests(a.dir)
    expect(fileDigests(b.dir)).toEqual(da)
    expect(da, `new digests (artifact: ${a.dir}); if the change is intended, put them in spec/quadratics/golden.json`).toEqual(golden.wasm.files)
    process.env["FSV_JOBS"] = "2"
    const report = await Effect.runPromise(
      rerun(a.dir, [quadraticsStage]).pipe(Effect.provide(Layer.mergeAll(Backend.layer("wasm"), Progress.silent)))
    )
    expect(report.identical, JSON.stringify(report)).toBe(true)
    expect(report.compared).toBe(4)
  }, 600_000)
})
