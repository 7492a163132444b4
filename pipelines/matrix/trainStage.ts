/**
 * `matrix-train`: one learner variant (VDN, QMIX, QTRAN-base/alt, or FSV with one α0) trained
 * on a cooperative matrix game with Section 5.1's protocol, over its seeds. The artifact holds
 * the trained parameters (`parameters.f32`) and what is needed to read them (`trained.json`);
 * `matrix-evaluate` turns it into Q tables.
 *
 * The seeds train as one batched program, with the streams `fsv reproduce matrix` uses
 * (`["matrix", algo, "seed <k>"]` under the root seed). On the wasm backend a seed's numbers
 * are bit-identical in any batch of two or more replicas, so with two or more seeds this
 * stage trains exactly the weights the `matrix` stage trains for the same variant; a single
 * seed differs from them in the last bits (spec/learners/train.test.ts).
 */
import { Effect, Schema } from "effect"
import type { BackendName } from "../../src/backend/Backend.ts"
import { gameFromFlat, type MatrixGame, nonMonotonicGame } from "../../src/envs/matrix.ts"
import { DiscreteFsvConfig } from "../../src/learners/fsv/discrete.ts"
import type { DiscreteAlgo } from "../../src/learners/discrete.ts"
import { MATRIX_CHUNK, type MatrixProgram, matrixProgramTrainer as discreteTrainer } from "./program.ts"
import { QmixConfig } from "../../src/learners/qmix/discrete.ts"
import { QtranAltConfig } from "../../src/learners/qtran/alt.ts"
import { QtranBaseConfig } from "../../src/learners/qtran/base.ts"
import { buildMatrixLearner, defaultMatrixLearnerConfigs, type MatrixLearnerConfigs } from "./learners.ts"
import { gameShape, type Slice } from "./train.ts"
import { VdnConfig } from "../../src/learners/vdn/discrete.ts"
import { type ProgramModule, trainPrograms } from "../../src/runtime/pool.ts"
import type { Trainer } from "../../src/runtime/Trainer.ts"
import type { ParamLayout } from "../../src/nn/params.ts"
import { variantName } from "./report.ts"
import type { StageFiles } from "../../src/store/ArtifactStore.ts"
import { defineStage } from "../../src/store/Stage.ts"
import { gameAndSeedIssues } from "./stage.ts"

/** The learner and its hyperparameters; FSV also its final temperature α0. */
export const MatrixLearner = Schema.Union([
  Schema.Struct({ algo: Schema.Literal("vdn"), config: VdnConfig }),
  Schema.Struct({ algo: Schema.Literal("qmix"), config: QmixConfig }),
  Schema.Struct({ algo: Schema.Literal("qtran-base"), config: QtranBaseConfig }),
  Schema.Struct({ algo: Schema.Literal("qtran-alt"), config: QtranAltConfig }),
  Schema.Struct({
    algo: Schema.Literal("fsv"),
    /** α0, the temperature α falls to (Table 8), > 0. */
    alpha0: Schema.Finite.check(Schema.isGreaterThan(0)),
    config: DiscreteFsvConfig
  })
])
export type MatrixLearner = typeof MatrixLearner.Type

export const MatrixTrainConfig = Schema.Struct({
  /** n_i, the number of actions of agent i (at least 2 agents). */
  actionCounts: Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  /** The payoff, row-major: payoff[jointIndex(u)] with agent 1 the most significant digit. */
  payoff: Schema.Array(Schema.Finite),
  /** The learner variant to train. */
  learner: MatrixLearner,
  /** Seeds, one replica each, trained side by side. */
  seeds: Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Root seed of every random stream. */
  rootSeed: Schema.Int,
  /** Environment steps per seed (Section 5.1: 20,000), one update per step once a batch is buffered. */
  steps: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
}).check(Schema.makeFilter((c) => gameAndSeedIssues(c)))
export type MatrixTrainConfig = typeof MatrixTrainConfig.Type

/** `algo`'s entry of `learners`; FSV with `alpha0` (0.01, the paper's best, when null). */
export const learnerOf = (algo: DiscreteAlgo, alpha0: number | null, learners: MatrixLearnerConfigs): MatrixLearner => {
  switch (algo) {
    case "fsv":
      return { algo, alpha0: alpha0 ?? 0.01, config: learners.fsv }
    case "vdn":
      return { algo, config: learners.vdn }
    case "qmix":
      return { algo, config: learners.qmix }
    case "qtran-base":
      return { algo, config: learners["qtran-base"] }
    case "qtran-alt":
      return { algo, config: learners["qtran-alt"] }
  }
}

/**
 * A training config with the default hyperparameters (Table 8, PyMARL): `algo` (FSV with
 * `alpha0`, default 0.01) on `game` (default the paper's), seeds 0 … seeds − 1.
 */
export const matrixTrainConfig = ({
  algo,
  alpha0 = null,
  seeds = 2,
  steps = 20000,
  game = nonMonotonicGame,
  rootSeed = 0
}: {
  algo: DiscreteAlgo
  alpha0?: number | null
  seeds?: number
  steps?: number
  game?: MatrixGame
  rootSeed?: number
}): MatrixTrainConfig => ({
  actionCounts: [...game.actionCounts],
  payoff: [...game.flat],
  learner: learnerOf(algo, alpha0, defaultMatrixLearnerConfigs(steps)),
  seeds: Array.from({ length: seeds }, (_, k) => k),
  rootSeed,
  steps
})

