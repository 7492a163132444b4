/**
 * The training protocol for any continuous learner on the Max of Two Quadratics game, over
 * S seeds at once (one replica per seed).
 *
 * Each environment step, every replica acts once: uniformly at random during the first
 * `warmupSteps` steps, afterwards by the learner's exploration (a sample of FSV's squashed
 * Gaussian, or Gaussian noise around a DDPG actor). The one-step episode goes into that
 * replica's replay buffer (FIFO, `bufferSize` transitions); once warm-up is over and the
 * buffer holds a batch, one update follows on `batchSize` transitions drawn uniformly with
 * replacement (SAC/DDPG's loop: one step, then one update).
 *
 * Seed k draws from its own streams under the root seed, `[…label, "seed k", "init" |
 * "explore" | "replay" | "noise"]`, and its optimizer step reads only its own gradient, so
 * its numbers are bit for bit the same whichever seeds share its batch (checked in
 * spec/quadratics/train.test.ts; a lone seed is trained beside a copy of itself, see below).
 *
 * Every `evalEvery` steps (and at the end) each replica's deterministic joint action
 * u_i = bound · tanh(μ_i) is scored with the game's reward: the learning curve.
 *
 * `createTrainer` is synchronous tensor code; `pool.ts` runs it as an Effect that owns the
 * tensors (released on success, failure and interruption), in this thread or a worker.
 */
import * as tf from "@tensorflow/tfjs"
import type { Trainer } from "../../src/runtime/Trainer.ts"
import { AGENTS, type QuadraticsGame, quadraticsReward, STATE_FEATURES } from "../../src/envs/quadratics.ts"
import { type AdamSettings, adamStep, defaultAdam } from "../../src/nn/adam.ts"
import type { ParamLayout } from "../../src/nn/params.ts"
import { stream, type Stream } from "../../src/rng/Rng.ts"
import type { ContinuousBatch, ContinuousLearner, ContinuousShape, ContinuousGameTensors, GroupParams } from "../../src/learners/continuous.ts"

export const quadraticsShape: ContinuousShape = { agents: AGENTS, stateDim: STATE_FEATURES.length }

export interface QuadraticsTrainOptions {
  readonly game: QuadraticsGame
  readonly learner: ContinuousLearner
  /** One replica per seed. */
  readonly seeds: ReadonlyArray<number>
  /** Root seed of every stream. */
  readonly rootSeed: number
  /** Stream label path prefix, e.g. ["quadratics", "fsv"]. */
  readonly label: ReadonlyArray<string>
  /** Environment steps. */
  readonly steps: number
  /** Environment steps between two points of the learning curve. */
  readonly evalEvery: number
}

/** What one seed learned. */
export interface SeedResult {
  readonly seed: number
  /** The final deterministic joint action (u_1, u_2) = bound · tanh(μ). */
  readonly finalAction: readonly [number, number]
  /** r at the final joint action. */
  readonly finalReward: number
  /** r at the deterministic joint action after 0, evalEvery, 2·evalEvery, … steps and at the end. */
  readonly curve: ReadonlyArray<number>
  /** The learner's scalars at the end (e.g. FSV's α). */
  readonly diagnostics: Readonly<Record<string, number>>
}

/** A replica's environment, exploration and replay buffer. */
class ReplicaData {
  readonly explore: Stream
  readonly replay: Stream
  readonly noise: Stream
  private readonly capacity: number
  private readonly actions: Float32Array
  private readonly rewards: Float32Array
  private count = 0
  private next = 0

  constructor(root: number, prefix: ReadonlyArray<string>, capacity: number) {
    this.capacity = capacity
    this.explore = stream(root, [...prefix, "explore"])
    this.replay = stream(root, [...prefix, "replay"])
    this.noise = stream(root, [...prefix, "noise"])
    this.actions = new Float32Array(capacity * AGENTS)
    this.rewards = new Float32Array(capacity)
  }

  /** Store one transition: normalised actions a (float32) and r(bound · a). */
  store(game: QuadraticsGame, a: ReadonlyArray<number>): void {
    const a1 = Math.fround(a[0]!)
    const a2 = Math.fround(a[1]!)
    this.actions[this.next * AGENTS] = a1
    this.actions[this.next * AGENTS + 1] = a2
    this.rewards[this.next] = quadraticsReward(game, game.bound * a1, game.bound * a2)
    this.next = (this.next + 1) % this.capacity
    this.count = Math.min(this.count + 1, this.capacity)
  }

  get size(): number {
    return this.count
  }

