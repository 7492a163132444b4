/**
 * One recorded episode of SMAC-lite, as PyMARL's EpisodeBatch stores it: for t = 0 … L the
 * agents' network inputs, the global state and the available actions (the step t = L is the
 * last observation, kept for the bootstrap), and for t = 0 … L − 1 the joint action, the
 * shared reward and whether the step ended the episode for real (PyMARL's `terminated`:
 * a time-out is terminal too, since SMAC reports `episode_limit` only with
 * `continuing_episode`).
 *
 * An agent's input is PyMARL's: observation ⊕ one-hot of its last action (zeros at t = 0)
 * ⊕ one-hot of its id.
 */
export interface Episode {
  /** L, the number of steps. */
  readonly length: number
  /** Agent inputs, [(L + 1) · N · inputDim]. */
  readonly inputs: Float32Array
  /** Global states, [(L + 1) · stateDim]. */
  readonly state: Float32Array
  /** 1 where an action is available, [(L + 1) · N · A]. */
  readonly avail: Uint8Array
  /** Joint actions, [L · N]. */
  readonly actions: Uint8Array
  /** Shared rewards, [L]. */
  readonly reward: Float32Array
  /** Whether step L − 1 ended the episode for real (0 means it was cut off without a terminal state). */
  readonly terminated: boolean
  readonly won: boolean
  /** Σ_t r_t. */
  readonly return: number
  /** Which environment seed of the run's stream started it (`["env", "episode k"]`), for rebuilding from actions. */
  readonly envEpisode: number
}
