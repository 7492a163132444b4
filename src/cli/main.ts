/**
 * The `fsv` command line. Each command group lives in its own file and is registered in
 * `subcommands` below.
 */
import { NodeServices } from "@effect/platform-node"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { Backend } from "../backend/Backend.ts"
import { Progress } from "../progress/Progress.ts"
import { Checkpoints } from "../../pipelines/smac/checkpoint.ts"
import { verify } from "../store/ArtifactStore.ts"
import { readKeyRecord, rerun } from "../store/Rerun.ts"
import { reproduceCommand } from "./reproduce.ts"
import { runCli } from "./run.ts"
import { smacCommand } from "./smac.ts"
import { backendFlag } from "./flags.ts"
import { knownStages } from "../../pipelines/stages.ts"
import { runnerCommand, sweepCommand } from "./sweep.ts"
import { theoryCommand } from "./theory.ts"
import { dashboardCommand } from "./dashboard.ts"
import { evaluateCommand } from "./evaluate.ts"

/** `fsv verify` found files that do not match their manifest. */
export class VerifyFailed extends Schema.TaggedError<VerifyFailed>()("VerifyFailed", {
  dir: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.dir} does not match its manifest: ${this.problems.join("; ")}. ` +
      `The artifact was modified after it was written; recompute it (delete the directory and rerun the stage).`
  }
}

/** `fsv rerun` produced different bytes. */
export class RerunDiffers extends Schema.TaggedError<RerunDiffers>()("RerunDiffers", {
  dir: Schema.String,
  problems: Schema.Array(Schema.String),
  rerunDir: Schema.String
}) {
  override get message(): string {
    return `Rerunning ${this.dir} did not reproduce it: ${this.problems.join("; ")}. ` +
      `The fresh copy is kept at ${this.rerunDir} for comparison.`
  }
}

const verifyCommand = Command.make(
  "verify",
  { dir: Argument.Directory("artifact-dir", { mustExist: true }) },
  ({ dir }) =>
    Effect.gen(function*() {
      const report = yield* verify(dir)
      if (!report.ok) {
        return yield* new VerifyFailed({
          dir,
          problems: [
            ...report.mismatched.map((f) => `${f} differs`),
            ...report.missing.map((f) => `${f} is missing`),
            ...report.unexpected.map((f) => `${f} is not in the manifest`)
          ]
        })
      }
      yield* Console.log(`ok: ${report.checked} files match ${dir}/manifest.json`)
    })
).pipe(Command.withDescription("Re-hash every file of an artifact against its manifest (exit 0 when all match)."))

const rerunCommand = Command.make(
  "rerun",
  {
    dir: Argument.Directory("artifact-dir", { mustExist: true }),
    backend: backendFlag,
    keep: Flag.Boolean("keep").pipe(Flag.withDescription("Keep the fresh copy even when identical."), Flag.withDefault(false))
  },
  ({ dir, backend, keep }) =>
    Effect.gen(function*() {
      const record = yield* readKeyRecord(dir)
      const chosen = Option.getOrElse(backend, () => record.runtime.backend)
      const report = yield* rerun(dir, knownStages, { keep }).pipe(
        Effect.provide(Backend.fromFlag(chosen)),
        Effect.provide(Progress.stderr),
        // A rerun computes from scratch: long-run stages (smac) get no checkpoints to resume from.
        Effect.provide(Checkpoints.none)
      )
      if (report.keyChanges.length > 0) {
        yield* Console.error(`note: key fields changed since the original run: ${report.keyChanges.join(", ")}`)
      }
      if (!report.identical) {
        return yield* new RerunDiffers({
          dir,
          rerunDir: report.rerun,
          problems: [
            ...report.differing.map((f) => `${f} differs`),
            ...report.onlyInOriginal.map((f) => `${f} was not produced again`),
            ...report.onlyInRerun.map((f) => `${f} is new`)
          ]
        })
      }
      yield* Console.log(`identical: ${report.compared} files reproduced byte for byte (${dir})`)
    })
).pipe(
  Command.withDescription("Re-execute an artifact's stage from its recorded config into a fresh store; exit 0 when every file is byte-identical.")
)

const subcommands = [verifyCommand, rerunCommand, theoryCommand, smacCommand, reproduceCommand, sweepCommand, runnerCommand, dashboardCommand, evaluateCommand] as const

export const fsv = Command.make("fsv").pipe(
  Command.withDescription("FSV and baselines for cooperative multi-agent RL, as reproducible pipelines."),
  Command.withSubcommands(subcommands)
)

/** Run the command line on `process.argv`. */
export const runFsv = (): void =>
  runCli(Command.run(fsv, { version: "0.1.0" }).pipe(Effect.provide(NodeServices.layer)))

if (import.meta.main) runFsv()
