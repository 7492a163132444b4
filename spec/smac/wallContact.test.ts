/**
 * A map's `wallContact`: "centre" (the default) lets a ground unit's body reach over a wall by up
 * to its radius; "body" keeps eight points of its disc's rim on ground, as SMAClite's RVO2
 * obstacles keep bodies off walls (docs/smac-lite.md). Expected values come from the geometry:
 * a wall at x = X stops a disc of radius r at x = X − r.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS, decodeMapResult, type MapSpec } from "../../src/envs/smac/MapSpec.ts"
import { makePolicy } from "../../src/envs/smac/policies.ts"
import { MOVE, wallOverlap } from "../../src/envs/smac/state.ts"
import { GROUND, rimMoveAllowed, rimOffGround } from "../../src/envs/smac/terrain.ts"
import { tick } from "../../src/envs/smac/world.ts"
import { Stream, stream, streamState } from "../../src/rng/Rng.ts"
import { keepOnly, place } from "./scenario.ts"

const STALKER_RADIUS = 0.625 // SC2 unit data; SMAClite's stalker size 1.25 / 2
// 2s_vs_1sc's walled interior is x, y ∈ [8, 20) (the SC2Map's t3CellFlags); east of x = 20 is wall at y = 14.
const WALL_X = 20

const withContact = (wallContact: "centre" | "body"): MapSpec => ({ ...BUILTIN_MAPS["2s_vs_1sc"], wallContact })

/** A lone stalker ordered east into the wall from (x0, 14); its greatest x over `loops` game loops. */
const walkEast = (map: MapSpec, x0 = 15, loops = 80): number => {
  const env = makeEnv(map)
  const s = env.reset(streamState(3, ["spec", "smac", "wallContact"]))
  keepOnly(s, [0])
  place(s, 0, x0, 14)
  s.order[0] = MOVE
  s.goalX[0] = 26
  s.goalY[0] = 14
  const rng = new Stream(streamState(4, ["spec", "smac", "wallContact", "loop"]))
  let maxX = -Infinity
  for (let loop = 0; loop < loops; loop++) {
    tick(env.world, s, rng)
    maxX = Math.max(maxX, s.x[0]!)
  }
  return maxX
}

describe("rimOffGround", () => {
  // A 3 × 3 grid with only the middle cell (1, 1) ground.
  const grid = new Uint8Array(9)
  grid[4] = GROUND

  // Bit k is the rim point at k · 45° from east: E 1, NE 2, N 4, NW 8, W 16, SW 32, S 64, SE 128.
  it("marks none for a disc inside its cell, and the rim points past each side", () => {
    expect(rimOffGround(grid, 3, 3, false, false, 1.5, 1.5, 0.4)).toBe(0)
    // Centre 0.3 from the west side: the west point (0.8) and the two western diagonals (1.2 − 0.283) are off.
    expect(rimOffGround(grid, 3, 3, false, false, 1.2, 1.5, 0.4)).toBe(8 + 16 + 32)
    // Near the south-west corner: NW, W, SW, S and SE (1.1 ± 0.283 puts the diagonals' y or x below 1).
    expect(rimOffGround(grid, 3, 3, false, false, 1.1, 1.1, 0.4)).toBe(8 + 16 + 32 + 64 + 128)
    // Air units fly over everything.
    expect(rimOffGround(grid, 3, 3, true, false, 1.1, 1.1, 0.4)).toBe(0)
  })

  it("treats the map's edge as a wall", () => {
    const open = new Uint8Array(9).fill(GROUND)
    expect(rimOffGround(open, 3, 3, false, false, 0.2, 1.5, 0.4)).toBe(8 + 16 + 32)
  })

  it("rimMoveAllowed: a clear body stays clear; one over a wall slides along it or steps off, never in", () => {
    expect(rimMoveAllowed(0, 0, 1, 0)).toBe(true)
    expect(rimMoveAllowed(0, 1, 0.1, 0)).toBe(false) // the east point would go over
    const east = 1 + 2 + 128 // E, NE and SE over a wall to the east
    expect(rimMoveAllowed(east, east, 0.1, 0)).toBe(false) // further in
    expect(rimMoveAllowed(east, east, 0.1, 0.1)).toBe(false)
    expect(rimMoveAllowed(east, east, -0.1, 0)).toBe(true) // off it
    expect(rimMoveAllowed(east, east, 0, 0.1)).toBe(true) // along it
    expect(rimMoveAllowed(east, east, 0, -0.1)).toBe(true)
    expect(rimMoveAllowed(east, east | 4, 0, 0.1)).toBe(false) // into a corner: the north point goes over too
  })
})

