/**
 * Unit numbers and combat rules against values worked out by hand from the unit table's sources
 * (SMAClite unit JSONs and unit.py, the maps' UnitData.xml), in game loops (16 per second).
 */
import { describe, expect, it } from "vitest"
import { attack, heal, tick } from "../../src/envs/smac/world.ts"
import { UNIT_TYPES } from "../../src/envs/smac/units.ts"
import { Stream, streamState } from "../../src/rng/Rng.ts"
import { keepOnly, place, setup } from "./scenario.ts"
import { ATTACK } from "../../src/envs/smac/state.ts"

const rng = () => new Stream(streamState(1, ["spec", "smac", "combat"]))

describe("unit table, one time base", () => {
  it("converts SMAClite's Faster cooldowns to whole game loops at normal speed", () => {
    // 1.34 s × 1.4 × 16 = 30.02; 0.86 → 19.26; 0.61 → 13.66; 1.07 → 23.97
    expect(UNIT_TYPES.stalker.cooldownLoops).toBe(30)
    expect(UNIT_TYPES.zealot.cooldownLoops).toBe(19)
    expect(UNIT_TYPES.marine.cooldownLoops).toBe(14)
    expect(UNIT_TYPES.marauder.cooldownLoops).toBe(24)
  })

  it("moves a lone marine 2.25 × 0.5 = 1.125 map units in one step", () => {
    const { env, s } = setup("3m")
    keepOnly(s, [0, 3])
    place(s, 0, 10, 16)
    place(s, 3, 30, 16)
    env.step(s, [4, 0, 0]) // move east
    expect(s.x[0]).toBeCloseTo(11.125, 10)
    expect(s.y[0]).toBeCloseTo(16, 10)
  })
})

describe("damage", () => {
  it("stalker on stalker: 13 + 5 vs armored, taken by the shield without armor", () => {
    const { env, s } = setup("2s3z")
    attack(env.world, s, 0, 5)
    expect(s.shield[5]).toBe(80 - 18)
    expect(s.hp[5]).toBe(80)
  })

  it("zealot's two hits of 8: the shield absorbs 5, armor 1 comes off each hp part", () => {
    const { env, s } = setup("2s3z")
    s.shield[0] = 5
    attack(env.world, s, 7, 0) // enemy zealot hits agent 0 (stalker)
    // hit 1: 5 to shield, (8 − 5) − 1 = 2 to hp; hit 2: 8 − 1 = 7 to hp
    expect(s.shield[0]).toBe(0)
    expect(s.hp[0]).toBe(80 - 9)
    expect(s.damageTaken).toBe(14)
  })

  it("marauder +10 vs armored, marine vs 0-armor marine", () => {
    const { env, s } = setup("MMM2")
    attack(env.world, s, 19, 0) // enemy marauder on agent 0 (marauder): 20 − 1 armor
    expect(s.hp[0]).toBe(125 - 19)
    attack(env.world, s, 11, 2) // enemy marine on agent 2 (marine): 6 − 0
    expect(s.hp[2]).toBe(45 - 6)
  })

  it("stalker fires at loop 0, then every 30 loops plus a random delay of −1..+2 loops", () => {
    const { env, s } = setup("2s3z")
    keepOnly(s, [0, 7])
    place(s, 0, 10, 16)
    place(s, 7, 16.5, 16) // distance 6.5 ≤ 6 + 0.625 + 0.5: in weapon range from the start
    s.order[0] = ATTACK // (SMAC's action mask stops at 6, so give the order directly)
    s.orderTarget[0] = 7
    s.hp[7] = 1e6 // the zealot outlives the test
    const hitLoops: Array<number> = []
    const stream = rng()
    for (let loop = 0; loop < 30 * 400; loop++) {
      s.x[7] = 16.5 // pin the zealot in place
      s.y[7] = 16
      s.target[7] = -1
      s.fired[0] = -1
      tick(env.world, s, stream)
      if (s.fired[0] === 7) hitLoops.push(loop)
    }
    expect(hitLoops[0]).toBe(0)
    const gaps = hitLoops.slice(1).map((l, i) => l - hitLoops[i]!)
    // SL 1.34 Faster s → 30 loops; SC2's delay U(−1/16, 2/16) s (smac-spec §1) → −1..+2 whole loops
    expect(new Set(gaps)).toEqual(new Set([29, 30, 31, 32]))
    // each of the four delays about equally often (expected n/4 each; 5 standard deviations of slack)
    const n = gaps.length
    for (const g of [29, 30, 31, 32]) {
      expect(Math.abs(gaps.filter((x) => x === g).length - n / 4)).toBeLessThan(5 * Math.sqrt((n * 3) / 16))
    }
    // mean period 30 + 0.5, the mean of U(−1, 2)
    expect(Math.abs(gaps.reduce((a, b) => a + b, 0) / n - 30.5)).toBeLessThan(5 * Math.sqrt(1.25 / n))
  })
})