  /** Write B transitions, drawn uniformly with replacement, at replica offset k. */
  sample(B: number, actions: Float32Array, rewards: Float32Array, k: number): void {
    for (let b = 0; b < B; b++) {
      const e = this.replay.int(this.count)
      rewards[k * B + b] = this.rewards[e]!
      actions[(k * B + b) * AGENTS] = this.actions[e * AGENTS]!
      actions[(k * B + b) * AGENTS + 1] = this.actions[e * AGENTS + 1]!
    }
  }
}

/**
 * The quadratics experiment's run (`src/runtime/Trainer.ts`): each environment step is followed
 * by an update once warm-up is over; `results` are every replica's result at the current parameters.
 */
export type QuadraticsTrainer = Trainer<Array<SeedResult>>

const clip = (x: number): number => Math.max(-1, Math.min(1, x))

/** A variable holding `init`'s values; `init` itself is disposed. */
const variableOf = (init: tf.Tensor, trainable: boolean): tf.Variable => {
  const v = tf.variable(init, trainable)
  init.dispose()
  return v
}

/**
 * One parameter group of S replicas: every named tensor [S, ...shape] is its own variable
 * (what the losses read), and Adam works on their concatenation in `ParamLayout.stack`'s
 * parameter-major layout, which lines up with the gradients concatenated in layout order.
 *
 * Why not one [S, P] variable cut by `split`: the wasm backend's `slice` copies its whole
 * input for every part, so cutting ~20 views out of a few hundred thousand elements several
 * times per update cost more than the networks themselves. Here the cut happens once per
 * update, on the CPU, after the optimizer step.
 */
class GroupState {
  readonly views: Record<string, tf.Variable>
  private readonly list: Array<tf.Variable>
  private readonly flat: tf.Variable
  private readonly m: tf.Variable
  private readonly v: tf.Variable
  private readonly S: number
  private readonly layout: ParamLayout

  /** `rows[k]` is replica k's initial parameters in layout order (`ParamLayout.init`). */
  constructor(layout: ParamLayout, rows: ReadonlyArray<Float32Array>) {
    const S = rows.length
    this.S = S
    this.layout = layout
    const flat = layout.stack(rows)
    this.flat = variableOf(tf.tensor1d(flat), false) // θ: [S·P]
    this.m = variableOf(tf.zeros([S * layout.size]), false) // [S·P]
    this.v = variableOf(tf.zeros([S * layout.size]), false) // [S·P]
    this.list = layout.tensors(flat, S).map((t) => variableOf(t, true)) // [S, ...shape] each
    this.views = layout.named(this.list) as Record<string, tf.Variable>
  }

  /** One Adam step from the gradients of `loss` (views it does not reach get zero gradient). */
  step(loss: () => tf.Scalar, t: number, settings: AdamSettings): void {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(loss, this.list)
      const flatGrad = tf.concat(this.list.map((view) => tf.reshape(grads[view.name] ?? tf.zerosLike(view), [-1]))) // ∂J/∂θ: [S·P]
      adamStep(this.flat, this.m, this.v, flatGrad, t, settings)
      const next = this.layout.tensors(this.flat.dataSync() as Float32Array, this.S)
      this.list.forEach((view, k) => view.assign(next[k]!))
    })
  }

  dispose(): void {
    tf.dispose([this.flat, this.m, this.v, ...this.list])
  }
}

