/**
 * The paper's theory as executable checks: IGM (Eq. 1), Theorem 1 (Eq. 6) and
 * monotonicity (Eq. 2), each run by fast-check on random cases with a fixed
 * seed, reporting a shrunk counterexample on failure.
 */
export { type Count, type Range } from "./arbitraries.ts"
export { InvalidCheckOptions, InvalidPropertyRuns } from "./errors.ts"
export { type FsvMixing, fsvMixer } from "./fsvMixer.ts"
export { checkIgm, findIgmViolation, type IgmCounterexample, type IgmOptions, type Mixer, type MixerContext } from "./igm.ts"
export {
  checkMonotonicity,
  type MonotonicityCounterexample,
  type MonotonicityOptions,
  type ValueMixer
} from "./monotonicity.ts"
export { type CheckReport } from "./report.ts"
export { DEFAULT_PROPERTY_RUNS, propertyParameters, propertyRuns, propertySeed } from "./runs.ts"
export {
  checkTheorem1,
  type Factorization,
  type FactorizationInputs,
  fsvFactorization,
  type Theorem1Counterexample,
  type Theorem1Options
} from "./theorem1.ts"
