/**
 * Checkpoints of a training run: everything `TrainerState` holds — parameters, RMSProp
 * state, target network (exact float32 bytes), the four stream states, counters, the curve
 * so far, and the replay buffer as (start seed index, joint actions) per episode, which
 * `replayEpisode` turns back into the same episodes (SMAC-lite is deterministic).
 *
 * Files live outside the artifacts, under `<store>/.checkpoints/<key>/<run>.json`, where the key
 * digests the stage's encoded config and the code version: a checkpoint is only ever resumed by
 * the run that would have produced it. Writes are atomic (temporary file, then rename).
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { Context, Effect, Layer, Schema } from "effect"
import { findPackageRoot } from "../../src/store/packageRoot.ts"
import { gitCommit } from "../../src/store/gitCommit.ts"
import type { TrainerState } from "./train.ts"

/** A checkpoint file exists but cannot be read back. */
export class CheckpointInvalid extends Schema.TaggedError<CheckpointInvalid>()("CheckpointInvalid", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `The checkpoint ${this.path} cannot be resumed (${this.reason}). Delete it to start that run afresh.`
  }
}

/** The file system refused a checkpoint write or read. */
export class CheckpointIoError extends Schema.TaggedError<CheckpointIoError>()("CheckpointIoError", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Could not access the checkpoint ${this.path}: ${this.reason}.`
  }
}

const b64 = (a: Float32Array | Uint8Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64")
const f32 = (s: string): Float32Array => {
  const b = Buffer.from(s, "base64")
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}
const u8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"))

/**
 * Who wrote a checkpoint: the commit of the checkout (null outside git) and the command line.
 * Not read back into the state; it is what `--resume` names when a run's checkpoint exists only
 * under another key (other code or config), so the user knows where to resume it.
 */
export interface CheckpointOrigin {
  readonly commit: string | null
  readonly command: string
}

/** This process's origin: the package's commit and `fsv` with its arguments. */
export const currentOrigin = (): CheckpointOrigin => ({ commit: gitCommit(findPackageRoot()), command: ["fsv", ...process.argv.slice(2)].join(" ") })

/** A checkpoint of the same run under another key: its progress, when it was written, by whom. */
export interface StaleCheckpoint {
  readonly path: string
  readonly tEnv: number
  readonly written: Date
  readonly origin: CheckpointOrigin | undefined
}

/** The state as JSON text (float arrays as base64 of their bytes, so values round-trip exactly). */
export const encodeCheckpoint = (s: TrainerState, origin?: CheckpointOrigin): string =>
  JSON.stringify({
    version: 1,
    ...(origin ? { origin } : {}),
    params: b64(s.params),
    squareAvg: b64(s.squareAvg),
    ...(s.firstMoment ? { firstMoment: b64(s.firstMoment) } : {}), // Adam only: RMSProp checkpoints keep their bytes
    target: b64(s.target),
    act: s.act,
    replay: s.replay,
    learn: s.learn,
    tEnv: s.tEnv,
    episodes: s.episodes,
    testEpisodesRun: s.testEpisodesRun,
    updates: s.updates,
    lastTargetUpdate: s.lastTargetUpdate,
    lastTest: Number.isFinite(s.lastTest) ? s.lastTest : null,
    curve: s.curve,
    bufferNext: s.bufferNext,
    buffer: s.buffer.map((e) => [e.envEpisode, b64(e.actions)])
  })

export const decodeCheckpoint = (text: string): TrainerState => {
  const j = JSON.parse(text)
  if (j.version !== 1) throw new Error(`unknown checkpoint version ${j.version}`)
  return {
    params: f32(j.params),
    squareAvg: f32(j.squareAvg),
    firstMoment: typeof j.firstMoment === "string" ? f32(j.firstMoment) : undefined,
    target: f32(j.target),
    act: j.act,
    replay: j.replay,
    learn: j.learn,
    tEnv: j.tEnv,
    episodes: j.episodes,
    testEpisodesRun: j.testEpisodesRun,
    updates: j.updates,
    lastTargetUpdate: j.lastTargetUpdate,
    lastTest: j.lastTest === null ? -Infinity : j.lastTest,
    curve: j.curve,
    bufferNext: j.bufferNext,
    buffer: (j.buffer as Array<[number, string]>).map(([envEpisode, actions]) => ({ envEpisode, actions: u8(actions) }))
  }
}

export interface CheckpointsShape {
  /** The last checkpoint of run `name` under `key`, if any. */
  readonly load: (key: string, name: string) => Effect.Effect<TrainerState | undefined, CheckpointInvalid | CheckpointIoError>
  readonly save: (key: string, name: string, state: TrainerState) => Effect.Effect<void, CheckpointIoError>
  /** Checkpoints of run `name` under keys other than `key` (none where they cannot be read). */
  readonly elsewhere: (key: string, name: string) => Effect.Effect<Array<StaleCheckpoint>>
}

/** Where checkpoints go. `none` keeps nothing (tests, library use). */
export class Checkpoints extends Context.Service<Checkpoints, CheckpointsShape>()("fsv/pipelines/smac/Checkpoints") {
  static readonly none: Layer.Layer<Checkpoints> = Layer.succeed(Checkpoints, {
    load: () => Effect.succeed(undefined),
    save: () => Effect.void,
    elsewhere: () => Effect.succeed([])
  })

  /** Files under `<root>/.checkpoints/`, each marked with `origin` when given. */
  static readonly files = (root: string, origin?: CheckpointOrigin): Layer.Layer<Checkpoints> =>
    Layer.succeed(Checkpoints, {
      load: (key, name) => {
        const path = join(root, ".checkpoints", key, `${name}.json`)
        return Effect.tryPromise({
          try: () => readFile(path, "utf8").then((t) => t as string | undefined, (e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? undefined : Promise.reject(e))),
          catch: (e) => new CheckpointIoError({ path, reason: String(e) })
        }).pipe(
          Effect.flatMap((text) =>
            text === undefined ? Effect.succeed(undefined) : Effect.try({
              try: () => decodeCheckpoint(text),
              catch: (e) => new CheckpointInvalid({ path, reason: String(e) })
            })
          )
        )
      },
      save: (key, name, state) => {
        const path = join(root, ".checkpoints", key, `${name}.json`)
        return Effect.tryPromise({
          try: async () => {
            await mkdir(dirname(path), { recursive: true })
            const tmp = `${path}.${process.pid}.tmp`
            await writeFile(tmp, encodeCheckpoint(state, origin))
            await rename(tmp, path)
          },
          catch: (e) => new CheckpointIoError({ path, reason: String(e) })
        })
      },
      elsewhere: (key, name) =>
        Effect.promise(async () => {
          const dir = join(root, ".checkpoints")
          const keys = await readdir(dir).catch(() => [] as Array<string>)
          const found: Array<StaleCheckpoint> = []
          for (const other of keys.filter((k) => k !== key).sort()) {
            const path = join(dir, other, `${name}.json`)
            try {
              const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)])
              const j = JSON.parse(text)
              if (typeof j.tEnv !== "number") continue
              const origin = typeof j.origin?.command === "string" ? { commit: typeof j.origin.commit === "string" ? j.origin.commit : null, command: j.origin.command } : undefined
              found.push({ path, tEnv: j.tEnv, written: info.mtime, origin })
            } catch {
              // not a checkpoint of this run, or unreadable: nothing to report
            }
          }
          return found
        })
    })
}
