/**
 * The unit types of SMAC's Zerg and Colossus scenarios (issue 18), each mechanic against numbers
 * worked out by hand from the sources in src/envs/smac/units.ts:
 * - Baneling: Volatile Burst, 16 (+19 vs Light) to every enemy ground unit whose disc touches a
 *   circle of 2.2 around it, and it dies (SC2 via Liquipedia; SMAClite KamikazeTargeter);
 * - Colossus: 10 (+5 vs Light) × 2 to every enemy ground unit touching a 2.8 × 0.3 rectangle
 *   centred on its target across the line of fire (SMAClite LaserBeamTargeter); walks cliffs;
 *   collides only with Colossi (SC2 MASSIVE units step over small ones);
 * - Zerg life regeneration 0.2734 hp per normal second, 16 loops a second (MAP LifeRegenRate);
 * - Spine Crawler: rooted (it never moves and is never pushed), acquires within 10 + the target's
 *   radius (SMAClite minimum_scan_range), radius 1.125 (SC2);
 * - ground units walk round the 2c_vs_64zg cliff by its ramps instead of sticking to it.
 */
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { makeEnv, MOVE_SOUTH, STOP } from "../../src/envs/smac/Env.ts"
import { decodeMapResult } from "../../src/envs/smac/MapSpec.ts"
import { stream, streamState } from "../../src/rng/Rng.ts"
import { ATTACK, canStand, collide } from "../../src/envs/smac/state.ts"
import { attack, tick } from "../../src/envs/smac/world.ts"
import { keepOnly, place, setup } from "./scenario.ts"

describe("Baneling", () => {
  // bane_vs_bane: agents 0–3 banelings, 4–23 zerglings; enemies 24–43 zerglings, 44–47 banelings.
  it("bursts for 16 + 19 vs Light on every enemy it touches within 2.2, none of its own side, and dies", () => {
    const { env, s } = setup("bane_vs_bane")
    const w = env.world
    place(s, 0, 16, 16) // the allied baneling
    place(s, 24, 16 + 2.2 + 0.375 - 0.01, 16) // enemy zergling, disc just inside the burst
    place(s, 25, 16 + 2.2 + 0.375 + 0.01, 16) // enemy zergling, disc just outside
    place(s, 44, 16, 17) // enemy baneling (not Light)
    place(s, 4, 16, 15) // allied zergling beside it
    attack(w, s, 0, 24)
    expect(s.hp[24]).toBe(0) // 35 − (16 + 19)
    expect(s.hp[25]).toBe(35)
    expect(s.hp[44]).toBe(30 - 16)
    expect(s.hp[4]).toBe(35)
    expect(s.hp[0]).toBe(0)
  })

  it("an enemy baneling that reaches our zerglings kills them and itself within a few steps", () => {
    const { env, s } = setup("bane_vs_bane")
    keepOnly(s, [4, 5, 44])
    place(s, 4, 16, 12)
    place(s, 5, 16.8, 12)
    place(s, 44, 16, 15) // 3 away: it acquires (scan 5) and rolls in at 2.5 / 16 per loop
    for (let t = 0; t < 4 && !s.terminated; t++) env.step(s, [0, 0, 0, 0, STOP, STOP, ...Array(18).fill(0)])
    expect(s.alive[44]).toBe(0)
    expect([s.alive[4], s.alive[5]]).toEqual([0, 0])
  })
})

