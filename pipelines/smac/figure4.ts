/**
 * Figure 4's full protocol as a sweep spec: VDN, QMIX, QTRAN and FSV on 2s3z, 3s_vs_5z and
 * MMM2, 2M environment steps and 5 seeds per learner and map (Section 5.3), one recipe for all
 * four learners. The committed specs are this function's output, and a test keeps them equal:
 * `pipelines/smac/sweeps/figure4-paper.json` for the `pymarl` recipe (the SMAC paper's setup,
 * PyMARL's episode runner) and `figure4-paper-pymarl-quarter.json` for `pymarl-quarter` (today's
 * defaults: a quarter of the updates, about a quarter of the update cost).
 *
 *   fsv sweep pipelines/smac/sweeps/figure4-paper.json --store S            # this machine
 *   fsv sweep pipelines/smac/sweeps/figure4-paper.json --cluster postgres://…  # N runners
 */
import { type SmacPreset, smacPresetConfig } from "./presets.ts"
import { PAPER_BUDGET } from "./stage.ts"

export const FIGURE4_MAPS = ["2s3z", "3s_vs_5z", "MMM2"] as const
export const FIGURE4_ALGOS = ["vdn", "qmix", "qtran", "fsv"] as const

/** The sweep spec's file name (without .json) for `preset`. */
export const figure4SweepName = (preset: SmacPreset): string => preset === "pymarl" ? "figure4-paper" : `figure4-paper-${preset}`

/**
 * The sweep spec of Figure 4 at `steps` per run over `seeds` (the paper: 2M and 5 runs), under
 * `preset` (`--preset`'s recipes).
 */
export const figure4Sweep = (seeds: ReadonlyArray<number> = [0, 1, 2, 3, 4], steps: number = PAPER_BUDGET, preset: SmacPreset = "pymarl") => ({
  name: figure4SweepName(preset),
  stage: "smac",
  // One run per (map, learner, seed): each run's artifact is what `fsv reproduce smac --maps M
  // --algos A --seeds S --budget paper --preset P` would write, so runs done either way are shared.
  base: { ...smacPresetConfig(steps, preset), maps: ["2s3z"], algos: ["qmix"], seeds: [0] },
  grid: {
    maps: FIGURE4_MAPS.map((m) => [m]),
    algos: FIGURE4_ALGOS.map((a) => [a]),
    seeds: seeds.map((s) => [s])
  },
  budget: { steps, stepsPath: "run.steps", maxRuns: FIGURE4_MAPS.length * FIGURE4_ALGOS.length * seeds.length }
})
