/**
 * Evaluation-only play of trained parameters: N greedy episodes from chosen test starts, with the
 * win rate's Wilson interval and the mean return's normal interval, and replay recordings of the
 * first k. The test starts are the run's own (`streamLabels(...).test(k)`), so episodes
 * k … k + n − 1 of the same map are exactly those a test of the run played: evaluating the
 * final parameters from the last test's first episode reproduces the run's last test point.
 */
import { Result, Schema } from "effect"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import type { MapSpec } from "../../src/envs/smac/MapSpec.ts"
import { type Recording, recordEpisode } from "../../src/envs/smac/Replay.ts"
import type { RecurrentAlgo } from "../../src/learners/recurrent.ts"
import { agentShape } from "../../src/learners/recurrent.ts"
import { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import { streamState } from "../../src/rng/Rng.ts"
import { EpisodeRunner, smacShape } from "./EpisodeRunner.ts"
import { buildSmacLearner, type SmacLearnerConfigs } from "./learners.ts"
import { greedySelector } from "./selectors.ts"
import { streamLabels } from "./train.ts"

/** The parameters were trained for agents of another shape than the map asks for. */
export class MapDoesNotFit extends Schema.TaggedError<MapDoesNotFit>()("MapDoesNotFit", {
  trained: Schema.String,
  given: Schema.String,
  differences: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `The parameters were trained on ${this.trained}; ${this.given} needs other network sizes (${this.differences.join("; ")}). ` +
      `Evaluate on a map with the same number of agents, actions, observation and state sizes.`
  }
}

/** The parameters do not have the size the learner's layout needs. */
export class ParamsMismatch extends Schema.TaggedError<ParamsMismatch>()("ParamsMismatch", {
  source: Schema.String,
  expected: Schema.Int,
  got: Schema.Int
}) {
  override get message(): string {
    return `${this.source} holds ${this.got} parameters; this learner's config needs ${this.expected}. Were they written by another config?`
  }
}

export interface EvaluatedEpisode {
  /** The test start's index (the run's k-th test episode). */
  readonly k: number
  readonly won: boolean
  readonly return: number
  readonly length: number
}

export interface Interval {
  readonly lo: number
  readonly hi: number
}

export interface GreedyEvaluation {
  readonly episodes: ReadonlyArray<EvaluatedEpisode>
  readonly winRate: number
  /** 95% Wilson score interval of the win rate. */
  readonly winRateCi: Interval
  readonly meanReturn: number
  /** 95% normal interval of the mean return (mean ± 1.96 s / √n). */
  readonly returnCi: Interval
  readonly recordings: ReadonlyArray<Recording>
}

const Z95 = 1.959963984540054

/** 95% Wilson score interval for `k` successes in `n` trials. Pure. */
export const wilsonInterval = (k: number, n: number): Interval => {
  if (n === 0) return { lo: 0, hi: 1 }
  const p = k / n
  const z2 = Z95 * Z95
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n)
  // At k = 0 (k = n) the bound is 0 (1) exactly; centre − half leaves a rounding residue there.
  return { lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half) }
}

/** Mean ± 1.96 s/√n with the sample standard deviation (a point where n < 2). Pure. */
export const meanInterval = (xs: ReadonlyArray<number>): Interval => {
  const n = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, n)
  if (n < 2) return { lo: mean, hi: mean }
  const s = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1))
  return { lo: mean - (Z95 * s) / Math.sqrt(n), hi: mean + (Z95 * s) / Math.sqrt(n) }
}

/** Why `given` needs other network sizes than `trained` (empty: it fits). Pure but for building the two maps. */
export const mapMisfit = (trained: MapSpec, given: MapSpec): ReadonlyArray<string> => {
  const a = smacShape(makeEnv(trained))
  const b = smacShape(makeEnv(given))
  return (["agents", "actions", "obsDim", "stateDim"] as const).filter((f) => a[f] !== b[f]).map((f) => `${f} ${a[f]} on ${trained.name}, ${b[f]} on ${given.name}`)
}

/**
 * Play `episodes` greedy episodes of `params` on `map`, from the run's test starts
 * `first … first + episodes − 1` (the labels of `algo`, `map` and `seed` under `rootSeed`),
 * and record the first `replays` of them.
 */
export const evaluateGreedy = (options: {
  readonly algo: RecurrentAlgo
  readonly learners: SmacLearnerConfigs
  /** The map the parameters were trained on, and the one to play. */
  readonly trainedOn: MapSpec
  readonly map: MapSpec
  /** Where the parameters came from, for errors. */
  readonly source: string
  readonly seed: number
  readonly rootSeed: number
  readonly params: Float32Array
  readonly first: number
  readonly episodes: number
  readonly replays: number
  /** Episodes played side by side (the results do not depend on it). */
  readonly envs?: number
}): Result.Result<GreedyEvaluation, MapDoesNotFit | ParamsMismatch> => {
  const { algo, map, seed, rootSeed, params, first, episodes } = options
  const misfit = mapMisfit(options.trainedOn, map)
  if (misfit.length > 0) return Result.fail(new MapDoesNotFit({ trained: options.trainedOn.name, given: map.name, differences: misfit }))
  const env = makeEnv(map)
  const shape = smacShape(env)
  const learner = buildSmacLearner(algo, shape, options.learners)
  if (learner.layout.size !== params.length) {
    return Result.fail(new ParamsMismatch({ source: options.source, expected: learner.layout.size, got: params.length }))
  }
  const H = learner.training.agentHidden
  const agent = new GruAgentCpu(agentShape(shape, H), learner.layout.unpack(params, 1, 0))
  const labels = streamLabels(algo, map.name, seed)
  const testState = (k: number) => streamState(rootSeed, labels.test(k))
  const envs = Math.max(1, options.envs ?? 8)
  const runner = new EpisodeRunner(env, envs, H)
  const select = greedySelector(shape.actions)
  const played: Array<EvaluatedEpisode> = []
  const recordings: Array<Recording> = []
  for (let k = first; k < first + episodes; k += envs) {
    const n = Math.min(envs, first + episodes - k)
    runner.run(agent, select, k, n, testState).forEach((ep, j) => {
      played.push({ k: k + j, won: ep.won, return: ep.return, length: ep.length })
      if (recordings.length < options.replays) {
        let t = 0
        const replayed = (_: unknown, out: Int32Array) => {
          for (let i = 0; i < shape.agents; i++) out[i] = ep.actions[t * shape.agents + i]!
          t++
        }
        recordings.push(recordEpisode(env, env.reset(testState(k + j)), replayed, { seed: k + j, policy: `greedy ${algo} (evaluation)` }))
      }
    })
  }
  const wins = played.filter((e) => e.won).length
  // Summed in episode order and divided once, as a test in training does: the same bits.
  const meanReturn = played.reduce((a, e) => a + e.return, 0) / Math.max(1, played.length)
  return Result.succeed({
    episodes: played,
    winRate: wins / Math.max(1, played.length),
    winRateCi: wilsonInterval(wins, played.length),
    meanReturn,
    returnCi: meanInterval(played.map((e) => e.return)),
    recordings
  })
}
