/**
 * Reading a stage's input artifacts: the artifact bound to a name, of the stage expected,
 * and its files decoded. Every way an input can be wrong is a `StageInputInvalid` naming the
 * stage, the input and what is wrong with it.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import { type ArtifactRef, readArtifactText, StoreError } from "./ArtifactStore.ts"
import type { StageContext } from "./Stage.ts"

/** An input artifact that is missing, of the wrong stage, or whose files do not decode. */
export class StageInputInvalid extends Schema.TaggedError<StageInputInvalid>()("StageInputInvalid", {
  stage: Schema.String,
  input: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Stage "${this.stage}": input "${this.input}" ${this.reason}.`
  }
}

/** The input bound to `name`, which must be an artifact of stage `from`. */
export const stageInput = (
  ctx: StageContext,
  stage: string,
  name: string,
  from: string
): Effect.Effect<ArtifactRef, StageInputInvalid> => {
  const ref = ctx.inputs[name]
  if (!ref) {
    const bound = Object.keys(ctx.inputs)
    return Effect.fail(
      new StageInputInvalid({
        stage,
        input: name,
        reason: `is not bound (inputs: ${bound.length > 0 ? bound.join(", ") : "none"}); pass { inputs: { ${JSON.stringify(name)}: <a ${from} artifact> } } to runStage`
      })
    )
  }
  if (ref.stage !== from) {
    return Effect.fail(new StageInputInvalid({ stage, input: name, reason: `is a ${ref.stage} artifact, not a ${from} artifact (${ref.dir})` }))
  }
  return Effect.succeed(ref)
}

/** A JSON file of an input artifact, decoded with `schema`. */
export const readInputJson = <A, I>(
  stage: string,
  name: string,
  ref: ArtifactRef,
  file: string,
  schema: Schema.Codec<A, I>
): Effect.Effect<A, StageInputInvalid | StoreError> =>
  Effect.gen(function*() {
    const text = yield* readArtifactText(ref.dir, file)
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new StageInputInvalid({ stage, input: name, reason: `has a ${file} that is not JSON (${String(e)})` })
    })
    return yield* Schema.decodeUnknownEffect(schema)(json).pipe(
      Effect.mapError((e) => new StageInputInvalid({ stage, input: name, reason: `has a ${file} of the wrong shape:\n${e.message}` }))
    ) as Effect.Effect<A, StageInputInvalid>
  })

/** A binary file of an input artifact. */
export const readInputBytes = (ref: ArtifactRef, file: string): Effect.Effect<Uint8Array, StoreError> =>
  Effect.tryPromise({
    try: () => readFile(join(ref.dir, file)),
    catch: (e) => new StoreError({ operation: "read", path: join(ref.dir, file), reason: e instanceof Error ? e.message : String(e) })
  })
