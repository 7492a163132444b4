/**
 * The replay buffer of whole episodes (PyMARL's ReplayBuffer): the newest `capacity`
 * episodes, oldest dropped first; batches of B episodes drawn uniformly without replacement
 * and padded to the longest episode in the batch (PyMARL's `max_t_filled`), with a mask that
 * is 1 on real steps and 0 on padding.
 *
 * Batches are time-major, the layout the recurrent unroll wants: step t of every episode is
 * one contiguous block. Padded steps have zero inputs and state, and only the no-op available
 * (as for a dead agent), so no quantity computed on them is ever infinite.
 */
import { inputDim, type EpisodeBatchData, type EpisodeShape } from "../../src/learners/recurrent.ts"
import { sampleWithoutReplacement, type Stream } from "../../src/rng/Rng.ts"
import type { Episode } from "./Episode.ts"
import { type ArraySource, fresh } from "../../src/nn/scratch.ts"

/**
 * Pad and stack `episodes` (in order) into one time-major batch, in arrays from `arrays` (a
 * `Scratch` reuses the previous batch's memory: the result is then valid until its next use).
 */
export const assembleBatch = (shape: EpisodeShape, episodes: ReadonlyArray<Episode>, arrays: ArraySource = fresh): EpisodeBatchData => {
  const { agents: N, actions: A, stateDim: SD } = shape
  const D = inputDim(shape)
  const B = episodes.length
  const T = Math.max(...episodes.map((e) => e.length))
  const inputs = arrays.f32("batch.inputs", (T + 1) * B * N * D)
  const state = arrays.f32("batch.state", (T + 1) * B * SD)
  const avail = arrays.u8("batch.avail", (T + 1) * B * N * A)
  const actions = arrays.i32("batch.actions", T * B * N)
  const reward = arrays.f32("batch.reward", T * B)
  const terminated = arrays.f32("batch.terminated", T * B)
  const mask = arrays.f32("batch.mask", T * B)
  episodes.forEach((ep, b) => {
    const L = ep.length
    for (let t = 0; t <= T; t++) {
      if (t <= L) {
        inputs.set(ep.inputs.subarray(t * N * D, (t + 1) * N * D), (t * B + b) * N * D)
        state.set(ep.state.subarray(t * SD, (t + 1) * SD), (t * B + b) * SD)
        avail.set(ep.avail.subarray(t * N * A, (t + 1) * N * A), (t * B + b) * N * A)
      } else {
        for (let i = 0; i < N; i++) avail[((t * B + b) * N + i) * A] = 1 // padding: only the no-op
      }
      if (t < L) {
        for (let i = 0; i < N; i++) actions[(t * B + b) * N + i] = ep.actions[t * N + i]!
        reward[t * B + b] = ep.reward[t]!
        mask[t * B + b] = 1
        if (t === L - 1 && ep.terminated) terminated[t * B + b] = 1
      }
    }
  })
  return { T, B, inputs, state, avail, actions, reward, terminated, mask }
}

export class EpisodeBuffer {
  readonly capacity: number
  private readonly episodes: Array<Episode | undefined>
  private next = 0
  private count = 0

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`buffer capacity must be a positive integer, got ${capacity}`)
    this.capacity = capacity
    this.episodes = new Array(capacity).fill(undefined)
  }

  get size(): number {
    return this.count
  }

  insert(episode: Episode): void {
    this.episodes[this.next] = episode
    this.next = (this.next + 1) % this.capacity
    this.count = Math.min(this.count + 1, this.capacity)
  }

  /** The stored episodes in slot order and the next slot to write: all a checkpoint needs. */
  snapshot(): { readonly next: number; readonly episodes: ReadonlyArray<Episode> } {
    return { next: this.next, episodes: this.episodes.slice(0, this.count) as Array<Episode> }
  }

  /** Put back a `snapshot()` (same capacity), slot for slot, so later samples are the same. */
  restore(next: number, episodes: ReadonlyArray<Episode>): void {
    if (episodes.length > this.capacity || next < 0 || next >= this.capacity) {
      throw new RangeError(`buffer snapshot of ${episodes.length} episodes (next ${next}) does not fit capacity ${this.capacity}`)
    }
    this.episodes.fill(undefined)
    episodes.forEach((e, k) => (this.episodes[k] = e))
    this.count = episodes.length
    this.next = next
  }

  /** B episodes drawn uniformly without replacement (slot order), in draw order. */
  sample(rng: Stream, B: number): Array<Episode> {
    if (B > this.count) throw new RangeError(`cannot sample ${B} episodes from ${this.count}`)
    return sampleWithoutReplacement(rng, this.count, B).map((k) => this.episodes[k]!)
  }
}
