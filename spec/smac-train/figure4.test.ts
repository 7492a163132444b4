/**
 * Figure 4's full protocol as a ready sweep spec: the committed file is `figure4Sweep()`'s
 * output, it plans 3 maps × 4 learners × 5 seeds at 2M steps under one recipe, and each of its
 * runs has the key of the same run made alone with `fsv reproduce smac … --budget paper`, so
 * runs done either way count for both.
 */
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { FIGURE4_ALGOS, FIGURE4_MAPS, figure4Sweep, figure4SweepName } from "../../pipelines/smac/figure4.ts"
import { type SmacPreset, smacPresetConfig } from "../../pipelines/smac/presets.ts"
import { defaultSmacLearnerConfigs } from "../../pipelines/smac/learners.ts"
import { PAPER_BUDGET, smacStage } from "../../pipelines/smac/stage.ts"
import { fsvRegistry } from "../../pipelines/stages.ts"
import { decodeConfig, encodeConfig } from "../../src/store/Stage.ts"
import { expectedKey, planSweep } from "../../src/sweep/Plan.ts"
import { readSpec } from "../../src/sweep/Spec.ts"

const fileOf = (preset: SmacPreset) => join(resolve(import.meta.dirname, "../.."), "pipelines", "smac", "sweeps", `${figure4SweepName(preset)}.json`)

describe.each(["pymarl", "pymarl-quarter"] as const)("Figure 4's sweep spec, preset %s", (preset) => {
  const FILE = fileOf(preset)

  it("is figure4Sweep()'s output (regenerate the file when the defaults change)", () => {
    expect(JSON.parse(readFileSync(FILE, "utf8"))).toEqual(JSON.parse(JSON.stringify(figure4Sweep(undefined, undefined, preset))))
  })

  it("plans every (map, learner, seed) once at 2M steps with one recipe, keyed as the run made alone", async () => {
    const plan = await Effect.runPromise(Effect.flatMap(readSpec(FILE), (spec) => planSweep(spec, fsvRegistry, { file: FILE, backend: "wasm" })))
    expect(plan.runs).toHaveLength(60)
    const seen = new Set<string>()
    for (const run of plan.runs) {
      const config = JSON.parse(run.item.config)
      expect(config.run.steps).toBe(PAPER_BUDGET)
      expect(config.run.testInterval).toBe(100_000)
      expect(config.learners).toEqual(JSON.parse(JSON.stringify(defaultSmacLearnerConfigs)))
      expect(config.run).toEqual(smacPresetConfig(PAPER_BUDGET, preset).run)
      seen.add(`${config.maps}/${config.algos}/${config.seeds}`)
    }
    expect(seen.size).toBe(60)
    for (const m of FIGURE4_MAPS) for (const a of FIGURE4_ALGOS) for (const s of [0, 1, 2, 3, 4]) expect(seen.has(`${m}/${a}/${s}`)).toBe(true)
    // `fsv reproduce smac --maps 3s_vs_5z --algos fsv --seeds 3 --budget paper --preset P`'s config, and its key.
    const alone = await Effect.runPromise(decodeConfig(smacStage, { ...smacPresetConfig(PAPER_BUDGET, preset), maps: ["3s_vs_5z"], algos: ["fsv"], seeds: [3] }))
    const key = expectedKey(smacStage, await Effect.runPromise(encodeConfig(smacStage, alone)), [], "wasm")
    expect(plan.runs.map((r) => r.item.key)).toContain(key)
  })
})

it("the pymarl spec (the default) differs from the pymarl-quarter one in the update ratio only", () => {
  const [a, b] = [figure4Sweep(undefined, undefined, "pymarl-quarter"), figure4Sweep()]
  expect(b.base.run).toMatchObject({ envs: 1, updatesPerRun: 1 })
  expect(a.base.run).toMatchObject({ envs: 8, updatesPerRun: 2 })
  expect({ ...b, name: a.name, base: { ...b.base, run: a.base.run } }).toEqual(a)
})