/** Build the replicas, their data and their tensors. The caller must `dispose()`. */
export const createQuadraticsTrainer = (options: QuadraticsTrainOptions): QuadraticsTrainer => {
  const { game, learner, rootSeed, label, evalEvery } = options
  if (options.seeds.length === 0) throw new RangeError("train: no seeds")
  // tfjs-wasm multiplies a batch of one matrix with XNNPACK and larger batches with its own
  // loop, which differ in the last bits: a lone seed trains beside a copy of itself so that
  // its numbers are those it gets in any larger batch.
  const seeds = options.seeds.length === 1 ? [options.seeds[0]!, options.seeds[0]!] : options.seeds
  const N = AGENTS
  const S = seeds.length
  const { batchSize: B, bufferSize, warmupSteps } = learner.training
  if (!(evalEvery >= 1)) throw new RangeError(`train: evalEvery must be ≥ 1, got ${evalEvery}`)

  const prefix = (seed: number) => [...label, `seed ${seed}`]
  const data = seeds.map((seed) => new ReplicaData(rootSeed, prefix(seed), bufferSize))

  // Initial weights: replica k draws every group, in group order, from its own "init" stream.
  const rows = learner.groups.map(() => new Array<Float32Array>(S))
  seeds.forEach((seed, k) => {
    const s = stream(rootSeed, [...prefix(seed), "init"])
    learner.groups.forEach((g, j) => (rows[j]![k] = g.layout.init(s)))
  })
  const groups = learner.groups.map((g, j) => new GroupState(g.layout, rows[j]!))
  const params: GroupParams = Object.fromEntries(learner.groups.map((g, j) => [g.name, groups[j]!.views]))
  const tensors: ContinuousGameTensors = {
    state: tf.tensor3d(Array.from({ length: S }, () => [[...STATE_FEATURES]]), [S, 1, STATE_FEATURES.length]), // [S, 1, stateDim]
    obs: tf.tensor4d(
      Array.from({ length: S }, () => Array.from({ length: N }, () => [[...STATE_FEATURES]])),
      [S, N, 1, STATE_FEATURES.length]
    ) // [S, N, 1, stateDim]
  }
  const groupIndex = new Map(learner.groups.map((g, j) => [g.name, j]))

  let steps = 0
  let updates = 0
  const batchActions = new Float32Array(S * B * N)
  const batchRewards = new Float32Array(S * B)
  const D = learner.noiseDraws
  const noise = new Float32Array(S * D)

  /** μ [S·N] and log σ [S·N] (or undefined) of the actors now. */
  const policyNow = (): { mean: Float32Array; logStd: Float32Array | undefined } => {
    const out = tf.tidy(() => {
      const { mean, logStd } = learner.policy(params, tensors)
      return logStd ? [mean, logStd] : [mean]
    })
    const [mean, logStd] = out.map((t) => t.dataSync() as Float32Array)
    tf.dispose(out)
    return { mean: mean!, logStd }
  }

  const act = (): void => {
    if (steps < warmupSteps) {
      for (const d of data) d.store(game, [d.explore.uniform(-1, 1), d.explore.uniform(-1, 1)])
      return
    }
    const { mean, logStd } = policyNow()
    const ex = learner.exploration
    data.forEach((d, k) => {
      const a = [0, 0]
      for (let i = 0; i < N; i++) {
        const mu = mean[k * N + i]!
        if (ex.kind === "policy") {
          a[i] = Math.tanh(mu + Math.exp(logStd![k * N + i]!) * d.explore.normal()) // a = tanh(μ + σ ε)
        } else {
          a[i] = clip(Math.tanh(mu) + ex.std * d.explore.normal()) // a = clip(tanh μ + σ ε)
        }
      }
      d.store(game, a)
    })
  }

  const update = (): void => {
    data.forEach((d, k) => {
      d.sample(B, batchActions, batchRewards, k)
      for (let j = 0; j < D; j++) noise[k * D + j] = d.noise.normal()
    })
    updates++
    tf.tidy(() => {
      const batch: ContinuousBatch = {
        actions: tf.tensor3d(batchActions, [S, B, N]), // [S, B, N]
        reward: tf.tensor2d(batchRewards, [S, B]), // [S, B]
        noise: tf.tensor2d(noise, [S, D]) // [S, D]
      }
      for (const step of learner.steps) {
        const j = groupIndex.get(step.group)
        if (j === undefined) throw new Error(`${learner.algo}: update step names unknown group "${step.group}"`)
        groups[j]!.step(() => step.loss(params, tensors, batch), updates, { lr: learner.groups[j]!.lr, ...defaultAdam })
      }
    })
  }

  const curves: Array<Array<number>> = seeds.map(() => [])
  const deterministic = (mean: Float32Array, k: number): [number, number] => [
    game.bound * Math.tanh(mean[k * N]!),
    game.bound * Math.tanh(mean[k * N + 1]!)
  ]
  const record = (): void => {
    const { mean } = policyNow()
    seeds.forEach((_, k) => {
      const [u1, u2] = deterministic(mean, k)
      curves[k]!.push(quadraticsReward(game, u1, u2))
    })
  }

  record()
  return {
    stepsDone: () => steps,
    done: () => steps >= options.steps,
    updatesDone: () => updates,
    advance: (n) => {
      const end = Math.min(options.steps, steps + n)
      while (steps < end) {
        act()
        steps++
        if (steps > warmupSteps && data[0]!.size >= B) update()
        if (steps % evalEvery === 0 || steps === options.steps) record()
      }
    },
    results: () => {
      const { mean } = policyNow()
      const diag = tf.tidy(() => learner.diagnostics(params, tensors))
      const diagValues = Object.fromEntries(Object.entries(diag).map(([k, t]) => [k, t.dataSync()]))
      tf.dispose(Object.values(diag))
      return options.seeds.map((seed, k) => {
        const finalAction = deterministic(mean, k)
        return {
          seed,
          finalAction,
          finalReward: quadraticsReward(game, finalAction[0], finalAction[1]),
          curve: [...curves[k]!],
          diagnostics: Object.fromEntries(Object.entries(diagValues).map(([name, v]) => [name, v[k]!]))
        }
      })
    },
    dispose: () => {
      for (const g of groups) g.dispose()
      tf.dispose([tensors.state, tensors.obs])
    }
  }
}
