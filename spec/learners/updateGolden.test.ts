/**
 * Every learner of every experiment, every FSV stop-gradient mode included, trained for a few
 * updates on the wasm backend, hashed, and compared with `updateGolden.json`.
 *
 * This is a regression golden, not a correctness check: the digests were written by this file
 * (`FSV_WRITE_GOLDEN=1`) at commit 72bd920, before the tree was restructured (issue 16), so that
 * the move — and any later change meant to leave the numbers alone — shows here if it changes a
 * bit of any learner's training. The correctness of each learner is tested elsewhere against
 * plain-loop float64 references (spec/learners, spec/quadratics, spec/smac-train).
 */
import { createHash } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { beforeAll, describe, expect, it } from "vitest"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { BUILTIN_MAPS } from "../../src/envs/smac/MapSpec.ts"
import { nonMonotonicGame } from "../../src/envs/matrix.ts"
import { defaultGame } from "../../src/envs/quadratics.ts"
import { CONTINUOUS_ALGOS } from "../../src/learners/continuous.ts"
import { defaultQuadraticsLearnerConfigs as continuousDefaults, type QuadraticsLearnerConfigs as ContinuousConfigs, buildQuadraticsLearner } from "../../pipelines/quadratics/learners.ts"
import { createQuadraticsTrainer as createContinuousTrainer, quadraticsShape } from "../../pipelines/quadratics/train.ts"
import { DISCRETE_ALGOS } from "../../src/learners/discrete.ts"
import { buildMatrixLearner, defaultMatrixLearnerConfigs as discreteDefaults } from "../../pipelines/matrix/learners.ts"
import { createMatrixTrainer as createDiscreteTrainer, gameShape } from "../../pipelines/matrix/train.ts"
import { RECURRENT_ALGOS } from "../../src/learners/recurrent.ts"
import { buildSmacLearner, defaultSmacLearnerConfigs } from "../../pipelines/smac/learners.ts"
import { encodeCheckpoint } from "../../pipelines/smac/checkpoint.ts"
import { smacShape } from "../../pipelines/smac/EpisodeRunner.ts"
import { createSmacTrainer, defaultSmacRunSettings } from "../../pipelines/smac/train.ts"

const GOLDEN = new URL("./updateGolden.json", import.meta.url)
const write = process.env["FSV_WRITE_GOLDEN"] === "1"
const golden: Record<string, string> = write ? {} : JSON.parse(readFileSync(GOLDEN, "utf8"))
const got: Record<string, string> = {}
const sha = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex")

const GRADIENTS = ["eq33", "eq33-strict", "eq7"] as const
type Gradients = (typeof GRADIENTS)[number]

/** Each algorithm once, FSV once per stop-gradient mode. */
const variantsOf = <A extends string>(algos: ReadonlyArray<A>): Array<readonly [A, Gradients | null]> =>
  algos.flatMap((algo): Array<readonly [A, Gradients | null]> =>
    algo === "fsv" ? GRADIENTS.map((g) => [algo, g] as const) : [[algo, null] as const]
  )

beforeAll(async () => {
  await tf.setBackend("wasm")
  await tf.ready()
})

const check = (key: string, digest: string): void => {
  got[key] = digest
  if (write) writeFileSync(GOLDEN, JSON.stringify(got, null, 2) + "\n")
  else expect(digest, key).toBe(golden[key])
}

describe("matrix learners (60 steps, two seeds)", () => {
  const variants = variantsOf(DISCRETE_ALGOS)
  it.each(variants)("%s %s", (algo, gradients) => {
    const steps = 60
    const defaults = discreteDefaults(steps)
    const configs = gradients === null ? defaults : { ...defaults, fsv: { ...defaults.fsv, gradients } }
    const slices = [{ seed: 3, alpha0: algo === "fsv" ? 0.1 : null }, { seed: 5, alpha0: algo === "fsv" ? 0.01 : null }]
    const t = createDiscreteTrainer({
      game: nonMonotonicGame,
      learner: buildMatrixLearner(algo, gameShape(nonMonotonicGame), configs, slices.map((s) => s.alpha0 ?? 0)),
      slices,
      rootSeed: 7,
      label: ["golden", algo],
      steps
    })
    try {
      t.advance(steps)
      check(`matrix ${algo} ${gradients ?? ""}`.trim(), sha(new Uint8Array(t.parameters().buffer)) + " " + sha(JSON.stringify(t.results())))
    } finally {
      t.dispose()
    }
  })
})

describe("quadratics learners (60 steps, two seeds)", () => {
  const variants = variantsOf(CONTINUOUS_ALGOS)
  it.each(variants)("%s %s", (algo, gradients) => {
    const steps = 60
    const small = Object.fromEntries(
      CONTINUOUS_ALGOS.map((a) => [a, { ...continuousDefaults[a], warmupSteps: 20, batchSize: 8 }])
    ) as unknown as ContinuousConfigs
    const configs = gradients === null ? small : { ...small, fsv: { ...small.fsv, gradients } }
    const t = createContinuousTrainer({
      game: defaultGame,
      learner: buildQuadraticsLearner(algo, configs, quadraticsShape, defaultGame.bound),
      seeds: [3, 5],
      rootSeed: 7,
      label: ["golden", algo],
      steps,
      evalEvery: 10
    })
    try {
      t.advance(steps)
      check(`quadratics ${algo} ${gradients ?? ""}`.trim(), sha(JSON.stringify(t.results())))
    } finally {
      t.dispose()
    }
  })
})

describe("SMAC learners (3m, 600 steps)", () => {
  const map = BUILTIN_MAPS["3m"]
  const shape = smacShape(makeEnv(map))
  const small = { agentHidden: 8, batchSize: 4, bufferSize: 6, targetUpdateEpisodes: 8 }
  const settings = { ...defaultSmacRunSettings(600), envs: 4, updatesPerRun: 2, testInterval: 300, testEpisodes: 4, epsilonAnnealSteps: 400 }
  const d = defaultSmacLearnerConfigs
  const variants = variantsOf(RECURRENT_ALGOS)
  it.each(variants)("%s %s", (algo, gradients) => {
    const configs = {
      vdn: { ...d.vdn, ...small },
      qmix: { ...d.qmix, ...small, mixingEmbed: 4, hypernetEmbed: 8 },
      qtran: { ...d.qtran, ...small, mixingEmbed: 8 },
      fsv: { ...d.fsv, ...small, alphaAnnealSteps: 400, lambdaHidden: 8, lambdaEmbed: 4, heads: 2, keyDim: 4, gradients: gradients ?? d.fsv.gradients }
    }
    const t = createSmacTrainer({ map, learner: buildSmacLearner(algo, shape, configs), settings, rootSeed: 7, seed: 1 })
    try {
      t.advance(Infinity)
      check(`smac ${algo} ${gradients ?? ""}`.trim(), sha(encodeCheckpoint(t.state())))
    } finally {
      t.dispose()
    }
  })
})
