/**
 * `fsv theory [--runs N] [--seed S] [--store DIR]`: run the paper's properties, print the
 * table, write it as an artifact. Exits non-zero if any property or control comes out
 * other than expected.
 */
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { theoryStage } from "../../pipelines/theory/stage.ts"
import { Backend } from "../backend/Backend.ts"
import { Progress } from "../progress/Progress.ts"
import { ArtifactStore, readArtifactText } from "../store/ArtifactStore.ts"
import { decodeConfig, runStage } from "../store/Stage.ts"
import { DEFAULT_PROPERTY_RUNS } from "../theory/index.ts"
import { storeFlag } from "./flags.ts"

export class TheoryViolated extends Schema.TaggedError<TheoryViolated>()("TheoryViolated", {
  properties: Schema.Array(Schema.String),
  dir: Schema.String
}) {
  override get message(): string {
    return `Not as expected: ${this.properties.join("; ")}. The table with counterexamples is in ${this.dir}/theory.md.`
  }
}

export const theoryCommand = Command.make(
  "theory",
  {
    runs: Flag.Int("runs").pipe(Flag.withDescription(`Generated cases per property (default ${DEFAULT_PROPERTY_RUNS}).`), Flag.optional),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Root seed (default 0)."), Flag.withDefault(0)),
    store: storeFlag
  },
  ({ runs, seed, store }) =>
    Effect.gen(function*() {
      const config = yield* decodeConfig(theoryStage, { runs: Option.getOrElse(runs, () => DEFAULT_PROPERTY_RUNS), seed }, "--runs/--seed")
      const ref = yield* runStage(theoryStage, config).pipe(
        Effect.provide(Layer.mergeAll(ArtifactStore.layer(store), Backend.layer("cpu"), Progress.stderr))
      )
      const json = JSON.parse(yield* readArtifactText(ref.dir, "theory.json")) as {
        rows: Array<{ property: string; asExpected: boolean; result: string }>
      }
      yield* Console.log(yield* readArtifactText(ref.dir, "theory.md"))
      const bad = json.rows.filter((r) => !r.asExpected).map((r) => `${r.property} (${r.result})`)
      if (bad.length > 0) return yield* new TheoryViolated({ properties: bad, dir: ref.dir })
      yield* Console.log(ref.dir)
    })
).pipe(Command.withDescription("Check the paper's theory (IGM, Theorems 1–2, monotonicity) on generated cases; print and store the table."))
