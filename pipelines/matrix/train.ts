/**
 * The training protocol of Section 5.1 for any discrete learner, over S replicas at once.
 *
 * Each environment step, every replica's agents act uniformly at random (ε = 1), the
 * one-step episode goes into that replica's replay buffer (FIFO, `bufferSize` episodes),
 * and once the buffer holds a batch, one update is made on `batchSize` episodes drawn
 * uniformly without replacement (PyMARL's loop: one episode, then one training step).
 *
 * Replica k draws from its own streams, `[…label, "seed <seed>", "init" | "explore" |
 * "replay"]` under the root seed, so its data and initial weights do not depend on which
 * other replicas share the batch. Replicas that share a seed (FSV's α0 variants) share the
 * same initial weights and data, so they differ only in α0.
 *
 * `createTrainer` is synchronous tensor code; `../pool.ts` runs it as an Effect that owns the
 * tensors (released on success, failure and interruption), in this thread or a worker.
 */
import * as tf from "@tensorflow/tfjs"
import { Schema } from "effect"
import type { Trainer } from "../../src/runtime/Trainer.ts"
import { argmax, jointActions, jointCount, jointIndex } from "../../src/core/factorization.ts"
import { isOptimal, type MatrixGame, observation, stateFeatures } from "../../src/envs/matrix.ts"
import type { ParamLayout } from "../../src/nn/params.ts"
import { rmspropStep } from "../../src/nn/rmsprop.ts"
import { tidyArray } from "../../src/nn/tidyArray.ts"
import { UNAVAILABLE } from "../../src/nn/softValue.ts"
import { sampleWithoutReplacement, stream, type Stream } from "../../src/rng/Rng.ts"
import { type DiscreteBatch, type DiscreteLearner, type DiscreteShape, type DiscreteGameTensors } from "../../src/learners/discrete.ts"
import { rmspropSettings } from "../../src/learners/Learner.ts"

/** One replica. */
export interface Slice {
  readonly seed: number
  /** FSV's α0, null for the other learners. */
  readonly alpha0: number | null
}

/** What a replica learned (evaluation.json's `runs`, and the matrix stage's before `toRun`). */
export const SliceResult = Schema.Struct({
  seed: Schema.Int,
  alpha0: Schema.NullOr(Schema.Finite),
  /** agentQ[i][a]: Q_i(a) over agent i's actions. */
  agentQ: Schema.Array(Schema.Array(Schema.Finite)),
  /** Q_tot of every joint action, in joint-index order (agent 1 the most significant digit). */
  qTot: Schema.Array(Schema.Finite),
  /** Each agent's argmax Q_i (lowest index on ties). */
  greedy: Schema.Array(Schema.Int),
  /** Whether the greedy joint action attains the largest payoff. */
  optimal: Schema.Boolean,
  /** max over joint actions of |Q_tot − payoff|. */
  maxAbsError: Schema.Finite
})
export type SliceResult = typeof SliceResult.Type

export interface MatrixTrainOptions {
  readonly game: MatrixGame
  readonly learner: DiscreteLearner
  readonly slices: ReadonlyArray<Slice>
  /** Root seed of every stream. */
  readonly rootSeed: number
  /** Stream label path prefix, e.g. ["matrix", "qmix"]. */
  readonly label: ReadonlyArray<string>
  /** Environment steps. */
  readonly steps: number
  /**
   * Rows of each update's loss (see `Batch`): "auto" uses one row per joint action when the
   * game has no more joint actions than a batch has episodes, "samples" one row per episode.
   * The same loss either way, up to float rounding.
   */
  readonly rows?: "auto" | "samples"
}

export const gameShape = (game: MatrixGame): DiscreteShape => ({
  agents: game.actionCounts.length,
  actions: Math.max(...game.actionCounts),
  actionCounts: game.actionCounts,
  stateDim: stateFeatures(game).length,
  obsDim: observation(game, 0).length
})

/** The game's constant inputs for S replicas (see `GameTensors`). The caller disposes them. */
export const gameTensors = (game: MatrixGame, S: number): DiscreteGameTensors => {
  const { agents: N, actions: A } = gameShape(game)
  const stateRow = [...stateFeatures(game)]
  const obsRows = Array.from({ length: N }, (_, i) => [...observation(game, i)])
  return {
    state: tf.tensor3d(Array.from({ length: S }, () => [stateRow]), [S, 1, stateRow.length]), // [S, 1, stateDim]
    obs: tf.tensor3d(Array.from({ length: S }, () => obsRows), [S, N, obsRows[0]!.length]), // [S, N, obsDim]
    unavailable: game.actionCounts.every((n) => n === A)
      ? undefined
      : tf.tensor3d([game.actionCounts.map((n) => Array.from({ length: A }, (_, a) => (a < n ? 0 : UNAVAILABLE)))], [1, N, A]) // [1, N, A]
  }
}

