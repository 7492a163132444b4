/**
 * Pipeline stages as values.
 *
 * A stage is a name, a version (a salt that disowns old results when bumped), a config
 * Schema, and a `run` that turns a decoded config into files. It never writes files
 * itself: `runStage` computes the key, answers a cache hit from the store, or runs the
 * stage and publishes its files atomically. Everything that determines the bytes must be in
 * the config (seeds included) or among the declared inputs; the runtime (Node, tfjs,
 * backend) and the code version are added by `runStage`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { Clock, Effect, Schema } from "effect"
import { Backend } from "../backend/Backend.ts"
import { oneDnnSetting } from "../backend/nativeCompat.ts"
import { Progress, type ProgressShape } from "../progress/Progress.ts"
import {
  type ArtifactRef,
  ArtifactStore,
  type BadFileName,
  publish,
  type StageFiles,
  type StoreError
} from "./ArtifactStore.ts"
import { canonicalJson, type Digest, digestOf, sha256 } from "./Canonical.ts"
import { findPackageRoot } from "./packageRoot.ts"
import { gitCommit } from "./gitCommit.ts"

/** A config that does not decode, or does not encode to JSON. */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  what: Schema.String,
  details: Schema.String
}) {
  override get message(): string {
    return `Invalid ${this.what}:\n${this.details}`
  }
}

/** What a running stage can see besides its config. */
export interface StageContext {
  readonly progress: ProgressShape
  /** Input artifacts by the name the stage gave them. */
  readonly inputs: Readonly<Record<string, ArtifactRef>>
  /** The active tensor backend. */
  readonly backend: string
}

export interface Stage<C, CI, E = never, R = never> {
  readonly name: string
  /** Bump to disown every artifact of earlier versions (it is part of the key). */
  readonly version: number
  readonly description: string
  readonly config: Schema.Codec<C, CI>
  readonly run: (config: C, ctx: StageContext) => Effect.Effect<StageFiles, E, R>
}

/** Any stage, for registries (rerun looks stages up by name). */
export type AnyStage = Stage<any, any, any, any>

export const defineStage = <C, CI, E = never, R = never>(stage: Stage<C, CI, E, R>): Stage<C, CI, E, R> => {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(stage.name)) {
    throw new TypeError(`stage name "${stage.name}" must be lowercase letters, digits and dashes`)
  }
  return stage
}

// ---------------------------------------------------------------------------------------
// Code and runtime versions

const hashTree = (root: string, sub: string): Array<[string, string]> => {
  const base = join(root, sub)
  try {
    if (!statSync(base).isDirectory()) return []
  } catch {
    return []
  }
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs|json)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .map((p): [string, string] => [p.slice(root.length + 1).split("\\").join("/"), sha256(readFileSync(p))])
    .sort(([a], [b]) => (a < b ? -1 : 1))
}

export interface CodeVersion {
  readonly package: string
  /** sha256 of package-lock.json, or null where the package was installed without one. */
  readonly lockfile: string | null
  /** sha256 over the library's own source files (src/, pipelines/, dist/), so an edit disowns old results. */
  readonly source: string
}

let cachedCode: CodeVersion | undefined

/** The code version that goes into every key. Computed once per process. */
export const codeVersion = (): CodeVersion => {
  if (cachedCode) return cachedCode
  const root = findPackageRoot()
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string }
  let lockfile: string | null = null
  try {
    lockfile = sha256(readFileSync(join(root, "package-lock.json")))
  } catch {
    lockfile = null
  }
  const files = [...hashTree(root, "src"), ...hashTree(root, "pipelines"), ...hashTree(root, "dist")]
  cachedCode = { package: `${pkg.name}@${pkg.version}`, lockfile, source: digestOf(files) }
  return cachedCode
}

export interface RuntimeVersion {
  readonly node: string
  readonly tfjs: string
  readonly backend: string
  /** node and node-gpu only: oneDNN's setting, "1" on or "0" off (it changes gradient bits). */
  readonly onednn?: "0" | "1"
}

/** The runtime part of a key for `backend` in this process. */
export const runtimeVersion = (backend: string, tfjsVersion: string): RuntimeVersion => ({
  node: process.versions.node,
  tfjs: tfjsVersion,
  backend,
  ...(backend === "node" || backend === "node-gpu" ? { onednn: oneDnnSetting() } : {})
})

// ---------------------------------------------------------------------------------------
// Keys

export interface KeyRecord {
  readonly stage: string
  readonly stageVersion: number
  readonly config: unknown
  readonly inputs: Readonly<Record<string, { readonly stage: string; readonly digest: string }>>
  readonly code: CodeVersion
  readonly runtime: RuntimeVersion
}

