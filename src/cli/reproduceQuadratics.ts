/**
 * `fsv reproduce quadratics [--seeds N] [--steps N] [--game FILE] [--backend NAME] [--threads N] [--store DIR]`:
 * the paper's Section 5.2 as an artifact. Progress goes to stderr; the last line on stdout
 * is the artifact directory. A game file that does not check out fails, naming the JSON
 * path of the problem, before anything runs or is written.
 */
import { readFile } from "node:fs/promises"
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { quadraticsStage } from "../../pipelines/quadratics/stage.ts"
import { Backend } from "../backend/Backend.ts"
import { defaultGame, parseGame } from "../envs/quadratics.ts"
import { Progress } from "../progress/Progress.ts"
import { ArtifactStore } from "../store/ArtifactStore.ts"
import { decodeConfig, runStage } from "../store/Stage.ts"
import { backendFlag, storeFlag, threadsFlag } from "./flags.ts"
import { quadraticsConfig, DEFAULT_STEPS } from "../../pipelines/quadratics/config.ts"

/** `--game FILE` could not be read. */
export class GameUnreadable extends Schema.TaggedError<GameUnreadable>()("GameUnreadable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot read the game file ${this.file}: ${this.reason}.`
  }
}

/** The game from `--game FILE`, or the paper's without it. */
export const loadQuadraticsGame = (file: Option.Option<string>) =>
  Option.match(file, {
    onNone: () => Effect.succeed(defaultGame),
    onSome: (path) =>
      Effect.tryPromise({
        try: () => readFile(path, "utf8"),
        catch: (e) => new GameUnreadable({ file: path, reason: e instanceof Error ? e.message : String(e) })
      }).pipe(Effect.flatMap((text) => Effect.fromResult(parseGame(text, path))))
  })

export const quadraticsCommand = Command.make(
  "quadratics",
  {
    seeds: Flag.Int("seeds").pipe(Flag.withDescription("Seeds 0 … N−1 per learner, trained as one batch (default 20)."), Flag.withDefault(20)),
    steps: Flag.Int("steps").pipe(
      Flag.withDescription(`Environment steps per run, one update per step after warm-up (default ${DEFAULT_STEPS}).`),
      Flag.withDefault(DEFAULT_STEPS)
    ),
    game: Flag.String("game").pipe(
      Flag.withDescription(
        `A game as JSON with any of h1, h2, s1, s2, x1, y1, x2, y2, c, bound (missing fields keep the paper's values), ` +
          `e.g. {"x2": -2, "y2": 6}. Default: the paper's Eq. 19 game.`
      ),
      Flag.optional
    ),
    backend: backendFlag,
    threads: threadsFlag,
    store: storeFlag
  },
  ({ seeds, steps, game, backend, threads, store }) =>
    Effect.gen(function*() {
      const g = yield* loadQuadraticsGame(game)
      const config = yield* decodeConfig(
        quadraticsStage,
        Schema.encodeSync(quadraticsStage.config)(quadraticsConfig({ seeds: Math.max(0, seeds), steps, game: g })),
        "--seeds/--steps/--game"
      )
      const ref = yield* runStage(quadraticsStage, config).pipe(
        Effect.provide(Layer.mergeAll(ArtifactStore.layer(store), Backend.fromFlag(Option.getOrUndefined(backend), Option.getOrUndefined(threads)), Progress.stderr))
      )
      yield* Console.log(ref.dir)
    })
).pipe(
  Command.withDescription(
    "Section 5.2: train FSV, MADDPG, QMIX-DDPG and VDN-DDPG on the Max of Two Quadratics game; write result.json, " +
      "report.md (Table 7), reward-surface.svg and curves.svg. The last stdout line is the artifact directory."
  )
)
