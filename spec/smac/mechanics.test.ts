/** Movement, collision avoidance and the built-in enemy behaviour. */
import { describe, expect, it } from "vitest"
import { tick } from "../../src/envs/smac/world.ts"
import { Stream, streamState } from "../../src/rng/Rng.ts"
import { keepOnly, place, setup } from "./scenario.ts"
import { IDLE, MOVE } from "../../src/envs/smac/state.ts"

const rng = () => new Stream(streamState(2, ["spec", "smac", "mechanics"]))

describe("collision avoidance", () => {
  it("head on: two marines slide past each other without overlapping or passing through", () => {
    const { env, s } = setup("3m")
    keepOnly(s, [0, 1])
    place(s, 0, 10, 16)
    place(s, 1, 14, 16)
    s.order[0] = MOVE
    s.goalX[0] = 18
    s.goalY[0] = 16
    s.order[1] = MOVE
    s.goalX[1] = 6
    s.goalY[1] = 16
    const R = 0.75
    const stream = rng()
    let minDistance = Infinity
    let crossedAt = -1
    for (let loop = 0; loop < 80; loop++) {
      const before = s.x[1]! - s.x[0]!
      tick(env.world, s, stream)
      const d = Math.hypot(s.x[1]! - s.x[0]!, s.y[1]! - s.y[0]!)
      minDistance = Math.min(minDistance, d)
      if (before > 0 && s.x[1]! - s.x[0]! <= 0) crossedAt = loop
      if (crossedAt === loop) {
        // where their x order flips they are side by side, at least one contact distance apart in y
        expect(Math.abs(s.y[1]! - s.y[0]!)).toBeGreaterThan(R - 0.01)
      }
    }
    expect(minDistance).toBeGreaterThan(R - 0.01)
    expect(crossedAt).toBeGreaterThan(0) // they did get past each other
    expect(s.x[0]).toBeGreaterThan(16) // and went on toward their goals
    expect(s.x[1]).toBeLessThan(8)
  })

  it("a marine walking into a stationary crowd never overlaps it", () => {
    const { env, s } = setup("8m")
    keepOnly(s, [0, 1, 2, 3, 4, 5, 6, 7])
    // agents 1..7 stand idle in a tight column across the path of agent 0
    for (let a = 1; a < 8; a++) place(s, a, 14, 13.4 + a * 0.76)
    place(s, 0, 10, 16.2)
    for (let a = 1; a < 8; a++) s.order[a] = IDLE
    s.order[0] = MOVE
    s.goalX[0] = 20
    s.goalY[0] = 16.2
    const stream = rng()
    for (let loop = 0; loop < 120; loop++) {
      tick(env.world, s, stream)
      for (let a = 1; a < 8; a++) {
        expect(Math.hypot(s.x[a]! - s.x[0]!, s.y[a]! - s.y[0]!)).toBeGreaterThan(0.75 - 0.02)
      }
    }
  })

  it("ground units stay on pathable cells; air ignores ground units", () => {
    const { env, s } = setup("MMM2")
    keepOnly(s, [2, 9])
    place(s, 2, 10, 23)
    s.order[2] = MOVE
    s.goalX[2] = 10
    s.goalY[2] = 28 // beyond the band y < 24
    place(s, 9, 10, 20)
    s.order[9] = MOVE
    s.goalX[9] = 10
    s.goalY[9] = 23 // straight through the marine's spot
    const stream = rng()
    for (let loop = 0; loop < 48; loop++) tick(env.world, s, stream)
    expect(s.y[2]).toBeLessThan(24)
    expect(s.y[2]).toBeGreaterThan(23.5)
    expect(s.y[9]).toBeCloseTo(23, 10) // reached its goal over the marine
  })
})

describe("commands", () => {
  it("an attack command walks a zealot into melee range, then it hits", () => {
    const { env, s } = setup("2s3z")
    keepOnly(s, [2, 9])
    place(s, 2, 10, 16)
    place(s, 9, 15, 16) // enemy 4 (zealot): 5 away, available (≤ 6) but out of melee range 1.1
    s.cooldown[9] = 1000 // it does not hit back
    s.target[9] = -1
    const start = s.hp[9]! + s.shield[9]!
    env.step(s, [0, 0, 6 + 4, 0, 0])
    // both walk toward each other (the enemy retaliates by walking too), no hit yet
    expect(s.x[9]! - s.x[2]!).toBeLessThan(5 - 1.125 - 0.5)
    for (let i = 0; i < 3; i++) env.step(s, [0, 0, 6 + 4, 0, 0])
    expect(Math.hypot(s.x[9]! - s.x[2]!, s.y[9]! - s.y[2]!)).toBeLessThanOrEqual(1.1 + 1e-9)
    expect(s.hp[9]! + s.shield[9]!).toBeLessThan(start)
  })
})

describe("enemy behaviour (SMAClite attack-move)", () => {
  it("attack-moves toward (9, 16) while nobody is in scan range", () => {
    const { env, s } = setup("3m")
    keepOnly(s, [0, 3])
    place(s, 0, 30, 9)
    place(s, 3, 20, 16)
    env.step(s, [1, 0, 0])
    expect(s.x[3]).toBeCloseTo(20 - 1.125, 10)
    expect(s.target[3]).toBe(-1)
  })

  it("targets the closest ally in scan range (5 + its radius)", () => {
    const { env, s } = setup("3m")
    keepOnly(s, [0, 1, 3])
    place(s, 3, 16, 16)
    place(s, 0, 11, 16) // 5 away: inside 5.375
    place(s, 1, 16, 11.8) // 4.2 away: closer
    s.cooldown[3] = 1000
    env.step(s, [1, 1, 0])
    expect(s.target[3]).toBe(1)
  })

  it("retaliates against an attacker beyond its scan range", () => {
    const { env, s } = setup("2s3z")
    keepOnly(s, [0, 7])
    place(s, 0, 10, 16)
    place(s, 7, 16, 16) // 6 away: stalker can attack, zealot's scan reaches 5.625
    env.step(s, [6 + 2, 0, 0, 0, 0])
    expect(s.target[7]).toBe(0)
  })

  it("prefers a Medivac (SMAClite priority: healers first)", () => {
    const { env, s } = setup("MMM2")
    keepOnly(s, [2, 9, 11])
    place(s, 11, 16, 16) // enemy marine
    place(s, 2, 13, 16) // our marine, 3 away
    place(s, 9, 12, 16.5) // our medivac, 4.03 away
    s.cooldown[11] = 1000
    env.step(s, [0, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    expect(s.target[11]).toBe(9)
  })

  it("the enemy Medivac heals the most hurt friend near it", () => {
    const { env, s } = setup("MMM2")
    keepOnly(s, [2, 10, 11, 12])
    place(s, 2, 30, 9)
    place(s, 10, 20, 16)
    place(s, 11, 20, 18)
    place(s, 12, 21, 16)
    s.hp[11] = 30
    s.hp[12] = 20
    env.step(s, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    expect(s.fired[10]).toBe(12)
    expect(s.hp[12]).toBeGreaterThan(20)
    expect(s.hp[11]).toBe(30)
  })
})
