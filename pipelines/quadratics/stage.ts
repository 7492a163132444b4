/**
 * `fsv reproduce quadratics` as a stage: Section 5.2's Max of Two Quadratics game for FSV,
 * MADDPG, QMIX-DDPG and VDN-DDPG, every learner over every seed. The config holds
 * everything that determines the bytes: the game, the seeds, the budget, which learners
 * run and all their hyperparameters.
 *
 * Each learner trains all its seeds as one batched program with a leading seed dimension;
 * the programs run on up to `FSV_JOBS` worker threads (default: up to 2), which changes the
 * wall time, not the bytes.
 *
 * Files: result.json (runs, outcomes, learning curves and the Table 7 counts), report.md
 * (Table 7's layout), reward-surface.svg (Figure 3a with every run's final joint action)
 * and curves.svg (Figure 3b: mean reward against training steps, a band of ±1 standard
 * deviation over seeds).
 */
import { Effect } from "effect"
import type { BackendName } from "../../src/backend/Backend.ts"
import { quadraticsProgramModule } from "./program.ts"
import { trainPrograms, jobsFromEnv } from "../../src/runtime/pool.ts"
import { vegaLiteToSvg } from "../../src/report/svg.ts"
import { defineStage } from "../../src/store/Stage.ts"

import { QuadraticsConfig, quadraticsPrograms } from "./config.ts"
import { buildResult, curvesSpec, quadraticsReportMarkdown, quadraticsResultJson, surfaceSpec } from "./report.ts"
// ---------------------------------------------------------------------------------------
// The stage

export interface RunOptions {
  readonly jobs: number
  readonly backend: BackendName
  /** Total environment steps done so far, over all programs. */
  readonly onProgress?: (steps: number) => void
}

/** Train every learner and build the artifact's files; also each program's wall time (for the bench). */
export const runQuadratics = (config: QuadraticsConfig, options: RunOptions) =>
  Effect.gen(function*() {
    const programs = quadraticsPrograms(config)
    const done = programs.map(() => 0)
    const outcomes = yield* trainPrograms(quadraticsProgramModule, programs, {
      jobs: options.jobs,
      backend: options.backend,
      onProgress: (i, steps) => {
        done[i] = steps
        options.onProgress?.(done.reduce((a, b) => a + b, 0))
      }
    })
    const perAlgo = programs.map((p, i) => ({ algo: p.algo, outcome: outcomes[i]! }))
    const result = buildResult(config, perAlgo)
    const surface = yield* Effect.promise(() => vegaLiteToSvg(surfaceSpec(result, config.algos)))
    const curves = yield* Effect.promise(() => vegaLiteToSvg(curvesSpec(result, config.algos)))
    const files = {
      "result.json": quadraticsResultJson(result),
      "report.md": quadraticsReportMarkdown(result, config),
      "reward-surface.svg": surface,
      "curves.svg": curves
    }
    return { files, result, seconds: perAlgo.map((p) => ({ algo: p.algo, seconds: p.outcome.seconds })) }
  })

export const quadraticsStage = defineStage({
  name: "quadratics",
  version: 1,
  description: "Section 5.2: FSV, MADDPG, QMIX-DDPG and VDN-DDPG on the Max of Two Quadratics game (result.json, report.md, figures).",
  config: QuadraticsConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const programs = quadraticsPrograms(config)
      const task = ctx.progress.task(
        `quadratics: ${programs.length} learners × ${config.seeds.length} seeds`,
        programs.length * config.steps,
        "steps"
      )
      const { files } = yield* runQuadratics(config, {
        jobs: jobsFromEnv(),
        backend: ctx.backend as BackendName,
        onProgress: (steps) => task.update(steps)
      })
      task.done()
      return files
    })
})
