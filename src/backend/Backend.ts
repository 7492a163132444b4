/**
 * Tensor backends as a resource.
 *
 * `wasm` is the embedded default, `cpu` the pure-JS fallback; `node` and `node-gpu` are
 * used when the user has installed `@tensorflow/tfjs-node` / `@tensorflow/tfjs-node-gpu`
 * (their install scripts download libtensorflow, so they are optional). The choice comes
 * from `--backend` or `FSV_BACKEND`. The wasm backend runs its matMuls on `--threads` /
 * `FSV_THREADS` threads (default: the cores, at most 8; see `wasmThreads.ts`); results do not
 * depend on the thread count, so it is not part of artifact keys. Variables, models and optimizer state live in a Scope
 * and are disposed when it closes, on success, failure or interruption alike.
 */
import * as tf from "@tensorflow/tfjs"
import { availableParallelism } from "node:os"
import { Context, Effect, Layer, Schema, Scope } from "effect"
import { prepareNativeLoad } from "./nativeCompat.ts"
import { MAX_WASM_THREADS, registerWasmThreads, wasmThreadsInUse } from "./wasmThreads.ts"

export const BACKEND_NAMES = ["wasm", "cpu", "node", "node-gpu"] as const
export type BackendName = (typeof BACKEND_NAMES)[number]
export const DEFAULT_BACKEND: BackendName = "wasm"

/** `--backend` / `FSV_BACKEND` named something that is not a backend. */
export class UnknownBackend extends Schema.TaggedError<UnknownBackend>()("UnknownBackend", {
  requested: Schema.String,
  source: Schema.String
}) {
  override get message(): string {
    return `Unknown tensor backend "${this.requested}" (from ${this.source}). ` +
      `Choose one of ${BACKEND_NAMES.join(", ")}; "${DEFAULT_BACKEND}" is the default and needs nothing installed.`
  }
}

/** The backend exists but cannot be loaded here. */
export class BackendUnavailable extends Schema.TaggedError<BackendUnavailable>()("BackendUnavailable", {
  backend: Schema.String,
  install: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `The "${this.backend}" tensor backend is not available: ${this.reason}. ` +
      `${this.install} ` +
      `Or run with --backend wasm (the default, nothing to install) or --backend cpu.`
  }
}

/** Tensors outlived the program that made them. */
export class TensorLeak extends Schema.TaggedError<TensorLeak>()("TensorLeak", {
  baseline: Schema.Number,
  after: Schema.Number,
  label: Schema.String
}) {
  override get message(): string {
    return `${this.label}: ${this.after - this.baseline} tensor(s) leaked ` +
      `(tf.memory().numTensors went from ${this.baseline} to ${this.after}).`
  }
}

/** `--threads` / `FSV_THREADS` is not a thread count the wasm backend can use. */
export class InvalidThreads extends Schema.TaggedError<InvalidThreads>()("InvalidThreads", {
  requested: Schema.String,
  source: Schema.String
}) {
  override get message(): string {
    return `Invalid wasm thread count "${this.requested}" (from ${this.source}): ` +
      `give an integer from 1 to ${MAX_WASM_THREADS}; the default is the number of cores (${defaultThreads()}).`
  }
}

/** One thread per core, within the wasm build's pool. */
export const defaultThreads = (): number => Math.min(availableParallelism(), MAX_WASM_THREADS)

/** The wasm thread count: the flag if given, else `FSV_THREADS`, else one per core. */
export const resolveThreads = (
  flag: string | number | undefined,
  env: Record<string, string | undefined> = process.env
): Effect.Effect<number, InvalidThreads> => {
  const [raw, source] = flag !== undefined && flag !== "" ? [String(flag), "--threads"] : [env["FSV_THREADS"], "FSV_THREADS"]
  if (raw === undefined || raw === "") return Effect.succeed(defaultThreads())
  const n = Number(raw)
  return Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS
    ? Effect.succeed(n)
    : Effect.fail(new InvalidThreads({ requested: raw, source }))
}

