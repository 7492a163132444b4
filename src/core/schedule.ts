/** Annealing schedules of exploration and temperature, in float64. */

/**
 * Linear from `start` to `finish` over `steps` environment steps, then `finish` (PyMARL's
 * "linear" schedule for ε; Table 8's "linear decay" of FSV's α). `steps ≤ 0` is `finish` at once.
 */
export const linearSchedule = (start: number, finish: number, steps: number, t: number): number =>
  steps <= 0 ? finish : start + (finish - start) * Math.min(1, t / steps)
