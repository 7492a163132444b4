import { describe, expect, it } from "vitest"
import type { RunState } from "../../src/sweep/Board.ts"
import { countStatuses, resolveStatus } from "../../src/sweep/Status.ts"
import { band, numericFields, seedGroups, type SummaryRow, summaryFiles, toCsv } from "../../src/sweep/Summary.ts"

const row = (input: string, lr: number, seed: number, loss: number): SummaryRow => ({
  input,
  digest: `d-${input}`,
  params: { "learner.lr": lr, seed },
  metrics: { loss }
})

describe("summary tables (pure)", () => {
  it("collects every finite number of a result, nested keys dotted, arrays skipped", () => {
    expect(numericFields({ loss: 0.5, eval: { win: 0.25, curve: [1, 2] }, map: "3m", done: true, n: null })).toEqual({
      loss: 0.5,
      "eval.win": 0.25
    })
    expect(numericFields(3)).toEqual({})
  })

  it("bands: mean, sample standard deviation, min, max", () => {
    // xs = 1, 2, 3, 4: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; s² = 5 / 3
    const b = band([1, 2, 3, 4])
    expect(b.mean).toBe(2.5)
    expect(b.std).toBeCloseTo(Math.sqrt(5 / 3), 15)
    expect([b.min, b.max]).toEqual([1, 4])
    expect(band([7])).toEqual({ mean: 7, std: 0, min: 7, max: 7 })
  })

  it("groups runs that differ only in their seed", () => {
    const rows = [row("run-0000", 0.1, 1, 1), row("run-0001", 0.1, 2, 3), row("run-0002", 0.2, 1, 10), row("run-0003", 0.2, 2, 20)]
    const groups = seedGroups(["learner.lr", "seed"], rows)
    expect(groups.map((g) => [g.params, g.n, g.metrics["loss"]!.mean, g.metrics["loss"]!.min])).toEqual([
      [{ "learner.lr": 0.1 }, 2, 2, 1],
      [{ "learner.lr": 0.2 }, 2, 15, 10]
    ])
    // two values: s = |a − b| / √2
    expect(groups[1]!.metrics["loss"]!.std).toBeCloseTo(10 / Math.SQRT2, 12)
  })

  it("writes CSV with quoting where a cell needs it", () => {
    expect(toCsv(["a", "b"], [[1, 'say "hi", then'], ["x\ny", undefined]])).toBe('a,b\n1,"say ""hi"", then"\n"x\ny",\n')
    const files = summaryFiles(
      { name: "t", stage: "count-fit", parameters: ["learner.lr", "seed"], runs: [] },
      [row("run-0000", 0.1, 1, 1), row("run-0001", 0.1, 2, 3)]
    )
    expect(files["runs.csv"]).toBe("run,digest,learner.lr,seed,loss\nrun-0000,d-run-0000,0.1,1,1\nrun-0001,d-run-0001,0.1,2,3\n")
    expect(files["seeds.csv"]).toBe(`learner.lr,n,loss.mean,loss.std,loss.min,loss.max\n0.1,2,2,${Math.SQRT2},1,3\n`)
  })
})

describe("run status (pure)", () => {
  const state = (s: RunState["state"]): RunState => ({ state: s, worker: "w", attempts: 1, detail: "", updatedAt: 0 })

  it("the store decides done; the board adds running, failed, and interrupted when its owner is gone", () => {
    expect(resolveStatus(true, state("failed"))).toBe("done")
    expect(resolveStatus(false, undefined)).toBe("pending")
    expect(resolveStatus(false, state("running"), true)).toBe("running")
    expect(resolveStatus(false, state("running"), false)).toBe("interrupted")
    expect(resolveStatus(undefined, state("running"))).toBe("running")
    expect(resolveStatus(false, state("failed"))).toBe("failed")
    // the board remembers it done, but the store at hand lacks it
    expect(resolveStatus(false, state("done"))).toBe("pending")
    expect(resolveStatus(undefined, state("done"))).toBe("done")
  })

  it("counts interrupted runs as pending", () => {
    const statuses = ["done", "done", "running", "failed", "interrupted", "pending"] as const
    expect(countStatuses(statuses.map((status) => ({ status })))).toEqual({ total: 6, done: 2, running: 1, failed: 1, pending: 2 })
  })
})
