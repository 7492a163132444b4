import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { theoryTable } from "../../pipelines/theory/stage.ts"
import { verify } from "../../src/store/ArtifactStore.ts"

const cli = join(import.meta.dirname, "../../src/cli/main.ts")

describe("fsv theory", () => {
  it("every paper property holds and every control is rejected", () => {
    const rows = theoryTable({ runs: 300, seed: 5 })
    expect(rows.filter((r) => r.expected === "holds").length).toBeGreaterThanOrEqual(6)
    expect(rows.filter((r) => r.expected === "rejected").length).toBeGreaterThanOrEqual(3)
    for (const r of rows) {
      expect({ property: r.property, result: r.result }).toEqual({ property: r.property, result: r.expected })
      if (r.expected === "holds") expect(r.cases).toBe(300)
      else expect(r.counterexample).not.toBeNull()
    }
  })

  it("prints the table, writes a verifiable artifact, and is a cache hit the second time", async () => {
    const store = mkdtempSync(join(tmpdir(), "fsv-theory-"))
    const run = () => spawnSync(process.execPath, [cli, "theory", "--runs", "200", "--seed", "3", "--store", store], { encoding: "utf8" })
    const first = run()
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(/\| IGM holds for VDN .* \| 200 \| ✓ holds \|/)
    const dir = first.stdout.trim().split("\n").at(-1)!
    expect(dir.startsWith(join(store, "theory"))).toBe(true)
    expect((await Effect.runPromise(verify(dir))).ok).toBe(true)
    const second = run()
    expect(second.stdout.trim().split("\n").at(-1)).toBe(dir)
    expect(second.stderr).toMatch(/cache hit/)
  })

  it("rejects a bad --runs with the field named and writes nothing", () => {
    const store = mkdtempSync(join(tmpdir(), "fsv-theory-"))
    const r = spawnSync(process.execPath, [cli, "theory", "--runs", "0", "--store", store], { encoding: "utf8" })
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/Invalid --runs\/--seed:[\s\S]*greater than or equal to 1[\s\S]*\["runs"\]/)
    expect(spawnSync("ls", ["-A", store], { encoding: "utf8" }).stdout).toBe("")
  })
})
