/**
 * The companion of every property: run it on a plausible WRONG variant and
 * require fast-check to find a counterexample. A property that cannot fail
 * proves nothing.
 */
import * as fc from "fast-check"
import { expect } from "vitest"
import { propertyParameters } from "../../src/theory/runs.ts"

/** Runs `property` with the label's seed and run count; asserts it holds. */
export const holds = <Ts>(label: string, property: fc.IProperty<Ts>): void => {
  fc.assert(property, propertyParameters(label))
}

/**
 * Runs `property` (built on a wrong variant) and asserts fast-check rejects it
 * by a returned false or a RangeError from the core, never by an unrelated
 * crash (a TypeError would mean the test itself is broken). Returns the shrunk
 * counterexample.
 */
export const rejected = <Ts>(label: string, property: fc.IProperty<Ts>): Ts => {
  const details = fc.check(property, propertyParameters(`${label} (wrong variant)`))
  expect(details.failed).toBe(true)
  expect(details.counterexample).not.toBeNull()
  const error = details.errorInstance
  const byFalse = error instanceof Error && error.message.includes("Property failed by returning false")
  expect(byFalse || error instanceof RangeError, `unexpected failure: ${String(error)}`).toBe(true)
  return details.counterexample!
}
