/**
 * The map files under docs/maps are test variants quoted in the docs (3s_vs_5z walled as
 * SMAClite's ALL_GREEN, 2s_vs_1sc on SMAClite's PENTAGON cells, bane_vs_bane on its OCTAGON).
 * Each decodes under the map schema. The PENTAGON variant holds exactly SMAClite's cells,
 * transcribed here by hand from uoe-agents/smaclite 0d6abbe `smaclite_terrain/pentagon.slt` (top
 * row first; `_` is pathable). The OCTAGON variant is the built-in octagon grown by one cell all
 * round: its rows are 12, 14, 16, 18, 20 cells wide, then 22 for twelve rows, then back down,
 * 2 × 80 + 12 × 22 = 424 cells.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { BUILTIN_MAPS, decodeMapResult } from "../../src/envs/smac/MapSpec.ts"
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

  it("bane_vs_bane_octagon is the built-in octagon and one ring of cells more", () => {
    const grid = pathingGrid(load("bane_vs_bane_octagon.json"))
    const builtin = pathingGrid(BUILTIN_MAPS.bane_vs_bane)
    const cells = (g: Uint8Array) => [...g.keys()].filter((k) => g[k] === GROUND)
    expect(cells(grid).length).toBe(424)
    expect(cells(builtin).length).toBe(352)
    for (const k of cells(builtin)) expect(grid[k]).toBe(GROUND)
    // Every added cell touches a built-in cell (8-neighbourhood): one ring, not a bigger shape.
    const isBuiltin = (x: number, y: number) => x >= 0 && y >= 0 && x < 32 && y < 32 && builtin[y * 32 + x] === GROUND
    for (const k of cells(grid).filter((k) => builtin[k] !== GROUND)) {
      const x = k % 32, y = Math.floor(k / 32)
      const near = [-1, 0, 1].some((dx) => [-1, 0, 1].some((dy) => isBuiltin(x + dx, y + dy)))
      expect(near).toBe(true)
    }
  })
})
