/**
 * One learner run on one SMAC-lite map (PyMARL's `run_sequential`), as synchronous code that
 * the shell drives in chunks:
 *
 *   while t_env < steps:
 *     run E episodes side by side (ε-greedy or energy policy); store them; t_env += their steps
 *     if the buffer holds a batch: `updatesPerRun` updates on B episodes each
 *     every `targetUpdateEpisodes` episodes: copy the network into the target network
 *     every `testInterval` steps (and at t = 0 and at the end): `testEpisodes` greedy
 *       episodes → one point {t, winRate, return} of the curve (Section 5.3)
 *
 * Randomness: streams under the root seed, labelled `["smac", map, "seed k", "env" | "test",
 * "episode j"]` for environment starts (shared by all learners: common random numbers) and
 * `["smac", algo, map, "seed k", "init" | "act" | "replay" | "learn"]` for the rest. The run is
 * a pure function of its settings; its whole state is `TrainerState` (see checkpoint.ts).
 */
import * as tf from "@tensorflow/tfjs"
import type { Trainer } from "../../src/runtime/Trainer.ts"
import type { SmacCurvePoint } from "./results.ts"
import { Schema } from "effect"
import { makeEnv } from "../../src/envs/smac/Env.ts"
import { type Recording, recordEpisode } from "../../src/envs/smac/Replay.ts"
import type { MapSpec } from "../../src/envs/smac/MapSpec.ts"
import { GruAgentCpu } from "../../src/nn/gruAgentCpu.ts"
import { withFastMatMulGradient } from "../../src/nn/fastMatMulGrad.ts"
import { rmspropStep } from "../../src/nn/rmsprop.ts"
import { adamStepArrays, defaultAdam } from "../../src/nn/adam.ts"
import { tidyArray } from "../../src/nn/tidyArray.ts"
import { agentShape, batchTensors, RECURRENT_ALGOS, type RecurrentLearner, type EpisodeShape, type EpisodeBatchData } from "../../src/learners/recurrent.ts"
import { type RngState, Stream, streamState } from "../../src/rng/Rng.ts"
import type { Episode } from "./Episode.ts"
import { assembleBatch, EpisodeBuffer } from "./EpisodeBuffer.ts"
import { type ArraySource, fresh, Scratch } from "../../src/nn/scratch.ts"
import { EpisodeRunner, replayEpisode, smacShape } from "./EpisodeRunner.ts"
import { energySelector, epsilonGreedySelector, greedySelector } from "./selectors.ts"
import { linearSchedule } from "../../src/core/schedule.ts"
import { rmspropSettings } from "../../src/learners/Learner.ts"

export const SmacRunSettings = Schema.Struct({
  /** Environment steps of training (PyMARL t_max). */
  steps: Schema.Int,
  /** Environments stepped side by side (PyMARL batch_size_run). */
  envs: Schema.Int,
  /** Updates after each batch of `envs` episodes (PyMARL: 1 per runner call). */
  updatesPerRun: Schema.Int,
  /** Environment steps between evaluations (Section 5.3; PyMARL test_interval). */
  testInterval: Schema.Int,
  /** Greedy episodes per evaluation (Section 5.3: 32). */
  testEpisodes: Schema.Int,
  /** ε-greedy schedule (PyMARL epsilon_start, epsilon_finish, epsilon_anneal_time). */
  epsilonStart: Schema.Number,
  epsilonFinish: Schema.Number,
  epsilonAnnealSteps: Schema.Int
})
export type SmacRunSettings = typeof SmacRunSettings.Type

export const defaultSmacRunSettings = (steps: number): SmacRunSettings => ({
  steps,
  envs: 8,
  updatesPerRun: 1,
  testInterval: 10000,
  testEpisodes: 32,
  epsilonStart: 1,
  epsilonFinish: 0.05,
  epsilonAnnealSteps: 50000
})