/** The α0 of a learner variant: FSV's, or null. */
export const alpha0Of = (learner: MatrixLearner): number | null => (learner.algo === "fsv" ? learner.alpha0 : null)

/** The replicas: one per seed. */
export const slicesOf = (config: MatrixTrainConfig): Array<Slice> =>
  config.seeds.map((seed) => ({ seed, alpha0: alpha0Of(config.learner) }))

/** Every learner's configs with this one's in place (the learner builder reads only its own). */
const learnerConfigs = (config: MatrixTrainConfig): MatrixLearnerConfigs => ({
  ...defaultMatrixLearnerConfigs(config.steps),
  [config.learner.algo]: config.learner.config
})

/** The training program: the `matrix` stage's program for this variant, on these seeds. */
export const programOf = (config: MatrixTrainConfig): MatrixProgram => ({
  actionCounts: config.actionCounts,
  payoff: config.payoff,
  learners: learnerConfigs(config),
  algo: config.learner.algo,
  slices: slicesOf(config),
  rootSeed: config.rootSeed,
  label: ["matrix", config.learner.algo],
  steps: config.steps
})

/** The game and the learner (with its parameter layout) of a training config. */
export const builtOf = (config: MatrixTrainConfig) => {
  const game = gameFromFlat(config.actionCounts, config.payoff)
  const slices = slicesOf(config)
  const learner = buildMatrixLearner(config.learner.algo, gameShape(game), learnerConfigs(config), slices.map((s) => s.alpha0 ?? 0))
  return { game, slices, learner }
}

/** What training leaves: the parameters [S · P] in `ParamLayout` order, and the update count. */
export interface Trained {
  readonly parameters: Float32Array
  readonly updates: number
}

/** A program's trainer whose results are its parameters (the worker thread imports this by name). */
export const trainedProgramTrainer = (spec: MatrixProgram): Trainer<Trained> => {
  const trainer = discreteTrainer(spec)
  return { ...trainer, results: () => ({ parameters: trainer.parameters().slice(), updates: trainer.updatesDone() }) }
}

/** This module, for the training pool. */
export const trainedProgramModule: ProgramModule<MatrixProgram, Trained> = { url: import.meta.url, exportName: "trainedProgramModule", programTrainer: trainedProgramTrainer, chunk: MATRIX_CHUNK }

/** trained.json: how to read parameters.f32. */
export const TrainedFile = Schema.Struct({
  /** The encoded training config (as in the key). */
  config: Schema.Unknown,
  /** The replicas, in the order of parameters.f32. */
  replicas: Schema.Array(Schema.Struct({ seed: Schema.Int, alpha0: Schema.NullOr(Schema.Finite) })),
  /** Updates made per replica. */
  updates: Schema.Int,
  /** parameters.f32: little-endian float32, parameter after parameter, each a block [S, ...shape]. */
  layout: Schema.Array(Schema.Struct({ name: Schema.String, shape: Schema.Array(Schema.Int) }))
})
export type TrainedFile = typeof TrainedFile.Type

export const TRAINED = "trained.json"
export const PARAMETERS = "parameters.f32"

/** `layout` as it is written to trained.json. */
export const layoutJson = (layout: ParamLayout): TrainedFile["layout"] =>
  layout.specs.map((s) => ({ name: s.name, shape: [...s.shape] }))

/** Float32 values as little-endian bytes, whatever the machine's byte order. */
export const float32Bytes = (xs: Float32Array): Uint8Array => {
  const bytes = new Uint8Array(xs.length * 4)
  const view = new DataView(bytes.buffer)
  xs.forEach((x, k) => view.setFloat32(4 * k, x, true))
  return bytes
}

/** The inverse of `float32Bytes`. */
export const float32FromBytes = (bytes: Uint8Array): Float32Array => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Float32Array.from({ length: bytes.byteLength >> 2 }, (_, k) => view.getFloat32(4 * k, true))
}

export const matrixTrainStage = defineStage({
  name: "matrix-train",
  version: 1,
  description: "Section 5.1's protocol for one learner variant on a matrix game, over its seeds (trained.json, parameters.f32).",
  config: MatrixTrainConfig,
  run: (config, ctx) =>
    Effect.gen(function*() {
      const name = variantName(config.learner.algo, alpha0Of(config.learner))
      const task = ctx.progress.task(`matrix-train: ${name}, ${config.seeds.length} seeds`, config.steps, "steps")
      const [outcome] = yield* trainPrograms(trainedProgramModule, [programOf(config)], {
        jobs: 1,
        backend: ctx.backend as BackendName,
        onProgress: (_, steps) => task.update(steps)
      })
      task.done()
      const { learner, slices } = builtOf(config)
      const trained: TrainedFile = {
        config: Schema.encodeSync(MatrixTrainConfig)(config),
        replicas: slices,
        updates: outcome!.results.updates,
        layout: layoutJson(learner.layout)
      }
      const files: StageFiles = {
        [TRAINED]: JSON.stringify(trained, null, 2) + "\n",
        [PARAMETERS]: float32Bytes(outcome!.results.parameters)
      }
      return files
    })
})