/** A replica's environment and replay buffer (episodes stored as joint-action indices). */
class ReplicaData {
  private readonly game: MatrixGame
  private readonly capacity: number
  private readonly explore: Stream
  private readonly replay: Stream
  private readonly episodes: Int32Array
  private count = 0
  private next = 0

  constructor(game: MatrixGame, root: number, prefix: ReadonlyArray<string>, capacity: number) {
    this.game = game
    this.capacity = capacity
    this.explore = stream(root, [...prefix, "explore"])
    this.replay = stream(root, [...prefix, "replay"])
    this.episodes = new Int32Array(capacity)
  }

  /** One episode with ε = 1: every agent acts uniformly at random; store its joint action. */
  act(): void {
    const u = this.game.actionCounts.map((n) => this.explore.int(n))
    this.episodes[this.next] = jointIndex(u, this.game.actionCounts)
    this.next = (this.next + 1) % this.capacity
    this.count = Math.min(this.count + 1, this.capacity)
  }

  get size(): number {
    return this.count
  }

  /** The joint actions of B episodes drawn uniformly without replacement, in draw order. */
  sample(B: number): Array<number> {
    return sampleWithoutReplacement(this.replay, this.count, B).map((e) => this.episodes[e]!)
  }
}

/** One-hot of each agent's action, for a flat list of joint-action indices into `joint`: [rows · N · A]. */
const oneHotRows = (joint: ReadonlyArray<ReadonlyArray<number>>, A: number, rows: ReadonlyArray<number>): Float32Array => {
  const N = joint[0]!.length
  const hot = new Float32Array(rows.length * N * A)
  rows.forEach((j, r) => joint[j]!.forEach((a, i) => (hot[(r * N + i) * A + a] = 1)))
  return hot
}

/** Every joint action of `game` once per replica, in joint-index order, as one-hots: [S, J, N, A]. */
export const everyJointAction = (game: MatrixGame, S: number): tf.Tensor4D => {
  const { agents: N, actions: A } = gameShape(game)
  const joint = jointActions(game.actionCounts)
  const J = joint.length
  return tf.tensor4d(oneHotRows(joint, A, Array.from({ length: S * J }, (_, r) => r % J)), [S, J, N, A])
}

/** Trained replicas' parameters [S · P] in `ParamLayout` order, with what they were trained on. */
export interface TrainedParameters<L extends { readonly layout: ParamLayout }> {
  readonly game: MatrixGame
  readonly learner: L
  readonly slices: ReadonlyArray<Slice>
  readonly parameters: Float32Array
  readonly step: number
}

/** The replicas' parameters as named tensors, after checking their count. Call inside tf.tidy. */
export const replicaParameters = (
  { learner: { layout }, slices, parameters }: TrainedParameters<{ readonly layout: ParamLayout }>
): Record<string, tf.Tensor> => {
  const S = slices.length
  if (parameters.length !== S * layout.size) {
    throw new RangeError(`${parameters.length} parameters for ${S} replicas of ${layout.size}`)
  }
  return layout.named(layout.tensors(parameters, S))
}

/**
 * What replicas' parameters give at `step` (α of FSV's anneal): Q_i, Q_tot of every joint
 * action, each agent's greedy action and the error against the payoff. `parameters` is
 * [S · P] in `ParamLayout` order, as `Trainer.parameters()` holds them. Synchronous tensor
 * code that leaves no tensor behind.
 */
export const evaluateParameters = (options: TrainedParameters<DiscreteLearner>): Array<SliceResult> => {
  const { game, learner, slices, step } = options
  const { agents: N, actions: A } = gameShape(game)
  const S = slices.length
  const J = jointCount(game.actionCounts)
  const ev = tf.tidy(() => {
    const actions = everyJointAction(game, S) // [S, J, N, A]
    const { agentQ, qTot } = learner.evaluate(replicaParameters(options), gameTensors(game, S), actions, step)
    return [agentQ, qTot] // [S, N, A], [S, J]
  })
  const [q, qTot] = ev.map((t) => t.dataSync())
  tf.dispose(ev)
  return slices.map((sl, k) => {
    const agentQ = game.actionCounts.map((n, i) => Array.from(q!.subarray((k * N + i) * A, (k * N + i) * A + n)))
    const values = Array.from(qTot!.subarray(k * J, (k + 1) * J))
    const greedy = agentQ.map(argmax)
    let maxAbsError = 0
    values.forEach((v, j) => (maxAbsError = Math.max(maxAbsError, Math.abs(v - game.flat[j]!))))
    return { seed: sl.seed, alpha0: sl.alpha0, agentQ, qTot: values, greedy, optimal: isOptimal(game, greedy), maxAbsError }
  })
}

