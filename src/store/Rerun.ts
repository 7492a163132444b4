/**
 * `fsv rerun`: re-execute an artifact's recorded stage from its recorded config into a
 * fresh temporary store and compare every result file byte for byte. `meta.json` (wall
 * clock) is not compared; `stage.json` is compared field by field and a change of code or
 * runtime version is reported, since it explains a difference.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { Effect, Schema } from "effect"
import type { Backend } from "../backend/Backend.ts"
import type { Progress } from "../progress/Progress.ts"
import {
  type ArtifactRef,
  ArtifactStore,
  type BadFileName,
  KEY_RECORD,
  META,
  NotAnArtifact,
  readArtifactText,
  readManifest,
  StoreError
} from "./ArtifactStore.ts"
import { canonicalJson, type Digest, sha256 } from "./Canonical.ts"
import { type AnyStage, type ConfigInvalid, decodeConfig, type KeyRecord, runStage } from "./Stage.ts"

/** The artifact names a stage this program does not know. */
export class UnknownStage extends Schema.TaggedError<UnknownStage>()("UnknownStage", {
  stage: Schema.String,
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `This artifact was made by stage "${this.stage}", which this fsv does not know ` +
      `(known: ${this.known.join(", ") || "none"}). Run rerun from the program that defines that stage.`
  }
}

export const readKeyRecord = (dir: string): Effect.Effect<KeyRecord, NotAnArtifact | StoreError> =>
  Effect.gen(function*() {
    yield* readManifest(dir)
    const text = yield* readArtifactText(dir, KEY_RECORD)
    const record = yield* Effect.try({
      try: () => JSON.parse(text) as KeyRecord,
      catch: () => new NotAnArtifact({ path: dir, reason: `${KEY_RECORD} is not JSON` })
    })
    if (typeof record?.stage !== "string" || typeof record.stageVersion !== "number") {
      return yield* new NotAnArtifact({ path: dir, reason: `${KEY_RECORD} lacks a stage name or version` })
    }
    return record
  })

export interface RerunReport {
  readonly original: string
  readonly rerun: string
  readonly identical: boolean
  readonly compared: number
  readonly differing: ReadonlyArray<string>
  readonly onlyInOriginal: ReadonlyArray<string>
  readonly onlyInRerun: ReadonlyArray<string>
  /** Key fields that changed (code or runtime), which explain a changed digest. */
  readonly keyChanges: ReadonlyArray<string>
  readonly sameDigest: boolean
}

export const rerun = (
  dir: string,
  stages: ReadonlyArray<AnyStage>,
  options: { readonly keep?: boolean } = {}
): Effect.Effect<
  RerunReport,
  NotAnArtifact | StoreError | UnknownStage | ConfigInvalid | BadFileName | unknown,
  Backend | Progress
> =>
  Effect.gen(function*() {
    const original = resolve(dir)
    const manifest = yield* readManifest(original)
    const record = yield* readKeyRecord(original)
    const stage = stages.find((s) => s.name === record.stage)
    if (!stage) return yield* new UnknownStage({ stage: record.stage, known: stages.map((s) => s.name) })
    if (stage.version !== record.stageVersion) {
      return yield* new NotAnArtifact({
        path: original,
        reason: `it was made by version ${record.stageVersion} of stage "${stage.name}", this program has version ${stage.version}`
      })
    }
    const config = yield* decodeConfig(stage, record.config, `recorded config in ${join(original, KEY_RECORD)}`)
    const storeRoot = dirname(dirname(original))
    const inputs: Record<string, ArtifactRef> = Object.fromEntries(
      Object.entries(record.inputs ?? {}).map(([k, v]) => [
        k,
        { stage: v.stage, digest: v.digest as Digest, dir: join(storeRoot, v.stage, v.digest), cached: true }
      ])
    )
    const tmpRoot = yield* Effect.tryPromise({
      try: () => mkdtemp(join(tmpdir(), "fsv-rerun-")),
      catch: (e) => new StoreError({ operation: "create", path: tmpdir(), reason: String(e) })
    })
    const fresh = yield* runStage(stage, config, { inputs }).pipe(
      Effect.provide(ArtifactStore.layer(tmpRoot)),
      Effect.onError(() => Effect.promise(() => rm(tmpRoot, { recursive: true, force: true })))
    )
    const freshManifest = yield* readManifest(fresh.dir)
    const freshRecord = yield* readKeyRecord(fresh.dir)

    const skip = new Set([META, KEY_RECORD])
    const a = Object.keys(manifest.files).filter((f) => !skip.has(f)).sort()
    const b = new Set(Object.keys(freshManifest.files).filter((f) => !skip.has(f)))
    // Compare against the original files as they are on disk, not as the manifest remembers them.
    const differing: Array<string> = []
    for (const f of a.filter((f) => b.has(f))) {
      const bytes = yield* Effect.tryPromise({
        try: () => readFile(join(original, f)),
        catch: (e) => new StoreError({ operation: "read", path: join(original, f), reason: String(e) })
      })
      if (sha256(bytes) !== freshManifest.files[f]!.sha256) differing.push(f)
    }
    const onlyInOriginal = a.filter((f) => !b.has(f))
    const onlyInRerun = [...b].filter((f) => !(f in manifest.files))
    const keyChanges = (["stage", "stageVersion", "config", "inputs", "code", "runtime"] as const)
      .filter((k) => canonicalJson(record[k] ?? null) !== canonicalJson(freshRecord[k] ?? null))
    if (!options.keep && differing.length + onlyInOriginal.length + onlyInRerun.length === 0) {
      yield* Effect.promise(() => rm(tmpRoot, { recursive: true, force: true }))
    }
    return {
      original,
      rerun: fresh.dir,
      identical: differing.length + onlyInOriginal.length + onlyInRerun.length === 0,
      compared: a.length,
      differing,
      onlyInOriginal,
      onlyInRerun,
      keyChanges,
      sameDigest: fresh.digest === manifest.digest
    }
  })