export interface SmacTrainOptions {
  readonly map: MapSpec
  readonly learner: RecurrentLearner
  readonly settings: SmacRunSettings
  readonly rootSeed: number
  readonly seed: number
}

/** Everything a run's future depends on besides its options (what a checkpoint holds). */
export interface TrainerState {
  readonly params: Float32Array
  /** RMSProp's squared-gradient average, or Adam's second moment v. */
  readonly squareAvg: Float32Array
  /** Adam's first moment m (optimizer "adam" only; absent for RMSProp). */
  readonly firstMoment?: Float32Array | undefined
  readonly target: Float32Array
  readonly act: RngState
  readonly replay: RngState
  readonly learn: RngState
  readonly tEnv: number
  readonly episodes: number
  readonly testEpisodesRun: number
  readonly updates: number
  readonly lastTargetUpdate: number
  readonly lastTest: number
  readonly curve: ReadonlyArray<SmacCurvePoint>
  readonly bufferNext: number
  /** The buffer's episodes in slot order, as (start episode index, joint actions). */
  readonly buffer: ReadonlyArray<{ readonly envEpisode: number; readonly actions: Uint8Array }>
}

/**
 * The SMAC experiment's run (`src/runtime/Trainer.ts`): `advance(n)` runs batches of episodes
 * (with their updates and tests) until t_env has grown by ≥ n or the run is over; `results` is
 * the test curve; `state` is the checkpoint a resumed trainer continues from bit for bit.
 */
export interface SmacTrainer extends Trainer<ReadonlyArray<SmacCurvePoint>> {
  /** Milliseconds spent in updates so far, and their count (for the speed report). */
  readonly updateMillis: () => number
  readonly state: () => TrainerState
  /**
   * One greedy episode of the current parameters from the k-th test episode's start, as a
   * replay recording. Not a test: it changes no counter and draws from no stream.
   */
  readonly recordGreedy: (k: number) => Recording
  readonly dispose: () => void
}

export const streamLabels = (algo: string, map: string, seed: number) => ({
  env: (k: number) => ["smac", map, `seed ${seed}`, "env", `episode ${k}`],
  test: (k: number) => ["smac", map, `seed ${seed}`, "test", `episode ${k}`],
  own: (what: "init" | "act" | "replay" | "learn") => ["smac", algo, map, `seed ${seed}`, what]
})

/** Gumbel(0, 1) noise −log(−log U), U ~ U(0, 1) from `rng`, in an array from `arrays`. */
export const gumbelNoise = (rng: Stream, n: number, arrays: ArraySource = fresh): Float32Array => {
  const out = arrays.f32("gumbel", n)
  for (let k = 0; k < n; k++) {
    let u = rng.float()
    while (u === 0) u = rng.float()
    out[k] = -Math.log(-Math.log(u))
  }
  return out
}

/**
 * One gradient step on a batch: L's gradient with respect to `params` [P] by tf.grads (the
 * target network's tensors held fixed), then the learner's optimizer in float64, in place on
 * `params` and `squareAvg` (RMSProp's average, Adam's v) and, for Adam, `adam.firstMoment` at
 * step `adam.step` (1 for the first update). `gumbel` [T·B·N·A] for learners that sample next actions.
 */
