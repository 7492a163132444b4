/** `npm run bench -- smac|smac-policies|smac-train --maps …`: built-in names and map files alike. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { benchMaps } from "../../bench/_maps.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"

const dir = mkdtempSync(join(tmpdir(), "fsv-bench-maps-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the benchmarks' --maps", () => {
  it("takes built-in names and map files, and falls back to the given names", () => {
    const file = join(dir, "mine.json")
    writeFileSync(file, JSON.stringify({ ...BUILTIN_MAPS["3m"], name: "mine" }))
    expect(benchMaps(`2s3z, ${file}`, []).map((m) => m.name)).toEqual(["2s3z", "mine"])
    expect(benchMaps(undefined, ["3m", "8m"]).map((m) => m.name)).toEqual(["3m", "8m"])
  })

  it("refuses a bad file with the path of the problem, and an unknown name with the known ones", () => {
    const bad = join(dir, "bad.json")
    writeFileSync(bad, JSON.stringify({ ...BUILTIN_MAPS["3m"], episodeLimit: -1 }))
    expect(() => benchMaps(bad, [])).toThrow(/\["episodeLimit"\]/)
    expect(() => benchMaps("4m", [])).toThrow(/no SMAC-lite map called "4m".*3s_vs_5z/)
  })
})
