/**
 * The Max of Two Quadratics game (Eq. 19): rewards worked out by hand, the optima from the
 * game's own parameters, the outcome rule, and game-file validation naming JSON paths.
 */
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  classifyOutcome,
  decodeGame,
  defaultGame,
  gameOptima,
  type GameInvalid,
  parseGame,
  type QuadraticsGame,
  quadraticsReward
} from "../../src/envs/quadratics.ts"

const failure = (r: Result.Result<QuadraticsGame, GameInvalid>): { path: string; problem: string } => {
  if (Result.isSuccess(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.success)}`)
  return { path: r.failure.path, problem: r.failure.problem }
}

describe("Eq. 19 with the paper's parameters", () => {
  it("gives the values worked out by hand", () => {
    const r = (u1: number, u2: number) => quadraticsReward(defaultGame, u1, u2)
    expect(r(5, 5)).toBe(10) // f2's peak: 0 + c
    expect(r(-5, -5)).toBe(0) // f1's peak
    // (0, 0): f1 = 0.8·(−(5/3)² − (5/3)²) = −40/9; f2 = −25 − 25 + 10 = −40
    expect(r(0, 0)).toBeCloseTo(-40 / 9, 12)
    // (4, 5): f2 = −1 + 10 = 9 beats f1 = 0.8·(−9 − 100/9)
    expect(r(4, 5)).toBe(9)
    // (10, 10): f1 = 0.8·(−25 − 25) = −40 and f2 = −25 − 25 + 10 = −40
    expect(r(10, 10)).toBeCloseTo(-40, 12)
    // (10, −10): f1 = 0.8·(−25 − 25/9) = −22.22…, f2 = −25 − 225 + 10 = −240
    expect(r(10, -10)).toBeCloseTo(0.8 * (-25 - 25 / 9), 12)
  })

  it("has its global optimum at (5, 5) with 10 and its local one at (−5, −5) with 0", () => {
    expect(gameOptima(defaultGame)).toEqual({ global: { at: [5, 5], value: 10 }, local: { at: [-5, -5], value: 0 } })
  })
})

describe("the optima follow the game's own parameters", () => {
  it("moves the global optimum with the narrow peak", () => {
    const moved = { ...defaultGame, x2: -2, y2: 6 }
    expect(gameOptima(moved)).toEqual({ global: { at: [-2, 6], value: 10 }, local: { at: [-5, -5], value: 0 } })
  })

  it("calls the wide peak global when it is the higher one", () => {
    // c = −3: the narrow peak is worth −3 (f1 there is 0.8·(−(10/3)²·2) = −17.8, so it is still a peak).
    const lowNarrow = { ...defaultGame, c: -3 }
    expect(gameOptima(lowNarrow)).toEqual({ global: { at: [-5, -5], value: 0 }, local: { at: [5, 5], value: -3 } })
  })
})

describe("outcome rule", () => {
  const optima = gameOptima(defaultGame)
  it("is opt within distance 1 of the global optimum, sub-opt within 1 of the local one, else other", () => {
    expect(classifyOutcome(optima, [5, 5])).toBe("opt")
    expect(classifyOutcome(optima, [5.6, 5.8])).toBe("opt") // distance exactly 1
    expect(classifyOutcome(optima, [5.61, 5.8])).toBe("other")
    expect(classifyOutcome(optima, [-4.3, -5.5])).toBe("sub-opt")
    expect(classifyOutcome(optima, [-5, -6.01])).toBe("other")
    expect(classifyOutcome(optima, [0, 0])).toBe("other")
  })

  it("reads a moved game against its own optima", () => {
    const moved = gameOptima({ ...defaultGame, x2: -2, y2: 6 })
    expect(classifyOutcome(moved, [-2.3, 6.2])).toBe("opt")
    expect(classifyOutcome(moved, [5, 5])).toBe("other")
    expect(classifyOutcome(moved, [-5, -5])).toBe("sub-opt")
  })
})

describe("game files", () => {
  it("fill missing fields with the paper's values", () => {
    expect(parseGame("{}", "g.json")).toEqual(Result.succeed(defaultGame))
    expect(parseGame('{"x2": -2, "y2": 6}', "g.json")).toEqual(Result.succeed({ ...defaultGame, x2: -2, y2: 6 }))
  })

  it("fail naming the JSON path of the first problem", () => {
    expect(failure(parseGame("[1, 2]", "g.json")).path).toBe("$")
    expect(failure(parseGame("{\"x2\": 5,", "g.json"))).toMatchObject({ path: "$", problem: expect.stringMatching(/^not JSON/) })
    expect(failure(parseGame('{"x3": 1}', "g.json"))).toMatchObject({ path: "$.x3", problem: expect.stringMatching(/unknown field/) })
    expect(failure(parseGame('{"h2": "1"}', "g.json"))).toMatchObject({ path: "$.h2", problem: 'expected a number, got the string "1"' })
    expect(failure(parseGame('{"s1": 0}', "g.json"))).toMatchObject({ path: "$.s1", problem: "must be > 0 (got 0)" })
    expect(failure(parseGame('{"bound": -1}', "g.json")).path).toBe("$.bound")
    expect(failure(decodeGame({ c: Number.POSITIVE_INFINITY }, "g.json"))).toMatchObject({ path: "$.c", problem: "not a finite number (Infinity)" })
    expect(failure(parseGame('{"y2": 11}', "g.json"))).toMatchObject({ path: "$.y2", problem: expect.stringMatching(/outside the action range/) })
    // Both peaks worth 0: no global optimum.
    expect(failure(parseGame('{"c": 0}', "g.json"))).toMatchObject({ path: "$.c", problem: expect.stringMatching(/neither is the global/) })
    // The narrow peak sits on the wide one's slope, where it is larger: (−5, −5) is no longer a peak.
    expect(failure(parseGame('{"x2": -4, "y2": -4}', "g.json"))).toMatchObject({ path: "$", problem: expect.stringMatching(/first quadratic's centre/) })
    // Far from the wide peak but low: the narrow centre is under f1.
    expect(failure(parseGame('{"c": -30}', "g.json"))).toMatchObject({ path: "$", problem: expect.stringMatching(/second quadratic's centre/) })
    // Two sharp peaks 1 apart: valid peaks, but the outcome discs would overlap.
    const close = '{"s1": 0.1, "s2": 0.1, "h1": 1, "x2": -4, "y2": -5, "c": 1}'
    expect(failure(parseGame(close, "g.json"))).toMatchObject({ path: "$", problem: expect.stringMatching(/more than 2 apart/) })
  })

  it("say what a valid file looks like", () => {
    const r = parseGame('{"s2": "one"}', "my-game.json")
    if (Result.isSuccess(r)) throw new Error("expected a failure")
    expect(r.failure.message).toMatch(/^Invalid game in my-game\.json at \$\.s2: expected a number/)
    expect(r.failure.message).toContain('{"x2": -2, "y2": 6}')
  })
})
