/** Maps as data: the schema's errors name the bad field; spawns and agent order follow the sources. */
import { Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { BUILTIN_MAPS, decodeMap, decodeMapResult, loadMap } from "../../src/envs/smac/MapSpec.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import map2s3z from "../../src/envs/smac/maps/2s3z.json" with { type: "json" }

const edited = (f: (m: Record<string, any>) => void): unknown => {
  const m = structuredClone(map2s3z) as Record<string, any>
  f(m)
  return m
}

const issues = (input: unknown): string => {
  const r = decodeMapResult(input, "test.json")
  if (Result.isSuccess(r)) throw new Error("expected the map to be rejected")
  expect(r.failure._tag).toBe("MapInvalid")
  return r.failure.issues
}

describe("map schema", () => {
  it("accepts the built-in JSON as is", () => {
    expect(Result.isSuccess(decodeMapResult(map2s3z, "2s3z.json"))).toBe(true)
  })

  it("names the path of a bad unit type and a bad count", () => {
    const text = issues(edited((m) => {
      m.allies.units[1].type = "zealott"
      m.enemies.units[0].count = 0
    }))
    expect(text).toContain(`at ["allies"]["units"][1]["type"]`)
    expect(text).toContain(`at ["enemies"]["units"][0]["count"]`)
  })

  it("rejects unknown fields (typos) by path", () => {
    expect(issues(edited((m) => {
      m.episodeLimt = 10
    }))).toContain(`["episodeLimt"]`)
  })

  it("checks fields against each other: ids, spawn points, rectangles", () => {
    const text = issues(edited((m) => {
      delete m.allyTypeIds.zealot
      m.enemyTypeIds.stalker = 2
      m.enemies.y = 30
      m.pathable[0].width = 40
    }))
    expect(text).toContain(`at ["allyTypeIds"]["zealot"]`)
    expect(text).toContain(`at ["enemyTypeIds"]["stalker"]`)
    expect(text).toContain(`at ["enemies"]`)
    expect(text).toContain(`at ["pathable"][0]`)
  })

  it("checks every unit of a spawn grid, not only its centre, against the pathable area", () => {
    // 2s3z's band is y in [8, 24). Allies centred at y = 8.5: the grid's first row (stalker,
    // stalker, zealot; row radius 0.625) sits at 8.5 − 2.35 / 2 + 0.625 = 7.95, off the band
    // (grid height 2 × (0.625 + 0.5 + 0) + 2 × 0.05 = 2.35); the second row, at 9.25, is on it.
    const text = issues(edited((m) => {
      m.allies.y = 8.5
    }))
    expect(text).toContain(`at ["allies"]`)
    expect(text).toContain("3 unit(s) of the spawn grid would start off the pathable area")
    expect(text).not.toContain(`at ["enemies"]`)
  })

  it("terrain rows: exactly one of pathable and terrain, one row per cell row, known cells only", () => {
    const rows = (): Array<string> => Array.from({ length: 32 }, (_, i) => (31 - i >= 8 && 31 - i < 24 ? "_" : "X").repeat(32))
    // The band as rows decodes, and gives the same world as the rectangle.
    const asRows = edited((m) => {
      delete m.pathable
      m.terrain = rows()
    })
    const r = decodeMapResult(asRows, "rows.json")
    if (Result.isFailure(r)) throw r.failure
    expect(makeEnv(r.success).world.pathable).toEqual(makeEnv(BUILTIN_MAPS["2s3z"]).world.pathable)
    expect(issues(edited((m) => {
      m.terrain = rows()
    }))).toContain("Give exactly one of `pathable` (rectangles) and `terrain` (rows of cells)")
    expect(issues(edited((m) => {
      delete m.pathable
    }))).toContain("Give exactly one of")
    const bad = issues(edited((m) => {
      delete m.pathable
      m.terrain = rows()
      m.terrain[3] = "_".repeat(31)
      m.terrain[5] = "_".repeat(31) + "#"
      m.terrain.pop()
    }))
    expect(bad).toContain(`31 rows for a map 32 cells high\n  at ["terrain"]`)
    expect(bad).toContain(`31 cells in a row of a map 32 cells wide\n  at ["terrain"][3]`)
    expect(bad).toContain(`Unknown cell "#": expected "_" (ground), "C" (cliff) or "X" (blocked)\n  at ["terrain"][5]`)
  })

  it("a side of several groups: each group's point and grid checked, errors at the group's path", () => {
    const text = issues(edited((m) => {
      m.allies = [
        { x: 9, y: 16, units: [{ type: "stalker", count: 2 }] },
        { x: 9, y: 4, units: [{ type: "zealot", count: 3 }] } // below the band
      ]
    }))
    expect(text).toContain(`Point (9, 4) is not on a pathable cell\n  at ["allies"][1]`)
    expect(text).not.toContain(`at ["allies"][0]`)
  })

  it("cliff cells take only a cliff-walker: a stalker group there is refused, a colossus group accepted", () => {
    const withCliff = (type: string): unknown => edited((m) => {
      delete m.pathable
      m.terrain = Array.from({ length: 32 }, (_, i) => (31 - i >= 8 && 31 - i < 24 ? "_" : "X").repeat(32))
      m.terrain[31 - 16] = "C".repeat(32) // row y = 16
      m.attackPoint = { x: 9, y: 18 }
      m.allies = { x: 9, y: 16.5, units: [{ type, count: 1 }] }
      m.enemies.y = 20 // off the cliff row
      m.allyTypeIds = { [type]: 0 }
      m.unitTypeBits = 0
      m.enemyTypeIds = {}
    })
    expect(issues(withCliff("stalker"))).toContain(`Point (9, 16.5) is not on a pathable cell\n  at ["allies"]`)
    expect(Result.isSuccess(decodeMapResult(withCliff("colossus"), "cliff.json"))).toBe(true)
  })

  it("loadMap fails with UnknownMap for a name that is not built in", async () => {
    const exit = await Effect.runPromise(Effect.result(loadMap("4m")))
    expect(Result.isFailure(exit) && exit.failure._tag).toBe("UnknownMap")
    const ok = await Effect.runPromise(decodeMap(map2s3z))
    expect(ok.name).toBe("2s3z")
  })
})

describe("spawn and agent order", () => {
  it("2s3z allies sit where SMAClite puts them (smac-spec RUN positions)", () => {
    const env = makeEnv(BUILTIN_MAPS["2s3z"])
    const pos = env.world.spawn.slice(0, 5).map((p) => [p.type, p.x, p.y] as const)
    const expected = [
      ["stalker", 7.88, 15.45],
      ["stalker", 9.18, 15.45],
      ["zealot", 7.75, 16.62],
      ["zealot", 8.8, 16.62],
      ["zealot", 10.35, 15.45]
    ] as const
    pos.forEach(([t, x, y], i) => {
      expect(t).toBe(expected[i]![0])
      expect(Math.abs(x - expected[i]![1])).toBeLessThan(0.006)
      expect(Math.abs(y - expected[i]![2])).toBeLessThan(0.006)
    })
  })

  it("enemies are the point mirror of the same grid about the map centre", () => {
    const w = makeEnv(BUILTIN_MAPS["2s3z"]).world
    // listing order is the same on both sides; SMAC agent order sorts the allies, so compare by type rows
    const enemy = w.spawn.slice(5)
    expect(enemy[0]!.x).toBeCloseTo(32 - 7.875, 10)
    expect(enemy[0]!.y).toBeCloseTo(32 - 15.45, 10)
  })

  it("MMM2 agents in SMAC's order: marauders 0-1, marines 2-8, medivac 9", () => {
    expect(makeEnv(BUILTIN_MAPS.MMM2).info.agentTypes).toEqual([
      "marauder", "marauder", ...Array(7).fill("marine"), "medivac"
    ])
  })
})