/** The key record and its digest. Pure given its arguments. */
export const keyOf = (record: KeyRecord): { readonly record: KeyRecord; readonly digest: Digest } => ({
  record,
  digest: digestOf(record)
})

/** The key of running `stage` on an already encoded config in this process's code and runtime. */
export const stageKey = (options: {
  readonly stage: Pick<AnyStage, "name" | "version">
  readonly encodedConfig: unknown
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly stage: string; readonly digest: string }>
  readonly backend: string
  readonly tfjsVersion: string
}): { readonly record: KeyRecord; readonly digest: Digest } =>
  keyOf({
    stage: options.stage.name,
    stageVersion: options.stage.version,
    config: options.encodedConfig,
    inputs: Object.fromEntries(options.inputs.map((i) => [i.name, { stage: i.stage, digest: i.digest }])),
    code: codeVersion(),
    runtime: runtimeVersion(options.backend, options.tfjsVersion)
  })

export const encodeConfig = <C, CI>(stage: Stage<C, CI, unknown, unknown>, config: C): Effect.Effect<unknown, ConfigInvalid> =>
  Effect.gen(function*() {
    const encoded = yield* Schema.encodeEffect(stage.config)(config).pipe(
      Effect.mapError((e) => new ConfigInvalid({ what: `config of stage "${stage.name}"`, details: e.message }))
    )
    // Must survive canonical JSON (no NaN, no undefined-as-value, no functions).
    yield* Effect.try({
      try: () => canonicalJson(encoded),
      catch: (e) => new ConfigInvalid({ what: `config of stage "${stage.name}"`, details: String(e) })
    })
    return encoded
  })

export const decodeConfig = <C, CI>(stage: Stage<C, CI, unknown, unknown>, input: unknown, what?: string): Effect.Effect<C, ConfigInvalid> =>
  Schema.decodeUnknownEffect(stage.config)(input, { errors: "all" }).pipe(
    Effect.mapError((e) => new ConfigInvalid({ what: what ?? `config of stage "${stage.name}"`, details: e.message }))
  ) as Effect.Effect<C, ConfigInvalid>

/**
 * Run a stage through the store: a cache hit if its key exists, otherwise run and publish.
 * Returns where the artifact is.
 */
export const runStage = <C, CI, E, R>(
  stage: Stage<C, CI, E, R>,
  config: C,
  options: { readonly inputs?: Readonly<Record<string, ArtifactRef>> } = {}
): Effect.Effect<ArtifactRef, E | ConfigInvalid | StoreError | BadFileName, R | ArtifactStore | Backend | Progress> =>
  Effect.gen(function*() {
    const store = yield* ArtifactStore
    const backend = yield* Backend
    const progress = yield* Progress
    const inputs = options.inputs ?? {}
    const encoded = yield* encodeConfig(stage, config)
    const { record, digest } = stageKey({
      stage,
      encodedConfig: encoded,
      inputs: Object.entries(inputs).map(([name, v]) => ({ name, stage: v.stage, digest: v.digest })),
      backend: backend.name,
      tfjsVersion: backend.tfjsVersion
    })
    const started = yield* Clock.currentTimeMillis
    const existing = yield* publishIfPresent(store.root, stage.name, digest)
    if (existing) {
      progress.log(`${stage.name}: cache hit ${existing.dir}`)
      return existing
    }
    const files = yield* stage.run(config, { progress, inputs, backend: backend.name })
    const finished = yield* Clock.currentTimeMillis
    return yield* publish({
      root: store.root,
      stage: stage.name,
      digest,
      keyRecord: record,
      files,
      meta: {
        startedAt: new Date(started).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        seconds: (finished - started) / 1000,
        host: hostname(),
        argv: process.argv.slice(2),
        // The checkout's commit (null outside git), so an artifact says which code wrote it beyond the key's source digest.
        commit: gitCommit(findPackageRoot()),
        // What the run computed on (wall time depends on it; the bytes only through the key's runtime).
        backend: { name: backend.name, threads: backend.threads, ...(backend.native ? { tensorflow: backend.native.tensorflow, onednn: backend.native.onednn } : {}) }
      }
    })
  })

const publishIfPresent = (root: string, stage: string, digest: Digest): Effect.Effect<ArtifactRef | undefined> =>
  Effect.sync(() => {
    const dir = join(root, stage, digest)
    try {
      statSync(join(dir, "manifest.json"))
      return { stage, digest, dir, cached: true }
    } catch {
      return undefined
    }
  })
