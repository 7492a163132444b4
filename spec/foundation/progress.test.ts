/**
 * The progress line's rate and time left, with a fake clock: work resumed from a checkpoint
 * (`skip`) counts as done but not towards the rate.
 */
import { describe, expect, it } from "vitest"
import { makeStreamProgress } from "../../src/progress/Progress.ts"

const capture = () => {
  const lines: Array<string> = []
  let t = 0
  const progress = makeStreamProgress({ write: (s) => void lines.push(s), isTTY: false }, () => t)
  return { lines, progress, advance: (ms: number) => void (t += ms) }
}

describe("progress lines", () => {
  it("rate = units done in this process over elapsed seconds; time left from that rate", () => {
    const { lines, progress, advance } = capture()
    const task = progress.task("run", 1000)
    advance(10_000)
    task.update(200) // 200 steps in 10 s: 20 steps/s, 800 left: 40 s
    expect(lines.at(-1)).toContain("20% 200/1000 steps · 20 steps/s · 10s elapsed, ~40s left")
  })

  it("resumed work counts towards done but not towards the rate", () => {
    const { lines, progress, advance } = capture()
    const task = progress.task("run", 1000)
    task.skip?.(600) // resumed at 600
    advance(10_000)
    task.update(700) // 100 new steps in 10 s: 10 steps/s, 300 left: 30 s
    expect(lines.at(-1)).toContain("70% 700/1000 steps · 10 steps/s · 10s elapsed, ~30s left")
  })
})