describe("shields", () => {
  it("regenerate 2/s (0.125 per loop) from the 160th loop after the last hit", () => {
    const { env, s } = setup("2s3z")
    keepOnly(s, [0, 7])
    place(s, 0, 30, 16)
    place(s, 7, 9, 16) // at the attack point, nobody in scan range: stands still
    attack(env.world, s, 0, 7)
    expect(s.shield[7]).toBe(37)
    const stream = rng()
    for (let loop = 1; loop <= 159; loop++) tick(env.world, s, stream)
    expect(s.shield[7]).toBe(37)
    for (let loop = 160; loop <= 170; loop++) tick(env.world, s, stream)
    expect(s.shield[7]).toBeCloseTo(37 + 11 * 0.125, 12)
    expect(s.enemyRestored).toBeCloseTo(11 * 0.125, 12)
  })
})

describe("medivac heal", () => {
  it("heals 9 hp/s, paying 1 energy per 3 hp, while energy regenerates 0.5625/s", () => {
    const { env, s } = setup("MMM2")
    keepOnly(s, [2, 9, 10])
    place(s, 2, 10, 16)
    place(s, 9, 10, 19)
    place(s, 10, 30, 16)
    s.hp[2] = 40
    env.step(s, [0, 0, 1, 0, 0, 0, 0, 0, 0, 6 + 2]) // agent 2 stops; the medivac (agent 9) heals ally 2
    // 8 loops × 9/16 = 4.5 hp; energy spent at loops 1 and 6 (pool of 3 hp each), regen 8 × 0.5625/16.
    expect(s.hp[2]).toBeCloseTo(44.5, 12)
    expect(s.energy[9]).toBeCloseTo(50 - 2 + 8 * 0.03515625, 12)
  })

  it("will not start on a new patient below 5 energy", () => {
    const { env, s } = setup("MMM2")
    s.hp[2] = 40
    s.energy[9] = 4
    s.target[9] = 2
    s.prevTarget[9] = -1
    heal(env.world, s, 9, 2)
    expect(s.hp[2]).toBe(40)
    s.prevTarget[9] = 2 // already healing this patient: continues
    heal(env.world, s, 9, 2)
    expect(s.hp[2]).toBeCloseTo(40.5625, 12)
  })

  it("does not heal a unit killed earlier in the same loop: it stays at 0 hp and dies", () => {
    const { env, s } = setup("MMM2")
    keepOnly(s, [2, 9, 10])
    place(s, 2, 10, 16)
    place(s, 9, 10, 17)
    place(s, 10, 30, 16)
    s.prevTarget[9] = 2 // healing this patient already
    s.hp[2] = 0 // as after an enemy shot earlier in the loop's acting order
    heal(env.world, s, 9, 2)
    expect(s.hp[2]).toBe(0)
    expect(s.energy[9]).toBe(50) // nothing spent
  })

  it("an enemy Medivac whose patient was killed earlier in the loop heals nothing and looks for another", () => {
    const { env, s } = setup("MMM2")
    keepOnly(s, [2, 10, 12])
    place(s, 2, 10, 16)
    place(s, 10, 22, 16) // the enemy Medivac
    place(s, 12, 21, 16)
    s.prevTarget[10] = 12
    s.target[10] = 12
    s.hp[12] = 0
    heal(env.world, s, 10, 12)
    expect(s.hp[12]).toBe(0)
    expect(s.energy[10]).toBe(50)
    expect(s.target[10]).toBe(-1)
  })
})
