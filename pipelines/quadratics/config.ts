/**
 * The quadratics experiment's config (Section 5.2, Appendix 7.2): the game, the seeds, the
 * budget, which learners run and all their hyperparameters; and the training programs it
 * makes, one per learner over every seed.
 */
import { Result, Schema } from "effect"
import { decodeGame, defaultGame, type QuadraticsGame, QuadraticsGameSchema } from "../../src/envs/quadratics.ts"
import { CONTINUOUS_ALGOS, type ContinuousAlgo } from "../../src/learners/continuous.ts"
import type { QuadraticsProgram } from "./program.ts"
import { defaultQuadraticsLearnerConfigs, QuadraticsLearnerConfigs } from "./learners.ts"

export const QuadraticsConfig = Schema.Struct({
  /** The game's parameters (Eq. 19). */
  game: QuadraticsGameSchema,
  /** Seeds, one replica each (each seed's streams are its own). */
  seeds: Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Root seed of every random stream. */
  rootSeed: Schema.Int,
  /** Environment steps per run; one update per step after warm-up. */
  steps: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** Environment steps between two points of the learning curves. */
  evalEvery: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  /** The learners to run, in report order. */
  algos: Schema.Array(Schema.Literals(CONTINUOUS_ALGOS)),
  /** Every learner's hyperparameters. */
  learners: QuadraticsLearnerConfigs
}).check(
  Schema.makeFilter((c) => {
    const issues: Array<Schema.FilterIssue> = []
    const game = decodeGame(c.game, "the config")
    if (Result.isFailure(game)) {
      const path = game.failure.path === "$" ? ["game"] : ["game", game.failure.path.replace(/^\$\./, "")]
      issues.push({ path, issue: game.failure.problem })
    }
    if (c.seeds.length === 0) issues.push({ path: ["seeds"], issue: "needs at least one seed" })
    if (new Set(c.seeds).size !== c.seeds.length) issues.push({ path: ["seeds"], issue: "seeds must be distinct" })
    if (c.algos.length === 0) issues.push({ path: ["algos"], issue: "needs at least one learner" })
    if (new Set(c.algos).size !== c.algos.length) issues.push({ path: ["algos"], issue: "learners must be distinct" })
    return issues
  })
)
export type QuadraticsConfig = typeof QuadraticsConfig.Type

/** Table 7's rows, in its order. */
export const TABLE7_ORDER: ReadonlyArray<ContinuousAlgo> = ["fsv", "maddpg", "qmix-ddpg", "vdn-ddpg"]

/** The default budget: environment steps per run (the paper does not state its own). */
export const DEFAULT_STEPS = 5000

/** The default reproduction: `seeds` seeds (0 … seeds − 1), `steps` steps, on `game`. */
export const quadraticsConfig = (
  { seeds = 20, steps = DEFAULT_STEPS, game = defaultGame }: { seeds?: number; steps?: number; game?: QuadraticsGame } = {}
): QuadraticsConfig => ({
  game,
  seeds: Array.from({ length: seeds }, (_, k) => k),
  rootSeed: 0,
  steps,
  evalEvery: 100,
  algos: TABLE7_ORDER,
  learners: defaultQuadraticsLearnerConfigs
})

/** One program per learner, heaviest first (so two threads finish close together). */
export const quadraticsPrograms = (config: QuadraticsConfig): Array<QuadraticsProgram> => {
  const cost: ReadonlyArray<ContinuousAlgo> = ["fsv", "qmix-ddpg", "maddpg", "vdn-ddpg"]
  return cost.filter((a) => config.algos.includes(a)).map((algo) => ({
    game: config.game,
    learners: config.learners,
    algo,
    seeds: config.seeds,
    rootSeed: config.rootSeed,
    label: ["quadratics", algo],
    steps: config.steps,
    evalEvery: config.evalEvery
  }))
}