describe("Colossus", () => {
  // 2c_vs_64zg: agents 0–1 colossi, enemies 2–65 zerglings.
  it("its lances hit every zergling touching the 2.8 × 0.3 line across the line of fire, 2 × (10 + 5) each", () => {
    const { env, s } = setup("2c_vs_64zg")
    const w = env.world
    place(s, 0, 16, 16)
    place(s, 2, 16, 10) // target, straight below: the line runs along x
    place(s, 3, 16 + 1.4 + 0.3, 10) // 0.3 beyond the line's end: touches (radius 0.375)
    place(s, 4, 16 - 1.4 - 0.5, 10) // 0.5 beyond the other end: misses
    place(s, 5, 16, 10 + 0.15 + 0.35) // 0.35 beyond the line's side: touches
    place(s, 6, 16, 10 - 0.15 - 0.45) // 0.45 beyond the other side: misses
    attack(w, s, 0, 2)
    expect([s.hp[2], s.hp[3], s.hp[4], s.hp[5], s.hp[6]]).toEqual([5, 5, 35, 5, 35])
  })

  it("stands on cliff cells where zerglings cannot, and steps over zerglings but not over colossi", () => {
    const { env } = setup("2c_vs_64zg")
    const w = env.world
    // The band y ∈ [12, 14), x ∈ [4, 28) is the cliff face.
    expect(canStand(w, 0, 16.5, 12.5)).toBe(true)
    expect(canStand(w, 2, 16.5, 12.5)).toBe(false)
    expect(canStand(w, 0, 16.5, 4.5)).toBe(false) // blocked cells stay blocked
    expect(collide(w, 0, 1)).toBe(true)
    expect(collide(w, 0, 2)).toBe(false)
    expect(collide(w, 2, 3)).toBe(true)
  })

  it("S2's move mask reads the ground grid: 'south' is masked at the cliff, even for a Colossus", () => {
    const { env, s } = setup("2c_vs_64zg")
    place(s, 0, 16, 14.5) // int(14.5 − 1) = 13: a cliff cell
    expect(env.availActions(s, 0)[MOVE_SOUTH]).toBe(0)
    place(s, 0, 16, 15.5) // int(14.5) = 14: ground
    expect(env.availActions(s, 0)[MOVE_SOUTH]).toBe(1)
  })

  it("walks across a cliff band to its target where a stalker stops at the edge (game loops driven directly)", () => {
    // A 16 × 24 map from a file: ground, with cliff rows y = 11 and 12 across it; a Colossus and a
    // Stalker above, a rooted Spine Crawler far below. An agent orders attacks only within 6, where
    // both fire at once, so the orders are set directly and game loops run.
    const rows = Array.from({ length: 24 }, (_, i) => (23 - i === 11 || 23 - i === 12 ? "C" : "_").repeat(16))
    const map = decodeMapResult({
      name: "cliff_walk", episodeLimit: 100, width: 16, height: 24, terrain: rows, attackPoint: { x: 8, y: 1.5 },
      allies: [{ x: 5, y: 20.5, units: [{ type: "colossus", count: 1 }] }, { x: 11, y: 20.5, units: [{ type: "stalker", count: 1 }] }],
      enemies: { x: 8, y: 1.5, units: [{ type: "spine_crawler", count: 1 }] },
      unitTypeBits: 0, allyTypeIds: { colossus: 0, stalker: 1 }, enemyTypeIds: {}
    }, "test")
    if (Result.isFailure(map)) throw map.failure
    const env = makeEnv(map.success)
    const s = env.reset(streamState(1, ["spec", "smac", "cliff walk"]))
    for (const a of [0, 1]) {
      s.order[a] = ATTACK
      s.orderTarget[a] = 2
    }
    const loops = stream(1, ["spec", "smac", "cliff walk loops"])
    for (let k = 0; k < 120; k++) tick(env.world, s, loops)
    // The Colossus stops in reach of the spine (7 + 1 + 1.125 = 9.125), below the band; the
    // Stalker cannot stand on it and stays above y = 13.
    expect(s.y[0]!).toBeLessThan(11)
    expect(s.y[1]!).toBeGreaterThanOrEqual(13)
  })
})

describe("Zerg regeneration", () => {
  it("a hurt zergling regains 0.2734 / 16 hp per loop: 8 loops a step", () => {
    const { env, s } = setup("2c_vs_64zg")
    keepOnly(s, [0, 30])
    place(s, 0, 16, 18)
    place(s, 30, 2, 10) // far from the colossus, on the low ground
    s.hp[30] = 10
    env.step(s, [STOP, 0])
    expect(s.hp[30]).toBeCloseTo(10 + (8 * 0.2734) / 16, 12)
  })
})

describe("Spine Crawler", () => {
  // 2s_vs_1sc: agents 0–1 stalkers, unit 2 the spine crawler at (13.92, 20.0397).
  it("never moves, and a stalker pressed onto it is pushed out whole", () => {
    const { env, s } = setup("2s_vs_1sc")
    const [sx, sy] = [s.x[2]!, s.y[2]!]
    place(s, 0, sx + 1, sy - 0.5) // overlapping its 1.125 + 0.625 contact distance
    env.step(s, [STOP, STOP])
    expect([s.x[2], s.y[2]]).toEqual([sx, sy])
    expect(Math.hypot(s.x[0]! - sx, s.y[0]! - sy)).toBeGreaterThan(1.125 + 0.625 - 0.05)
  })

  it("acquires a stalker within 10 + its radius 0.625 and shoots it from 7 + 1.125 + 0.625", () => {
    const { env, s } = setup("2s_vs_1sc")
    const [sx, sy] = [s.x[2]!, s.y[2]!]
    keepOnly(s, [0, 1, 2])
    place(s, 0, sx, sy - 8.7) // inside 8.75: in weapon range
    place(s, 1, sx + 5, sy - 9) // 10.30 away: beyond range, inside 10.625
    env.step(s, [STOP, STOP])
    expect(s.target[2]).toBe(0) // the nearer one
    expect(s.hp[0]! + s.shield[0]!).toBeLessThan(160) // hit: 25 + 5 vs Armored on the shield
    expect(s.hp[0]! + s.shield[0]!).toBe(160 - 30)
  })
})

describe("ground units find their way round walls", () => {
  it("a zergling below the 2c_vs_64zg cliff reaches the colossus on the plateau by a ramp", () => {
    const { env, s } = setup("2c_vs_64zg")
    keepOnly(s, [0, 2])
    place(s, 0, 16, 16)
    place(s, 2, 16, 9) // straight below, the cliff band y ∈ [12, 14) between
    let minX = 16
    let maxX = 16
    let reached = -1
    for (let t = 1; t <= 30 && reached < 0; t++) {
      env.step(s, [STOP, 0])
      minX = Math.min(minX, s.x[2]!)
      maxX = Math.max(maxX, s.x[2]!)
      if (Math.hypot(s.x[2]! - s.x[0]!, s.y[2]! - s.y[0]!) <= 0.1 + 0.375 + 1 + 1e-6) reached = t
    }
    // By a ramp: x 4..6 or 25..27 (t3SyncCliffLevel); the way is about 24 long at 2.9531 / 16 × 8 per step.
    expect(minX < 7.5 || maxX > 24.5).toBe(true)
    expect(reached).toBeGreaterThan(0)
    expect(reached).toBeLessThanOrEqual(25)
  })
})
