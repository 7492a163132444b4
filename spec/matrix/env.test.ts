import { Result } from "effect"
import { describe, expect, it } from "vitest"
import {
  decodePayoff,
  gameFromFlat,
  isOptimal,
  MAX_JOINT_ACTIONS,
  nestFlat,
  nonMonotonicGame,
  observation,
  parsePayoff,
  matrixReward
} from "../../src/envs/matrix.ts"

const problem = (text: string) => {
  const r = parsePayoff(text, "game.json")
  if (Result.isSuccess(r)) throw new Error("expected a failure")
  return r.failure
}

describe("the paper's game (Table 1)", () => {
  it("pays 8 at (A,A), −12 on the rest of row and column A, 0 elsewhere", () => {
    expect(matrixReward(nonMonotonicGame, [0, 0])).toBe(8)
    for (const k of [1, 2]) {
      expect(matrixReward(nonMonotonicGame, [0, k])).toBe(-12)
      expect(matrixReward(nonMonotonicGame, [k, 0])).toBe(-12)
      for (const l of [1, 2]) expect(matrixReward(nonMonotonicGame, [k, l])).toBe(0)
    }
    expect(isOptimal(nonMonotonicGame, [0, 0])).toBe(true)
    expect(isOptimal(nonMonotonicGame, [1, 1])).toBe(false)
  })

  it("agent i observes the one state feature and its one-hot id", () => {
    expect(observation(nonMonotonicGame, 1)).toEqual([1, 0, 1])
  })
})

describe("payoff files", () => {
  it("a valid three-agent game reads back row-major, agent 1 most significant", () => {
    const payoff = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    const r = parsePayoff(JSON.stringify({ actionCounts: [2, 2, 2], payoff }), "g.json")
    if (!Result.isSuccess(r)) throw new Error(r.failure.message)
    expect(r.success.flat).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(matrixReward(r.success, [1, 0, 1])).toBe(6)
    expect(nestFlat(r.success.flat, [2, 2, 2])).toEqual(payoff)
    expect(gameFromFlat([2, 2, 2], r.success.flat).payoff).toEqual(payoff)
  })

  it("a ragged array is named by its JSON path", () => {
    const e = problem(JSON.stringify({ actionCounts: [2, 3], payoff: [[1, 2, 3], [4, 5]] }))
    expect(e._tag).toBe("PayoffInvalid")
    expect(e.path).toBe("$.payoff[1]")
    expect(e.message).toContain("game.json at $.payoff[1]")
  })

  it("a ragged array deeper down is named by its JSON path", () => {
    const e = problem(JSON.stringify({ actionCounts: [2, 2, 2], payoff: [[[1, 2], [3, 4]], [[5, 6], [7]]] }))
    expect(e.path).toBe("$.payoff[1][1]")
    expect(e.problem).toMatch(/ragged|entries/)
  })

  it("a non-finite number is named by its JSON path (1e999 parses to Infinity)", () => {
    const e = problem('{"actionCounts":[2,2],"payoff":[[1,2],[3,1e999]]}')
    expect(e.path).toBe("$.payoff[1][1]")
    expect(e.problem).toContain("finite")
  })

  it("a string where a number belongs is named by its JSON path", () => {
    const e = problem('{"actionCounts":[2,2],"payoff":[[1,"NaN"],[3,4]]}')
    expect(e.path).toBe("$.payoff[0][1]")
  })

  it("a size that does not match the action counts is named by its JSON path", () => {
    expect(problem(JSON.stringify({ actionCounts: [3, 3], payoff: [[1, 2, 3], [4, 5, 6]] })).path).toBe("$.payoff")
    expect(problem(JSON.stringify({ actionCounts: [2, 2], payoff: [[1, 2, 3], [4, 5, 6]] })).path).toBe("$.payoff[0]")
    expect(problem(JSON.stringify({ actionCounts: [2, 2], payoff: [[1, [2]], [4, 5]] })).path).toBe("$.payoff[0][1]")
    expect(problem(JSON.stringify({ actionCounts: [2, 2], payoff: [1, 2] })).path).toBe("$.payoff[0]")
  })

  it("fewer than 2 agents fails at $.actionCounts", () => {
    const e = problem(JSON.stringify({ actionCounts: [3], payoff: [1, 2, 3] }))
    expect(e.path).toBe("$.actionCounts")
    expect(e.problem).toContain("at least 2 agents")
  })

  it("bad action counts, missing fields, unknown fields and non-JSON are named too", () => {
    expect(problem(JSON.stringify({ actionCounts: [2, 0], payoff: [] })).path).toBe("$.actionCounts[1]")
    expect(problem(JSON.stringify({ actionCounts: [2, 2] })).path).toBe("$.payoff")
    expect(problem(JSON.stringify({ payoff: [] })).path).toBe("$.actionCounts")
    expect(problem(JSON.stringify({ actionCounts: [2, 2], payoff: [[1, 2], [3, 4]], actions: 2 })).path).toBe("$.actions")
    expect(problem("{ not json").path).toBe("$")
    expect(problem("[1, 2]").path).toBe("$")
    expect(problem(JSON.stringify({ actionCounts: [64, 65], payoff: [] })).problem).toContain(`${MAX_JOINT_ACTIONS}`)
  })

  it("decodePayoff takes a parsed document", () => {
    expect(Result.isSuccess(decodePayoff({ actionCounts: [1, 2], payoff: [[0, 1]] }, "x"))).toBe(true)
  })
})
