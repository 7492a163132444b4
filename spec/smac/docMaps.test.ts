/**
 * The map files under docs/maps are test variants quoted in the docs (3s_vs_5z walled as
 * SMAClite's ALL_GREEN, 2s_vs_1sc on SMAClite's PENTAGON cells). Each decodes under the map
 * schema, and the PENTAGON variant holds exactly SMAClite's cells, transcribed here by hand from
 * uoe-agents/smaclite 0d6abbe `smaclite_terrain/pentagon.slt` (top row first; `_` is pathable).
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeMapResult } from "../../src/envs/smac/MapSpec.ts"
import { GROUND, pathingGrid } from "../../src/envs/smac/terrain.ts"

const dir = join(import.meta.dirname, "../../docs/maps")
const load = (f: string) => Result.getOrThrow(decodeMapResult(JSON.parse(readFileSync(join(dir, f), "utf8")), f))

// pentagon.slt rows 8..25 (y = 24 down to 7); every other row of the 32 is all `X`.
const PENTAGON: ReadonlyArray<readonly [y: number, row: string]> = [
  [24, "XXXXXXXXXXXX____XXXXXXXXXXXXXXXX"],
  [23, "XXXXXXXXXXX______XXXXXXXXXXXXXXX"],
  [22, "XXXXXXXXXX________XXXXXXXXXXXXXX"],
  [21, "XXXXXXXXX__________XXXXXXXXXXXXX"],
  [20, "XXXXXXXX____________XXXXXXXXXXXX"],
  ...Array.from({ length: 12 }, (_, i) => [19 - i, "XXXXXXX______________XXXXXXXXXXX"] as const),
  [7, "XXXXXXXX____________XXXXXXXXXXXX"]
]

describe("docs/maps", () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith(".json")))("%s decodes under the map schema", (f) => {
    expect(load(f).name).toBe(f.replace(/\.json$/, ""))
  })

  it("2s_vs_1sc_pentagon has SMAClite's PENTAGON cells and nothing else", () => {
    const m = load("2s_vs_1sc_pentagon.json")
    const grid = pathingGrid(m)
    const want = new Set(PENTAGON.flatMap(([y, row]) => [...row].flatMap((c, x) => (c === "_" ? [y * 32 + x] : []))))
    expect(want.size).toBe(220)
    const got = new Set([...grid.keys()].filter((k) => grid[k] === GROUND))
    expect(got).toEqual(want)
  })
})
