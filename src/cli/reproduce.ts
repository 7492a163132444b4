/**
 * `fsv reproduce matrix [--seeds N] [--steps N] [--payoff FILE] [--backend NAME] [--threads N] [--store DIR]`:
 * the paper's Section 5.1 as an artifact. Progress goes to stderr; the last line on stdout
 * is the artifact directory. A payoff file that does not check out fails before anything
 * runs or is written.
 */
import { readFile } from "node:fs/promises"
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { matrixConfig, matrixStage } from "../../pipelines/matrix/stage.ts"
import { Backend } from "../backend/Backend.ts"
import { nonMonotonicGame, parsePayoff } from "../envs/matrix.ts"
import { Progress } from "../progress/Progress.ts"
import { ArtifactStore } from "../store/ArtifactStore.ts"
import { decodeConfig, runStage } from "../store/Stage.ts"
import { quadraticsCommand } from "./reproduceQuadratics.ts"
import { smacReproduceCommand } from "./reproduceSmac.ts"
import { backendFlag, storeFlag, threadsFlag } from "./flags.ts"

/** `--payoff FILE` could not be read. */
export class PayoffUnreadable extends Schema.TaggedError<PayoffUnreadable>()("PayoffUnreadable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot read the payoff file ${this.file}: ${this.reason}.`
  }
}

/** The game from `--payoff FILE`, or the paper's Table 1 without it. */
export const loadMatrixGame = (file: Option.Option<string>) =>
  Option.match(file, {
    onNone: () => Effect.succeed(nonMonotonicGame),
    onSome: (path) =>
      Effect.tryPromise({
        try: () => readFile(path, "utf8"),
        catch: (e) => new PayoffUnreadable({ file: path, reason: e instanceof Error ? e.message : String(e) })
      }).pipe(Effect.flatMap((text) => Effect.fromResult(parsePayoff(text, path))))
  })

const matrixCommand = Command.make(
  "matrix",
  {
    seeds: Flag.Int("seeds").pipe(Flag.withDescription("Seeds 0 … N−1, one replica each (default 5)."), Flag.withDefault(5)),
    steps: Flag.Int("steps").pipe(Flag.withDescription("Environment steps per run (default 20000, Section 5.1)."), Flag.withDefault(20000)),
    payoff: Flag.String("payoff").pipe(
      Flag.withDescription(`A game as JSON: {"actionCounts":[n_1,…,n_N],"payoff":[…nested N deep…]}. Default: the paper's Table 1.`),
      Flag.optional
    ),
    backend: backendFlag,
    threads: threadsFlag,
    store: storeFlag
  },
  ({ seeds, steps, payoff, backend, threads, store }) =>
    Effect.gen(function*() {
      const game = yield* loadMatrixGame(payoff)
      // The config's encoded form is plain JSON, the same as its decoded form: decoding checks it.
      const config = yield* decodeConfig(matrixStage, matrixConfig({ seeds: Math.max(0, seeds), steps, game }), "--seeds/--steps/--payoff")
      const ref = yield* runStage(matrixStage, config).pipe(
        Effect.provide(Layer.mergeAll(ArtifactStore.layer(store), Backend.fromFlag(Option.getOrUndefined(backend), Option.getOrUndefined(threads)), Progress.stderr))
      )
      yield* Console.log(ref.dir)
    })
).pipe(
  Command.withDescription(
    "Section 5.1: train VDN, QMIX, QTRAN-alt, QTRAN-base and FSV (α0 = 1, 0.1, 0.01) on a matrix game with uniform exploration; " +
      "write result.json, report.md and qtot.svg. The last stdout line is the artifact directory."
  )
)

export const reproduceCommand = Command.make("reproduce").pipe(
  Command.withDescription("Reproduce an experiment of the paper as an artifact."),
  Command.withSubcommands([matrixCommand, quadraticsCommand, smacReproduceCommand])
)
