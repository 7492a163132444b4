/**
 * The SMAC training recipes (`--preset`): each merged over the defaults decodes as a stage
 * config, carries the values its source file states, and the fsv-authors α schedule is the
 * authors' max(0.05, 0.5 − t/200000) at every step.
 */
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { presetDifferences, SMAC_PRESETS, smacPresetConfig } from "../../pipelines/smac/presets.ts"
import { buildSmacLearner } from "../../pipelines/smac/learners.ts"
import { smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { defaultSmacConfig, SmacConfig } from "../../pipelines/smac/stage.ts"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { RECURRENT_ALGOS } from "../../src/learners/recurrent.ts"

const withPreset = (name: (typeof SMAC_PRESETS)[number]) => Schema.decodeUnknownSync(SmacConfig)(smacPresetConfig(100_000, name))

describe("SMAC presets", () => {
  it("pymarl-quarter is the defaults", () => {
    expect(withPreset("pymarl-quarter")).toEqual(defaultSmacConfig(100_000))
  })

  it("pymarl: the defaults with PyMARL's episode runner, one environment and one update per episode (oxwhirl/pymarl a8f171b)", () => {
    const c = withPreset("pymarl")
    expect(c.run).toMatchObject({ envs: 1, updatesPerRun: 1 })
    const defaults = defaultSmacConfig(100_000)
    expect(defaults.run.updatesPerRun / defaults.run.envs, "the defaults' quarter ratio").toBe(0.25)
    expect({ ...c, run: { ...c.run, envs: defaults.run.envs, updatesPerRun: defaults.run.updatesPerRun } }).toEqual(defaults)
  })

  it("pymarl2: Adam 1e-3, TD(λ) 0.6, batch 128, 4 envs, one update per run, ε over 100k, for every learner (hijkzzz/pymarl2 qmix.yaml)", () => {
    const c = withPreset("pymarl2")
    expect(c.run).toMatchObject({ envs: 4, updatesPerRun: 1, epsilonAnnealSteps: 100_000 })
    for (const algo of RECURRENT_ALGOS) {
      expect(c.learners[algo], algo).toMatchObject({ optimizer: "adam", lr: 0.001, tdLambda: 0.6, batchSize: 128, bufferSize: 5000, targetUpdateEpisodes: 200 })
    }
    expect(c.learners.qmix).toMatchObject({ mixingEmbed: 32, hypernetEmbed: 64 })
  })

  it("fsv-authors: TD(λ) 0.8, RMSProp 5e-4, one environment, 4 heads, α = max(0.05, 0.5 − t/200000) (PKU-RL/FOP-DMAC-MACPF)", () => {
    const c = withPreset("fsv-authors")
    expect(c.run).toMatchObject({ envs: 1, updatesPerRun: 1 })
    for (const algo of RECURRENT_ALGOS) expect(c.learners[algo], algo).toMatchObject({ optimizer: "rmsprop", lr: 0.0005, tdLambda: 0.8 })
    expect(c.learners.fsv.heads).toBe(4)
    const learner = buildSmacLearner("fsv", smacShape(makeEnv(BUILTIN_MAPS["3m"])), c.learners)
    if (learner.exploration.kind !== "energy") throw new Error("FSV explores by its energy policy")
    for (const t of [0, 1, 12_345, 50_000, 89_999, 90_000, 90_001, 150_000, 2_000_000]) {
      expect(learner.exploration.alphaAt(t), `t = ${t}`).toBeCloseTo(Math.max(0.05, 0.5 - t / 200_000), 12)
    }
  })

  describe("presetDifferences: whether a run's config is a preset's recipe (npm run results -- record)", () => {
    // The defaults at the paper's budget as an old artifact's stage.json carries them: plain JSON.
    const defaults = (): any => JSON.parse(JSON.stringify(defaultSmacConfig(2_000_000)))

    it("names each training field that departs, with both values, and nothing for the recipe itself", () => {
      const episode = defaults()
      episode.run.envs = 1
      episode.run.updatesPerRun = 1
      expect(presetDifferences(episode, "pymarl")).toEqual([])
      expect(presetDifferences(defaults(), "pymarl-quarter")).toEqual([])
      expect(presetDifferences(episode, "pymarl-quarter")).toEqual([
        "run.envs: the run has 1, pymarl-quarter sets 8",
        "run.updatesPerRun: the run has 1, pymarl-quarter sets 2"
      ])
      expect(presetDifferences(defaults(), "pymarl2")).toContain("learners.qmix.lr: the run has 0.0005, pymarl2 sets 0.001")
    })

    it("ignores the budget, the maps and seeds, and fields the run's commit did not have yet", () => {
      const old = defaults()
      old.run.steps = 3_000_000
      old.run.testInterval = defaultSmacConfig(3_000_000).run.testInterval
      old.maps = ["MMM2"]
      old.seeds = [7]
      delete old.learners.vdn.tdLambda
      delete old.learners.fsv
      expect(presetDifferences(old, "pymarl-quarter")).toEqual([])
    })
  })
})