/** Parse a backend name; `source` says where it came from, for the error. */
export const parseBackendName = (requested: string, source: string): Effect.Effect<BackendName, UnknownBackend> =>
  (BACKEND_NAMES as ReadonlyArray<string>).includes(requested)
    ? Effect.succeed(requested as BackendName)
    : Effect.fail(new UnknownBackend({ requested, source }))

/** The backend the user named and where: the flag if given, else `FSV_BACKEND`; undefined when neither names one. */
export const namedBackend = (
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env
): { readonly requested: string; readonly source: "--backend" | "FSV_BACKEND" } | undefined => {
  if (flag !== undefined && flag !== "") return { requested: flag, source: "--backend" }
  const fromEnv = env["FSV_BACKEND"]
  if (fromEnv !== undefined && fromEnv !== "") return { requested: fromEnv, source: "FSV_BACKEND" }
  return undefined
}

/** The backend to use: the one the user named (`namedBackend`), else the default. */
export const resolveBackendName = (
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env
): Effect.Effect<BackendName, UnknownBackend> => {
  const named = namedBackend(flag, env)
  return named === undefined ? Effect.succeed(DEFAULT_BACKEND) : parseBackendName(named.requested, named.source)
}

const optionalPackage: Record<"node" | "node-gpu", { pkg: string; tfName: string }> = {
  node: { pkg: "@tensorflow/tfjs-node", tfName: "tensorflow" },
  "node-gpu": { pkg: "@tensorflow/tfjs-node-gpu", tfName: "tensorflow" }
}

/** Register the wasm backend with `threads` threads, saying on stderr why when it has to fall back to one. */
const ensureWasmThreads = (threads: number): Effect.Effect<void> =>
  Effect.promise(() => registerWasmThreads(threads)).pipe(
    Effect.flatMap(({ fallback }) =>
      fallback === undefined
        ? Effect.void
        : Effect.sync(() => process.stderr.write(`fsv: wasm threads unavailable (${fallback}); using 1 thread.\n`))
    )
  )

/** What the backend ran on, beyond its name: threads, and for TensorFlow its version and oneDNN's setting. */
interface Activated {
  readonly threads: number
  readonly native: NativeRuntime | undefined
}

const activate = (name: BackendName, threads: number): Effect.Effect<Activated, BackendUnavailable> =>
  Effect.gen(function*() {
    if (name === "wasm") yield* ensureWasmThreads(threads)
    let tfName: string = name
    let onednn: "0" | "1" | undefined = undefined
    if (name === "node" || name === "node-gpu") {
      const { pkg } = optionalPackage[name]
      onednn = prepareNativeLoad()
      yield* Effect.tryPromise({
        try: () => import(pkg),
        catch: (e) =>
          new BackendUnavailable({
            backend: name,
            install: installHint(name),
            reason: `${pkg} could not be loaded (${firstLine(e)})`
          })
      })
      tfName = optionalPackage[name].tfName
    }
    const ok = yield* Effect.tryPromise({
      try: async () => {
        const set = await tf.setBackend(tfName)
        await tf.ready()
        return set
      },
      catch: (e) =>
        new BackendUnavailable({ backend: name, install: installHint(name), reason: firstLine(e) })
    })
    if (!ok || tf.getBackend() !== tfName) {
      return yield* new BackendUnavailable({
        backend: name,
        install: installHint(name),
        reason: `tfjs refused to initialise it (active backend: ${tf.getBackend()})`
      })
    }
    const native = onednn === undefined ? undefined : { tensorflow: tensorflowVersion(), onednn }
    return { threads: name === "wasm" ? wasmThreadsInUse() : 1, native } // what the backend reports, not what was asked for
  })

/** TensorFlow's version as the loaded library reports it (TF_Version through tfjs-node's binding). */
const tensorflowVersion = (): string => {
  const binding = (tf.backend() as unknown as { binding?: { TF_Version?: unknown } }).binding
  return typeof binding?.TF_Version === "string" ? binding.TF_Version : "unknown"
}

