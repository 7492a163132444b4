/**
 * Typed errors of the theory checks: every failure a caller can cause.
 */
import { Schema } from "effect"

/** An option of `checkIgm`, `checkTheorem1` or `checkMonotonicity` is out of its domain. */
export class InvalidCheckOptions extends Schema.TaggedError<InvalidCheckOptions>()("InvalidCheckOptions", {
  option: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `invalid option ${this.option}: ${this.reason}`
  }
}

/** FSV_PROPERTY_RUNS is set but is not a positive integer. */
export class InvalidPropertyRuns extends Schema.TaggedError<InvalidPropertyRuns>()("InvalidPropertyRuns", {
  value: Schema.String
}) {
  override get message(): string {
    return `FSV_PROPERTY_RUNS must be a positive integer, got ${JSON.stringify(this.value)}`
  }
}
