/**
 * checkIgm on FSV's mixer as training leaves it: the matrix FSV learner trained briefly on the
 * paper's game, its λ_i(s, u), w and b read out of the parameters (fsvMixingOf), and Eq. 7
 * mixed in float64 by `fsvMixer` with the Q_i as free inputs. In the greedy limit (α → 0)
 * Theorem 2 says λ > 0 is enough for IGM; the same trained mixer with one agent's λ negated,
 * and the Q_1 + Q_2 − 2·Q_1·Q_2, must be rejected with a counterexample.
 */
import * as tf from "@tensorflow/tfjs"
import { beforeAll, describe, expect, it } from "vitest"
import { argmaxJoint, individualArgmax, jointActions, jointTable } from "../../src/core/factorization.ts"
import { nonMonotonicGame } from "../../src/envs/matrix.ts"
import { defaultDiscreteFsvConfig, makeDiscreteFsv } from "../../src/learners/fsv/discrete.ts"
import { fsvMixingOf } from "../../pipelines/matrix/fsvMixing.ts"
import { createMatrixTrainer, gameShape, type Slice, type SliceResult } from "../../pipelines/matrix/train.ts"
import { checkIgm, type FsvMixing, fsvMixer, InvalidCheckOptions, type Mixer, propertyRuns } from "../../src/theory/index.ts"
import { useWasm } from "../learners/reference.ts"

const steps = 600
const game = nonMonotonicGame
const slices: ReadonlyArray<Slice> = [{ seed: 0, alpha0: 0.01 }, { seed: 1, alpha0: 0.01 }]
const learner = makeDiscreteFsv(gameShape(game), defaultDiscreteFsvConfig(steps), slices.map((s) => s.alpha0!))

let initial: Array<FsvMixing> = []
let trained: Array<FsvMixing> = []
let results: Array<SliceResult> = []

beforeAll(async () => {
  await useWasm()
  const trainer = createMatrixTrainer({ game, learner, slices, rootSeed: 0, label: ["spec", "fsv trained igm"], steps })
  const tensors = tf.memory().numTensors
  initial = fsvMixingOf({ game, learner, slices, parameters: trainer.parameters().slice(), step: 0 })
  expect(tf.memory().numTensors, "fsvMixingOf leaves no tensor behind").toBe(tensors)
  trainer.advance(steps)
  trained = fsvMixingOf({ game, learner, slices, parameters: trainer.parameters(), step: steps })
  results = trainer.results()
  trainer.dispose()
})

/** The IGM violation `report` claims, re-derived from its Q tables with plain loops. */
const expectRealCounterexample = (mixer: Mixer, report: ReturnType<typeof checkIgm>) => {
  expect(report.ok).toBe(false)
  const cx = report.counterexample!
  const table = jointTable(cx.qs, (chosen, actions) => mixer(chosen, { qs: cx.qs, actions }))
  expect(individualArgmax(cx.qs)).toEqual(cx.greedy)
  expect(argmaxJoint(table, cx.qs.map((q) => q.length))).not.toEqual(cx.greedy)
  expect(cx.qTotRival).toBeGreaterThanOrEqual(cx.qTotGreedy)
}

describe("FSV's trained mixer (matrix game, 600 steps, α0 = 0.01, seeds 0 and 1)", () => {
  it("fsvMixer at the trained α reproduces the network's Q_tot from its own Q_i, to float32 rounding", () => {
    for (const [s, m] of trained.entries()) {
      expect(m.alpha).toBeCloseTo(0.01, 12)
      const { agentQ, qTot } = results[s]!
      const mixer = fsvMixer(m)
      jointActions(game.actionCounts).forEach((u, j) => {
        const ours = mixer(u.map((a, i) => agentQ[i]![a]!), { qs: agentQ, actions: u })
        expect(Math.abs(ours - qTot[j]!), `seed ${slices[s]!.seed}, joint action ${u}`).toBeLessThan(1e-4 * (1 + Math.abs(qTot[j]!)))
      })
    }
  })

  it("training moved λ away from its initial values, and kept λ > 0 and w ≥ 0", () => {
    for (const [s, m] of trained.entries()) {
      const moved = m.lambda.flatMap((row, j) => row.map((l, i) => Math.abs(l - initial[s]!.lambda[j]![i]!)))
      expect(Math.max(...moved)).toBeGreaterThan(0.01)
      expect(Math.min(...m.lambda.flat())).toBeGreaterThan(0)
      expect(Math.min(...m.w)).toBeGreaterThanOrEqual(0)
    }
  })

  it("is IGM in the greedy limit (α = 0, and α = 10⁻³) on random Q tables", () => {
    for (const m of trained) {
      for (const alpha of [0, 1e-3]) {
        const report = checkIgm(fsvMixer({ ...m, alpha }), { agents: 2, actions: 3 })
        expect(report).toMatchObject({ ok: true, cases: propertyRuns() })
      }
    }
  })

  it("is not IGM at α = 1, training's starting temperature: Theorem 2 is a statement about the greedy limit", () => {
    // At α > 0 every Q_i − V_i is negative, and a λ that varies with u can favour a non-greedy joint action.
    for (const m of trained) {
      const soft = fsvMixer({ ...m, alpha: 1 })
      expectRealCounterexample(soft, checkIgm(soft, { agents: 2, actions: 3 }))
    }
  })

  it("is rejected with a counterexample when agent 1's trained λ is negated (λ > 0 is what IGM rests on)", () => {
    for (const m of trained) {
      const flipped = fsvMixer({ ...m, alpha: 0, lambda: m.lambda.map(([l1, ...rest]) => [-l1!, ...rest]) })
      expectRealCounterexample(flipped, checkIgm(flipped, { agents: 2, actions: 3 }))
    }
  })

  it("still rejects Q_tot = Q_1 + Q_2 − 2·Q_1·Q_2 on values in [0, 1]", () => {
    const broken: Mixer = (q) => q[0]! + q[1]! - 2 * q[0]! * q[1]!
    expectRealCounterexample(broken, checkIgm(broken, { agents: 2, actions: 3, values: { min: 0, max: 1 } }))
  })

  it("refuses Q tables of another shape than the game's, and a malformed mixing", () => {
    const report = checkIgm(fsvMixer(trained[0]!), { agents: 2, actions: 2, runs: 3 })
    expect(report.ok).toBe(false)
    expect(report.error).toBeInstanceOf(InvalidCheckOptions)
    expect(() => fsvMixer({ ...trained[0]!, lambda: trained[0]!.lambda.slice(1) })).toThrow(InvalidCheckOptions)
    expect(() => fsvMixer({ ...trained[0]!, alpha: -1 })).toThrow(InvalidCheckOptions)
  })
})