const installHint = (name: BackendName): string =>
  name === "node" || name === "node-gpu"
    ? `In a checkout of fsv-ts, build it with \`npm run setup:native${name === "node-gpu" ? " -- --gpu" : ""}\` (from TensorFlow's pip ` +
      `wheel; needs Python 3 with pip and a C++ compiler). Elsewhere, \`npm install ${optionalPackage[name].pkg}@${tf.version.tfjs}\` ` +
      `(it downloads libtensorflow for this platform).`
    : `Run \`npm ci\`: the ${name} backend ships with this package.`

const firstLine = (e: unknown): string => String(e instanceof Error ? e.message : e).split("\n")[0] ?? ""

/** The active tensor backend and the versions that go into artifact keys. */
/** TensorFlow under tfjs-node: its version and oneDNN's setting ("1" on, "0" off), both part of artifact keys. */
export interface NativeRuntime {
  readonly tensorflow: string
  readonly onednn: "0" | "1"
}

export class Backend extends Context.Service<Backend, {
  readonly name: BackendName
  readonly tfjsVersion: string
  /** Threads the backend computes on (wasm: its pthread pool; others: 1 as far as we control). */
  readonly threads: number
  /** For node and node-gpu: what TensorFlow ran with; undefined for the embedded backends. */
  readonly native: NativeRuntime | undefined
}>()("fsv/backend/Backend") {
  /**
   * Select and initialise `name` (wasm on `threads` threads, default 1); fails with
   * `BackendUnavailable` naming what to install.
   */
  static readonly layer = (name: BackendName, threads = 1): Layer.Layer<Backend, BackendUnavailable> =>
    Layer.effect(Backend, Effect.map(activate(name, threads), ({ threads: inUse, native }) => ({ name, tfjsVersion: tf.version.tfjs, threads: inUse, native })))

  /**
   * The backend from a `--backend` flag value or `FSV_BACKEND` (default wasm), on the threads
   * of `--threads` or `FSV_THREADS` (default one per core).
   */
  static readonly fromFlag = (
    flag: string | undefined,
    threads?: string | number
  ): Layer.Layer<Backend, BackendUnavailable | UnknownBackend | InvalidThreads> =>
    Layer.unwrap(Effect.zipWith(resolveBackendName(flag), resolveThreads(threads), Backend.layer))
}

/** A tensor owned by the current Scope: disposed when the Scope closes. */
export const acquireTensor = <T extends tf.Tensor>(make: () => T): Effect.Effect<T, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(make), (t) => Effect.sync(() => t.dispose()))

/** A variable owned by the current Scope. `init` is disposed once copied into the variable. */
export const acquireVariable = (
  init: () => tf.Tensor,
  name?: string
): Effect.Effect<tf.Variable, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const t = init()
      const v = tf.variable(t, true, name)
      t.dispose()
      return v
    }),
    (v) => Effect.sync(() => v.dispose())
  )

/** An optimizer (and its slot variables) owned by the current Scope. */
export const acquireOptimizer = <O extends tf.Optimizer>(make: () => O): Effect.Effect<O, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(make), (o) => Effect.sync(() => o.dispose()))

/**
 * Run `effect` in its own Scope and check that `tf.memory().numTensors` is back at its
 * baseline afterwards, on success and on failure alike. A leak fails with `TensorLeak`
 * (on a failed run, the run's own error wins and the leak is still reported when the
 * error is a defect-free failure of `effect`).
 */
export const withLeakCheck = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  label = "scoped tensor program"
): Effect.Effect<A, E | TensorLeak, Exclude<R, Scope.Scope>> =>
  Effect.gen(function*() {
    const baseline = tf.memory().numTensors
    const exit = yield* Effect.exit(Effect.scoped(effect))
    const after = tf.memory().numTensors
    if (after !== baseline) return yield* new TensorLeak({ baseline, after, label })
    return yield* exit
  })
