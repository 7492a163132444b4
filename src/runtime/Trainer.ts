/**
 * The one shape of a training run, whatever the experiment (matrix, quadratics, SMAC): a run
 * is a value built from its options and seed, advanced in chunks of environment steps until
 * its budget is spent, then read and disposed. Chunks change nothing but when the caller looks:
 * advancing by 250 four times leaves the same state, bit for bit, as advancing by 1000 once, so
 * the caller chooses the chunk for progress reports, yields to a scheduler or checkpoints
 * (PureJaxRL's `make_train(config)(rng)` made resumable).
 */
export interface Trainer<R> {
  /** Environment steps taken so far. */
  readonly stepsDone: () => number
  /** Updates (gradient steps of the learner) made so far. */
  readonly updatesDone: () => number
  /** Take at least `n` more environment steps, or as many as the budget has left. */
  readonly advance: (n: number) => void
  /** Whether the budget is spent. */
  readonly done: () => boolean
  /** What the run has learned so far: the experiment's result record. */
  readonly results: () => R
  /** Free the run's tensors; the trainer is unusable afterwards. */
  readonly dispose: () => void
}
