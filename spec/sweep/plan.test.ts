import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { runStage } from "../../src/store/Stage.ts"
import { planSweep } from "../../src/sweep/Plan.ts"
import {
  decodeSpec,
  expandGrid,
  gridProblems,
  setPath,
  SpecInvalid,
  type SweepSpec
} from "../../src/sweep/Spec.ts"
import { registry } from "../fixtures/sweepStages.ts"
import { tinyLayers, tinyStage } from "../fixtures/tinyStage.ts"

const problemsOf = <A>(exit: Exit.Exit<A, unknown>): Array<string> => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (!error || !(error.error instanceof SpecInvalid)) throw new Error(`expected SpecInvalid, got ${String(exit.cause)}`)
  return error.error.problems.map((p) => `${p.path}: ${p.message}`)
}

const plan = (spec: SweepSpec) =>
  Effect.runPromiseExit(planSweep(spec, registry, { file: "spec.json", backend: "wasm" }))

describe("grid expansion (pure)", () => {
  it("sets a dotted path in a copy, creating objects on the way", () => {
    const base = { learner: { lr: 1, depth: 2 }, steps: 5 }
    expect(setPath(base, "learner.lr", 0.5)).toEqual({ learner: { lr: 0.5, depth: 2 }, steps: 5 })
    expect(setPath(base, "env.map", "3m")).toEqual({ learner: { lr: 1, depth: 2 }, steps: 5, env: { map: "3m" } })
    expect(base).toEqual({ learner: { lr: 1, depth: 2 }, steps: 5 })
  })

  it("is the cartesian product over sorted grid paths, last path fastest, budget steps applied", () => {
    const spec: SweepSpec = {
      name: "t",
      stage: "count-fit",
      base: { holdMs: 0 },
      grid: { seed: [1, 2], "learner.lr": [0.1, 0.2, 0.3] },
      budget: { steps: 40 }
    }
    const points = expandGrid(spec)
    // "learner.lr" < "seed": lr is the outer loop, seed the inner one.
    expect(points.map((p) => [p.params["learner.lr"], p.params["seed"]])).toEqual([
      [0.1, 1], [0.1, 2], [0.2, 1], [0.2, 2], [0.3, 1], [0.3, 2]
    ])
    expect(points[3]!.config).toEqual({ holdMs: 0, steps: 40, learner: { lr: 0.2 }, seed: 2 })
    expect(points[3]!.indices).toEqual({ "learner.lr": 1, seed: 1 })
    // the order of keys in the file does not matter
    const swapped = expandGrid({ ...spec, grid: { "learner.lr": [0.1, 0.2, 0.3], seed: [1, 2] } })
    expect(swapped).toEqual(points)
  })

  it("names grid paths that cannot be set, a budget exceeded, and a grid fighting the budget", () => {
    expect(gridProblems({ name: "t", stage: "s", base: { learner: 3 }, grid: { "learner.lr": [1] } })).toEqual([
      { path: 'grid["learner.lr"]', message: 'base.learner is not an object, so "learner.lr" cannot be set' }
    ])
    expect(gridProblems({ name: "t", stage: "s", grid: { a: [1, 2, 3], b: [1, 2] }, budget: { maxRuns: 5 } })).toEqual([
      { path: "budget.maxRuns", message: "the grid expands to 6 runs, more than the budget of 5" }
    ])
    expect(gridProblems({ name: "t", stage: "s", grid: { steps: [1, 2] }, budget: { steps: 9 } })[0]!.path).toBe('grid["steps"]')
    expect(gridProblems({ name: "t", stage: "s", grid: {} })[0]!.path).toBe("grid")
  })
})

describe("spec decoding", () => {
  it("a malformed spec names the path of every bad field", async () => {
    const exit = await Effect.runPromiseExit(
      decodeSpec({ name: "", stage: "count-fit", grid: { seed: 3, lr: [] }, budget: { maxRuns: 0 } }, "spec.json")
    )
    const problems = problemsOf(exit)
    expect(problems).toContain('grid["seed"]: Expected array')
    expect(problems).toContain('grid["lr"]: Expected a value with a length of at least 1')
    expect(problems.some((p) => p.startsWith("name: "))).toBe(true)
    expect(problems.some((p) => p.startsWith("budget.maxRuns: "))).toBe(true)
  })

  it("a grid value the stage's config Schema refuses is named by its index in the grid", async () => {
    const spec: SweepSpec = { name: "t", stage: "count-fit", base: { steps: 5, holdMs: 0 }, grid: { seed: [1, 2], lr: [0.1, 0.2, -1] } }
    expect(problemsOf(await plan(spec))).toEqual(['grid["lr"][2]: Expected a value greater than 0'])
    const badBase = await plan({ ...spec, base: { steps: 0, holdMs: 0 }, grid: { seed: [1], lr: [0.1] } })
    expect(problemsOf(badBase)).toEqual(["base.steps: Expected a value greater than or equal to 1"])
    const missing = await plan({ ...spec, base: { steps: 5 }, grid: { seed: [1], lr: [0.1] } })
    expect(problemsOf(missing)).toEqual(["base.holdMs: Missing key"])
    const unknown = await plan({ ...spec, stage: "nope" })
    expect(problemsOf(unknown)[0]).toMatch(/^stage: no stage named "nope" \(known: .*count-fit/)
  })

  it("the expected key of a run is the key runStage gives the same stage and config", async () => {
    const spec: SweepSpec = {
      name: "t",
      stage: "tiny-fit",
      base: { steps: 20, padFiles: 0, padBytes: 0, fail: false },
      grid: { seed: [7, 8] }
    }
    const planned = await Effect.runPromise(planSweep(spec, registry, { file: "spec.json", backend: "wasm" }))
    const root = mkdtempSync(join(tmpdir(), "fsv-sweep-key-"))
    const ref = await Effect.runPromise(
      runStage(tinyStage, { seed: 7, steps: 20, padFiles: 0, padBytes: 0, fail: false }).pipe(Effect.provide(tinyLayers(root)))
    )
    expect(planned.runs.map((r) => r.params)).toEqual([{ seed: 7 }, { seed: 8 }])
    expect(planned.runs[0]!.item.key).toBe(ref.digest)
    expect(planned.runs[1]!.item.key).not.toBe(ref.digest)
    // the summary's inputs are the runs' keys, so its key (the sweep's id) covers them
    expect(planned.summary.inputs.map((i) => i.digest)).toEqual(planned.runs.map((r) => r.item.key))
    expect(planned.id).toBe(planned.summary.key)
  })
})