export const learnerUpdate = (
  learner: RecurrentLearner,
  shape: EpisodeShape,
  params: Float32Array,
  squareAvg: Float32Array,
  targetTensors: ReadonlyArray<tf.Tensor>,
  data: EpisodeBatchData,
  alpha: number,
  gumbel: Float32Array | undefined,
  adam?: { readonly firstMoment: Float32Array; readonly step: number },
  arrays: ArraySource = fresh
): void => {
  const { layout } = learner
  const targetNamed = layout.named([...targetTensors])
  const grad = withFastMatMulGradient(() => tidyArray(() => {
    const batch = batchTensors(shape, data, arrays)
    const ctx = { alpha, gumbel: gumbel && tf.tensor4d(gumbel, [data.T, data.B, shape.agents, shape.actions]) }
    const loss = (...ps: Array<tf.Tensor>) => learner.loss(layout.named(ps), targetNamed, batch, ctx)
    const grads = tf.grads(loss)(layout.tensors(params, 1))
    return tf.concat(grads.map((g) => tf.reshape(g, [-1]))).dataSync() as Float32Array // layout order: [P]
  }))
  const training = learner.training
  if (training.optimizer === "rmsprop") {
    rmspropStep(layout, 1, params, squareAvg, grad, rmspropSettings(training))
    return
  }
  if (adam === undefined) throw new Error(`${learner.algo}: optimizer "adam" needs its first moment and step (learnerUpdate's adam argument)`)
  adamStepArrays(layout, 1, params, adam.firstMoment, squareAvg, grad, adam.step, { ...defaultAdam, lr: training.lr, gradNormClip: training.gradNormClip })
}

