/**
 * The content-addressed artifact store.
 *
 * A stage's output lives at `<root>/<stage>/<digest>/`, where the digest is the sha256 of
 * the canonical JSON of the key record (`stage.json`): stage name and version, the encoded
 * config, the digests of input artifacts, the code version and the runtime. Wall-clock
 * time lives only in `meta.json`. `manifest.json` lists every other file with its sha256.
 *
 * Publishing is atomic: files are written into `<root>/.tmp/<unique>/`, then the directory
 * is renamed into place. A run that fails, is interrupted or is killed leaves no artifact
 * directory (at most a `.tmp` entry, never mistaken for an artifact); two runs racing for
 * one key both succeed and the loser's copy is dropped, since equal keys mean equal bytes.
 */
import { statSync } from "node:fs"
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises"
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"
import { canonicalJson, type Digest, isDigest, sha256 } from "./Canonical.ts"

export const MANIFEST = "manifest.json"
export const KEY_RECORD = "stage.json"
export const META = "meta.json"
const RESERVED = new Set([MANIFEST, KEY_RECORD, META])

/** Whether `dir` holds a finished artifact (its manifest is written last). Synchronous: for status views and checks. */
export const hasArtifactAt = (dir: string): boolean => {
  try {
    statSync(join(dir, MANIFEST))
    return true
  } catch {
    return false
  }
}

/** Anything the file system refused while reading or writing the store. */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  operation: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Artifact store: could not ${this.operation} ${this.path}: ${this.reason}.`
  }
}

/** A directory that is not an artifact (no readable manifest, or one of the wrong shape). */
export class NotAnArtifact extends Schema.TaggedError<NotAnArtifact>()("NotAnArtifact", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.path} is not an artifact directory: ${this.reason}. ` +
      `Pass a directory of the form <store>/<stage>/<digest>/ that holds a ${MANIFEST}.`
  }
}