describe("wallContact", () => {
  it("centre (the default): a stalker walking into a wall ends with its body over it", () => {
    const maxX = walkEast(BUILTIN_MAPS["2s_vs_1sc"])
    expect(maxX).toBeLessThan(WALL_X)
    expect(maxX).toBeGreaterThan(WALL_X - 0.3) // well past X − r = 19.375
    expect(walkEast(withContact("centre"))).toBe(maxX)
  })

  it("body: the same stalker stops with its rim at the wall, its centre r from it", () => {
    const maxX = walkEast(withContact("body"))
    expect(maxX).toBeLessThan(WALL_X - STALKER_RADIUS)
    expect(maxX).toBeGreaterThan(WALL_X - STALKER_RADIUS - 0.3) // it did walk up to the wall
  })

  it("body: a stalker that starts over a wall goes no further into it, and may walk off it", () => {
    expect(walkEast(withContact("body"), 19.8)).toBe(19.8)
    const env = makeEnv(withContact("body"))
    const s = env.reset(streamState(3, ["spec", "smac", "wallContact"]))
    keepOnly(s, [0])
    place(s, 0, 19.8, 14)
    s.order[0] = MOVE
    s.goalX[0] = 12
    s.goalY[0] = 14
    const rng = new Stream(streamState(5, ["spec", "smac", "wallContact", "loop"]))
    for (let loop = 0; loop < 40; loop++) tick(env.world, s, rng)
    expect(s.x[0]).toBeLessThan(WALL_X - STALKER_RADIUS)
    expect(wallOverlap(env.world, 0, s.x[0]!, s.y[0]!)).toBe(0)
  })

  it("body: over random episodes no ground unit that starts clear of walls ever reaches over one", () => {
    for (const name of ["2s_vs_1sc", "2s3z", "corridor"] as const) {
      const env = makeEnv({ ...BUILTIN_MAPS[name], wallContact: "body" })
      let checked = 0
      for (let seed = 0; seed < 3; seed++) {
        const s = env.reset(streamState(seed, ["spec", "smac", "wallContact", name]))
        const clear = Array.from({ length: env.world.nUnits }, (_, u) => wallOverlap(env.world, u, s.x[u]!, s.y[u]!) === 0)
        const policy = makePolicy(env, "random", stream(seed, ["spec", "smac", "wallContact", name, "policy"]))
        const actions = new Int32Array(env.info.nAgents)
        while (!s.terminated) {
          policy(s, actions)
          env.step(s, actions)
          for (let u = 0; u < env.world.nUnits; u++) {
            if (s.alive[u] === 1 && clear[u]) {
              expect(wallOverlap(env.world, u, s.x[u]!, s.y[u]!)).toBe(0)
              checked++
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(100)
    }
  })

  it("the interior-cell fast path gives the full rim check's answer", () => {
    for (const name of ["2s_vs_1sc", "2c_vs_64zg", "corridor"] as const) {
      const env = makeEnv({ ...BUILTIN_MAPS[name], wallContact: "body" })
      const w = env.world
      const rng = new Stream(streamState(6, ["spec", "smac", "wallContact", "fast", name]))
      for (let i = 0; i < 2000; i++) {
        const u = Math.floor(rng.uniform(0, w.nUnits))
        const x = rng.uniform(0, w.map.width)
        const y = rng.uniform(0, w.map.height)
        const full = rimOffGround(w.pathable, w.map.width, w.map.height, w.layer[u] === 1, w.layer[u] === 2, x, y, w.radius[u]!)
        expect(wallOverlap(w, u, x, y)).toBe(full)
      }
    }
  })

  it("a map file with another value fails with the path of the field", () => {
    const r = decodeMapResult({ ...BUILTIN_MAPS["2s3z"], wallContact: "edge" }, "test.json")
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) expect(r.failure.issues).toContain(`["wallContact"]`)
  })
})
