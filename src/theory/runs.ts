/**
 * How many cases each property runs, and with which seed.
 *
 * The one place that reads FSV_PROPERTY_RUNS: unset means 1,000 cases per
 * property; a positive integer overrides it (e.g. FSV_PROPERTY_RUNS=100000 for a
 * long soak). Seeds are fixed per property label, derived from the project's
 * seeded streams, so every run of the suite checks the same cases.
 */
import { streamState } from "../rng/Rng.ts"
import { InvalidPropertyRuns } from "./errors.ts"

export const DEFAULT_PROPERTY_RUNS = 1000

/** Cases per property: FSV_PROPERTY_RUNS if set, else 1,000. Throws InvalidPropertyRuns on a bad value. */
export const propertyRuns = (env: Readonly<Record<string, string | undefined>> = process.env): number => {
  const raw = env["FSV_PROPERTY_RUNS"]
  if (raw === undefined || raw.trim() === "") return DEFAULT_PROPERTY_RUNS
  const trimmed = raw.trim()
  const runs = Number(trimmed)
  if (!/^[0-9]+$/.test(trimmed) || !Number.isSafeInteger(runs) || runs < 1) {
    throw new InvalidPropertyRuns({ value: raw })
  }
  return runs
}

/** A fixed 32-bit fast-check seed for the property named `label`. */
export const propertySeed = (label: string): number => streamState(0, ["theory", label])[0]

/** fast-check parameters for the property named `label`: its fixed seed and the configured number of runs. */
export const propertyParameters = (label: string): { readonly seed: number; readonly numRuns: number } => ({
  seed: propertySeed(label),
  numRuns: propertyRuns()
})