/** A stage produced a file name the store cannot hold. */
export class BadFileName extends Schema.TaggedError<BadFileName>()("BadFileName", {
  stage: Schema.String,
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Stage "${this.stage}" produced a file named "${this.file}": ${this.reason}.`
  }
}

/** The files a stage produces: relative path → contents. */
export type StageFiles = Readonly<Record<string, string | Uint8Array>>

export const ManifestEntry = Schema.Struct({ sha256: Schema.String, bytes: Schema.Number })
export const Manifest = Schema.Struct({
  stage: Schema.String,
  digest: Schema.String,
  /** sha256 over the canonical JSON of the result files' hashes (all but stage.json and meta.json). */
  content: Schema.String,
  files: Schema.Record(Schema.String, ManifestEntry)
})
export type Manifest = typeof Manifest.Type

/** A published artifact. `cached` is true when the key already existed and nothing ran. */
export interface ArtifactRef {
  readonly stage: string
  readonly digest: Digest
  readonly dir: string
  readonly cached: boolean
}

/** Where the store lives. */
export class ArtifactStore extends Context.Service<ArtifactStore, { readonly root: string }>()(
  "fsv/store/ArtifactStore"
) {
  static readonly layer = (root: string): Layer.Layer<ArtifactStore> =>
    Layer.succeed(ArtifactStore, { root: resolve(root) })
}

export const artifactDir = (root: string, stage: string, digest: string): string => join(root, stage, digest)

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const fsOp = <A>(operation: string, path: string, f: () => Promise<A>): Effect.Effect<A, StoreError> =>
  Effect.tryPromise({ try: f, catch: (e) => new StoreError({ operation, path, reason: reason(e) }) })

const exists = (path: string): Promise<boolean> =>
  stat(path).then(() => true, () => false)

/** Relative, normalised, inside the artifact, not a reserved name. */
const checkFileName = (stage: string, file: string): Effect.Effect<string, BadFileName> => {
  const norm = normalize(file)
  if (file === "" || isAbsolute(file) || norm.startsWith("..") || norm !== file || file.includes("\\")) {
    return Effect.fail(new BadFileName({ stage, file, reason: "it must be a normalised relative path inside the artifact" }))
  }
  if (RESERVED.has(file)) {
    return Effect.fail(new BadFileName({ stage, file, reason: `${file} is written by the store itself` }))
  }
  return Effect.succeed(file)
}

/** The content digest: what two runs must agree on, excluding the key record and the metadata. */
export const contentDigest = (files: Manifest["files"]): Digest =>
  sha256(
    canonicalJson(
      Object.fromEntries(
        Object.entries(files).filter(([name]) => name !== KEY_RECORD && name !== META).map(([n, e]) => [n, e.sha256])
      )
    )
  )

let tmpCounter = 0

/**
 * Publish `files` under `<root>/<stage>/<digest>`. If that directory already holds an
 * artifact, nothing is written and the existing one is returned with `cached: true`.
 */
export const publish = (options: {
  readonly root: string
  readonly stage: string
  readonly digest: Digest
  readonly keyRecord: unknown
  readonly files: StageFiles
  readonly meta: unknown
}): Effect.Effect<ArtifactRef, StoreError | BadFileName> =>
  Effect.gen(function*() {
    const { root, stage, digest } = options
    const finalDir = artifactDir(root, stage, digest)
    if (yield* Effect.promise(() => exists(join(finalDir, MANIFEST)))) {
      return { stage, digest, dir: finalDir, cached: true }
    }
    const names = Object.keys(options.files).sort()
    for (const name of names) yield* checkFileName(stage, name)

    const tmpRoot = join(root, ".tmp")
    const tmp = join(tmpRoot, `${stage}-${digest.slice(0, 12)}-${process.pid}-${++tmpCounter}-${process.hrtime.bigint()}`)
    return yield* Effect.acquireUseRelease(
      fsOp("create", tmp, () => mkdir(tmp, { recursive: true })),
      () =>
        Effect.gen(function*() {
          const entries: Record<string, { sha256: string; bytes: number }> = {}
          const write = (name: string, body: string | Uint8Array) =>
            Effect.gen(function*() {
              const path = join(tmp, name)
              const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body
              yield* fsOp("create", dirname(path), () => mkdir(dirname(path), { recursive: true }))
              yield* fsOp("write", path, () => writeFile(path, bytes))
              entries[name] = { sha256: sha256(bytes), bytes: bytes.byteLength }
            })
          for (const name of names) yield* write(name, options.files[name]!)
          yield* write(KEY_RECORD, canonicalJson(options.keyRecord) + "\n")
          yield* write(META, JSON.stringify(options.meta, null, 2) + "\n")
          const sorted = Object.fromEntries(Object.keys(entries).sort().map((k) => [k, entries[k]!]))
          const manifest: Manifest = { stage, digest, content: contentDigest(sorted), files: sorted }
          yield* fsOp("write", join(tmp, MANIFEST), () =>
            writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + "\n"))
          yield* fsOp("create", join(root, stage), () => mkdir(join(root, stage), { recursive: true }))
          const won = yield* Effect.tryPromise({
            try: () => rename(tmp, finalDir).then(() => true),
            catch: (e) => e as NodeJS.ErrnoException
          }).pipe(
            Effect.catch((e) =>
              e.code === "ENOTEMPTY" || e.code === "EEXIST"
                ? Effect.succeed(false) // another run published the same key first: same bytes
                : Effect.fail(new StoreError({ operation: "publish", path: finalDir, reason: reason(e) }))
            )
          )
          return { stage, digest, dir: finalDir, cached: !won }
        }),
      // Whatever happened, the temporary directory goes (after a rename it is already gone).
      () => Effect.promise(() => rm(tmp, { recursive: true, force: true }))
    )
  })

/** Read and decode an artifact's manifest. */
export const readManifest = (dir: string): Effect.Effect<Manifest, NotAnArtifact> =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(join(dir, MANIFEST), "utf8"),
      catch: (e) => new NotAnArtifact({ path: dir, reason: `cannot read ${MANIFEST} (${reason(e)})` })
    })
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new NotAnArtifact({ path: dir, reason: `${MANIFEST} is not JSON (${reason(e)})` })
    })
    return yield* Schema.decodeUnknownEffect(Manifest)(json).pipe(
      Effect.mapError((e) => new NotAnArtifact({ path: dir, reason: `${MANIFEST} has the wrong shape: ${e.message}` }))
    )
  })

/** Every regular file below `dir`, as sorted relative paths with forward slashes. */
export const listFiles = (dir: string): Effect.Effect<Array<string>, StoreError> =>
  fsOp("list", dir, async () => {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true })
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
      .sort()
  })

export interface VerifyReport {
  readonly dir: string
  readonly ok: boolean
  readonly checked: number
  readonly mismatched: ReadonlyArray<string>
  readonly missing: ReadonlyArray<string>
  readonly unexpected: ReadonlyArray<string>
}

/** Re-hash every file against the manifest. */
export const verify = (dir: string): Effect.Effect<VerifyReport, NotAnArtifact | StoreError> =>
  Effect.gen(function*() {
    const manifest = yield* readManifest(dir)
    const present = new Set(yield* listFiles(dir))
    const mismatched: Array<string> = []
    const missing: Array<string> = []
    for (const [name, entry] of Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!present.has(name)) {
        missing.push(name)
        continue
      }
      const bytes = yield* fsOp("read", join(dir, name), () => readFile(join(dir, name)))
      if (sha256(bytes) !== entry.sha256) mismatched.push(name)
    }
    const unexpected = [...present].filter((f) => f !== MANIFEST && !(f in manifest.files))
    if (!isDigest(manifest.digest)) mismatched.push(`${MANIFEST} (digest field)`)
    return {
      dir,
      ok: mismatched.length === 0 && missing.length === 0 && unexpected.length === 0,
      checked: Object.keys(manifest.files).length,
      mismatched,
      missing,
      unexpected
    }
  })

/** Read a file of an artifact as text. */
export const readArtifactText = (dir: string, name: string): Effect.Effect<string, StoreError> =>
  fsOp("read", join(dir, name), () => readFile(join(dir, name), "utf8"))