/**
 * The matrix experiment's run (`src/runtime/Trainer.ts`): each environment step is followed by
 * an update once the buffer holds a batch; `results` are the learned values at the current α.
 */
export interface MatrixTrainer extends Trainer<Array<SliceResult>> {
  /** The flat parameters [S · P] in `ParamLayout` order (live; copy to keep). */
  readonly parameters: () => Float32Array
}

/** Build the replicas, their data and their tensors. The caller must `dispose()`. */
export const createMatrixTrainer = (options: MatrixTrainOptions): MatrixTrainer => {
  const { game, learner, slices, rootSeed, label } = options
  const shape = gameShape(game)
  const { agents: N, actions: A } = shape
  const S = slices.length
  const { batchSize: B, bufferSize } = learner.training
  const settings = rmspropSettings(learner.training)
  if (bufferSize < B) throw new RangeError(`bufferSize ${bufferSize} is smaller than batchSize ${B}`)

  const prefix = (sl: Slice) => [...label, `seed ${sl.seed}`]
  const data = slices.map((sl) => new ReplicaData(game, rootSeed, prefix(sl), bufferSize))
  const layout = learner.layout
  const params = layout.stack(slices.map((sl) => layout.init(stream(rootSeed, [...prefix(sl), "init"])))) // [S · P]
  const squareAvg = new Float32Array(params.length) // RMSProp state, [S · P]
  const tensors = gameTensors(game, S)

  const joint = jointActions(game.actionCounts)
  const J = joint.length
  const oneHotOf = (rows: ReadonlyArray<number>): Float32Array => oneHotRows(joint, A, rows)
  // Rows of the loss (see `Batch`): every joint action with its share of the batch when J ≤ B.
  const table = (options.rows ?? "auto") === "auto" && J <= B
  const tableActions = table ? everyJointAction(game, S) : undefined // [S, J, N, A]
  const tableReward = table ? tf.tensor2d(Array.from({ length: S }, () => [...game.flat]), [S, J]) : undefined // [S, J]
  const sampleWeight = table ? undefined : tf.fill([S, B], 1 / B) // [S, B]

  let steps = 0
  let updates = 0
  const update = (): void => {
    const picks = data.map((d) => d.sample(B))
    const grad = tidyArray(() => {
      let batch: DiscreteBatch
      if (table) {
        const share = new Float32Array(S * J)
        picks.forEach((p, k) => p.forEach((j) => (share[k * J + j]! += 1)))
        for (let r = 0; r < share.length; r++) share[r] = share[r]! / B // count / B
        batch = { actions: tableActions!, reward: tableReward!, weight: tf.tensor2d(share, [S, J]) }
      } else {
        const flat = picks.flat()
        const rewards = Float32Array.from(flat, (j) => game.flat[j]!)
        batch = { actions: tf.tensor4d(oneHotOf(flat), [S, B, N, A]), reward: tf.tensor2d(rewards, [S, B]), weight: sampleWeight! }
      }
      const loss = (...ps: Array<tf.Tensor>) => learner.loss(layout.named(ps), tensors, batch, steps)
      const grads = tf.grads(loss)(layout.tensors(params, S))
      return tf.concat(grads.map((g) => tf.reshape(g, [-1]))).dataSync() // in layout order: [S · P]
    })
    rmspropStep(layout, S, params, squareAvg, grad, settings)
    updates++
  }
  return {
    stepsDone: () => steps,
    done: () => steps >= options.steps,
    updatesDone: () => updates,
    advance: (n) => {
      const end = Math.min(options.steps, steps + n)
      while (steps < end) {
        for (const d of data) d.act()
        steps++
        if (data[0]!.size >= B) update()
      }
    },
    results: () => evaluateParameters({ game, learner, slices, parameters: params, step: steps }),
    parameters: () => params,
    dispose: () => {
      tf.dispose([tensors.state, tensors.obs])
      for (const t of [tensors.unavailable, tableActions, tableReward, sampleWeight]) t?.dispose()
    }
  }
}
