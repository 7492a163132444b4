/**
 * The result of a theory check, and the one runner that produces it from a
 * fast-check property.
 */
import * as fc from "fast-check"

/**
 * What a check found.
 * `ok`: no counterexample in `cases` generated cases.
 * `counterexample`: fast-check's shrunk (smallest) failing case, explained.
 * `error`: what the checked function threw on the failing case, if it threw
 * (then `counterexample` is absent and `input` holds the raw failing case).
 */
export interface CheckReport<C, I = unknown> {
  readonly ok: boolean
  /** Cases run (up to and including the first failure). */
  readonly cases: number
  /** The fast-check seed, to replay the run. */
  readonly seed: number
  readonly counterexample?: C
  readonly input?: I
  readonly error?: unknown
}

/**
 * Runs `find` on `runs` cases of `arbitrary`; `find` returns a description of a
 * violation, or undefined when the case satisfies the property. A failing case
 * is shrunk by fast-check and explained again.
 */
export const runCheck = <I, C>(
  arbitrary: fc.Arbitrary<I>,
  find: (input: I) => C | undefined,
  { runs, seed }: { readonly runs: number; readonly seed: number }
): CheckReport<C, I> => {
  const details = fc.check(fc.property(arbitrary, (input) => find(input) === undefined), { numRuns: runs, seed })
  const base = { ok: false, cases: details.numRuns, seed }
  if (!details.failed) return { ...base, ok: true }
  if (details.counterexample === null) return { ...base, error: details.errorInstance }
  const [input] = details.counterexample
  try {
    const counterexample = find(input)
    return counterexample === undefined ? { ...base, input, error: details.errorInstance } : { ...base, input, counterexample }
  } catch (error) {
    return { ...base, input, error }
  }
}
