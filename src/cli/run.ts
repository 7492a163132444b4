/**
 * Running a CLI program: typed failures become one paragraph on stderr and a non-zero
 * exit code; stack traces only with FSV_DEBUG=1. Interrupts (Ctrl-C) end the run through
 * Effect's interruption, so scoped resources (tensors, temporary directories) are released.
 */
import { Cause, Effect, Exit, Fiber } from "effect"
import { CliError } from "effect/cli"

const debug = (): boolean => process.env["FSV_DEBUG"] === "1"

/** The message a user sees for one failure. */
export const describeFailure = (error: unknown): string => {
  if (error && typeof error === "object") {
    const e = error as { _tag?: string; message?: string }
    if (typeof e.message === "string" && e.message.length > 0) return e.message
    if (typeof e._tag === "string") return `${e._tag}: ${JSON.stringify(error)}`
  }
  return String(error)
}

/** Run `program` as the process's main: exit code 0, or 1 on failure (2 for usage errors). */
export const runCli = <E>(program: Effect.Effect<void, E>): void => {
  const fiber = Effect.runFork(program)
  const onSignal = () => {
    process.stderr.write("\nInterrupted: releasing resources; nothing half-written is left in the store.\n")
    Effect.runFork(Fiber.interrupt(fiber))
  }
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  fiber.addObserver((exit) => {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    if (Exit.isSuccess(exit)) return
    const cause = exit.cause
    if (Cause.hasInterruptsOnly(cause)) {
      process.exitCode = 130
      return
    }
    const failures = cause.reasons.filter(Cause.isFailReason).map((f) => f.error)
    // Usage errors were already printed with the command's help by effect/cli.
    const isCliError = failures.some(CliError.isCliError)
    if (failures.length > 0 && !isCliError) {
      for (const e of failures) process.stderr.write(`error: ${describeFailure(e)}\n`)
    } else if (failures.length === 0) {
      process.stderr.write(`internal error: ${Cause.pretty(cause).split("\n")[0]}\n` +
        `This is a bug in fsv; rerun with FSV_DEBUG=1 for the stack trace and report it.\n`)
    }
    if (debug()) process.stderr.write(Cause.pretty(cause) + "\n")
    process.exitCode = isCliError ? 2 : 1
  })
}
