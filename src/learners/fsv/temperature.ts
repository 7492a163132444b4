/**
 * FSV's temperature α (α_i = α for every agent, Appendix 7.2), owned here for every experiment.
 *
 * - matrix games (Table 8, "linear decay from 1"): α falls linearly from `alphaStart` (1) to each
 *   replica's α0 over `alphaAnnealSteps` (the whole run); `./discrete.ts` calls `alphaAt` with
 *   the replica's α0 as the end point.
 * - SMAC-lite: the same linear fall, from `alphaStart` to `alphaFinish` over `alphaAnnealSteps`
 *   (`./recurrent.ts`, where the defaults and their sources are); the trainer reads it through
 *   the learner's exploration, `alphaAt(tEnv)`, and hands it back to the loss.
 * - Max of Two Quadratics: automatic entropy adjustment (Eq. 34), a learned log α with its own
 *   Adam (`./continuous.ts`); nothing to schedule.
 */
import { Schema } from "effect"
import { linearSchedule } from "../../core/schedule.ts"

/** The config fields of a linearly annealed α. */
export const AlphaAnnealFields = {
  /** α at step 0. */
  alphaStart: Schema.Number,
  /** Environment steps over which α falls linearly to its end point, then stays. */
  alphaAnnealSteps: Schema.Int
}

export interface AlphaAnneal {
  readonly alphaStart: number
  readonly alphaAnnealSteps: number
}

/** α after `step` environment steps: linear from `alphaStart` to `alphaEnd` over `alphaAnnealSteps`. */
export const alphaAt = (anneal: AlphaAnneal, alphaEnd: number, step: number): number =>
  linearSchedule(anneal.alphaStart, alphaEnd, anneal.alphaAnnealSteps, step)