/** Build a run, fresh or from `resume`. The caller must `dispose()`. */
export const createSmacTrainer = (options: SmacTrainOptions, resume?: TrainerState): SmacTrainer => {
  const { map, learner, settings, rootSeed, seed } = options
  if (!RECURRENT_ALGOS.includes(learner.algo)) throw new Error(`unknown algo ${learner.algo}`)
  const env = makeEnv(map)
  const shape = smacShape(env)
  const { agents: N, actions: A } = shape
  const H = learner.training.agentHidden
  const B = learner.training.batchSize
  const labels = streamLabels(learner.algo, map.name, seed)
  const envState = (k: number) => streamState(rootSeed, labels.env(k))
  const testState = (k: number) => streamState(rootSeed, labels.test(k))
  const layout = learner.layout
  const P = layout.size

  // Parameters live on the CPU as float32 (the authority, and what checkpoints hold); each
  // update uploads them, takes gradients with tf.grads and steps RMSProp in float64.
  const params = resume?.params.slice() ?? layout.init(new Stream(streamState(rootSeed, labels.own("init")))) // [P]
  const squareAvg = resume?.squareAvg.slice() ?? new Float32Array(P) // [P]
  const firstMoment = learner.training.optimizer === "adam" ? resume?.firstMoment?.slice() ?? new Float32Array(P) : undefined // [P], Adam only
  const target = resume?.target.slice() ?? params.slice() // [P]
  let targetTensors = layout.tensors(target, 1) // the target network, uploaded when it changes
  const act = new Stream(resume?.act ?? streamState(rootSeed, labels.own("act")))
  const replay = new Stream(resume?.replay ?? streamState(rootSeed, labels.own("replay")))
  const learn = new Stream(resume?.learn ?? streamState(rootSeed, labels.own("learn")))

  const buffer = new EpisodeBuffer(learner.training.bufferSize)
  if (resume) {
    buffer.restore(resume.bufferNext, resume.buffer.map((e) => replayEpisode(env, envState(e.envEpisode), e.envEpisode, e.actions)))
  }
  const runner = new EpisodeRunner(env, settings.envs, H)
  let tEnv = resume?.tEnv ?? 0
  let episodes = resume?.episodes ?? 0
  let testEpisodesRun = resume?.testEpisodesRun ?? 0
  let updates = resume?.updates ?? 0
  let lastTargetUpdate = resume?.lastTargetUpdate ?? 0
  let lastTest = resume?.lastTest ?? -Infinity
  const curve: Array<SmacCurvePoint> = [...(resume?.curve ?? [])]
  let updateMillis = 0
  const { exploration } = learner
  /** FSV's α at step t (learners that do not use α get 0). */
  const alphaAt = (t: number): number =>
    exploration.kind === "energy" ? exploration.alphaAt(t) : 0

  let actor: GruAgentCpu | undefined = undefined
  const currentActor = (): GruAgentCpu => {
    actor ??= new GruAgentCpu(agentShape(shape, H), layout.unpack(params, 1, 0))
    return actor
  }

  const scratch = new Scratch() // the update's batch arrays, reused from one update to the next
  const update = (): void => {
    const started = performance.now()
    const data = assembleBatch(shape, buffer.sample(replay, B), scratch)
    const gumbel = learner.samplesNextActions ? gumbelNoise(learn, data.T * data.B * N * A, scratch) : undefined
    const alpha = alphaAt(tEnv)
    learnerUpdate(learner, shape, params, squareAvg, targetTensors, data, alpha, gumbel, firstMoment && { firstMoment, step: updates + 1 }, scratch)
    updates++
    actor = undefined
    updateMillis += performance.now() - started
  }

  const test = (): void => {
    let won = 0
    let ret = 0
    const agent = currentActor()
    const select = greedySelector(A)
    for (let k = 0; k < settings.testEpisodes; k += settings.envs) {
      const n = Math.min(settings.envs, settings.testEpisodes - k)
      for (const ep of runner.run(agent, select, testEpisodesRun, n, testState)) {
        won += ep.won ? 1 : 0
        ret += ep.return
      }
      testEpisodesRun += n
    }
    curve.push({ t: tEnv, winRate: won / settings.testEpisodes, return: ret / settings.testEpisodes })
    lastTest = tEnv
  }

  const done = () => tEnv >= settings.steps && lastTest === tEnv

  /** One batch of episodes, its updates, target copy and test. */
  const iteration = (): void => {
    if (tEnv - lastTest >= settings.testInterval) test()
    if (tEnv >= settings.steps) {
      if (lastTest !== tEnv) test()
      return
    }
    const select = learner.exploration.kind === "energy"
      ? energySelector(A, act, alphaAt(tEnv))
      : epsilonGreedySelector(A, act, linearSchedule(settings.epsilonStart, settings.epsilonFinish, settings.epsilonAnnealSteps, tEnv))
    const batch: Array<Episode> = runner.run(currentActor(), select, episodes, settings.envs, envState)
    for (const ep of batch) {
      buffer.insert(ep)
      tEnv += ep.length
    }
    episodes += batch.length
    if (buffer.size >= B) for (let u = 0; u < settings.updatesPerRun; u++) update()
    if (episodes - lastTargetUpdate >= learner.training.targetUpdateEpisodes) {
      target.set(params)
      tf.dispose(targetTensors)
      targetTensors = layout.tensors(target, 1)
      lastTargetUpdate = episodes
    }
    if (tEnv >= settings.steps && lastTest !== tEnv) test()
  }

  return {
    done,
    stepsDone: () => tEnv,
    updatesDone: () => updates,
    results: () => curve,
    updateMillis: () => updateMillis,
    advance: (n) => {
      const until = tEnv + n
      while (!done() && tEnv < until) iteration()
      if (!done() && tEnv >= settings.steps) iteration()
    },
    state: () => {
      const snap = buffer.snapshot()
      return {
        params: params.slice(),
        squareAvg: squareAvg.slice(),
        ...(firstMoment ? { firstMoment: firstMoment.slice() } : {}),
        target: target.slice(),
        act: act.state(),
        replay: replay.state(),
        learn: learn.state(),
        tEnv,
        episodes,
        testEpisodesRun,
        updates,
        lastTargetUpdate,
        lastTest,
        curve: [...curve],
        bufferNext: snap.next,
        buffer: snap.episodes.map((e) => ({ envEpisode: e.envEpisode, actions: e.actions }))
      }
    },
    recordGreedy: (k) => {
      const [episode] = runner.run(currentActor(), greedySelector(A), k, 1, testState)
      let t = 0
      const replayed = (_: unknown, out: Int32Array) => {
        for (let i = 0; i < N; i++) out[i] = episode!.actions[t * N + i]!
        t++
      }
      return recordEpisode(env, env.reset(testState(k)), replayed, { seed: k, policy: `greedy ${learner.algo} after ${tEnv} steps` })
    },
    dispose: () => tf.dispose(targetTensors)
  }
}
