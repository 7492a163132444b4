/**
 * The multi-threaded wasm backend under Node.
 *
 * `@tensorflow/tfjs-backend-wasm` ships a threaded SIMD build (XNNPACK on a pthread pool),
 * but its loader turns threads off under Node (tfjs issue #3830): it hands Emscripten a Blob
 * URL for the pthread worker script, which Node's `worker_threads` cannot load. The build
 * itself runs under Node: this module loads it with file paths instead and registers it as
 * the `wasm` backend. Measured on this 2-core machine: a [19360, 64]·[64, 192] matMul 17 →
 * 8.1 ms with 2 threads.
 *
 * Three details of the package this relies on (a failure to load falls back to the
 * single-threaded build with a message saying why; `Backend` reports the thread count the
 * backend itself gives, so a cap that was not widened shows there):
 * - the worker script is exported as a string (`wasmWorkerContents`); it is written once to a
 *   content-addressed `.cjs` file in the temp directory;
 * - the C++ side caps the pool at (logical cores)/2, so `os.cpus()` is widened while the
 *   module initialises;
 * - Emscripten unrefs its workers, so a timer keeps Node alive while they load; and it refs a
 *   worker again once a pthread runs on it, which would keep Node from ever exiting, so the
 *   pool's workers are unref'd once the backend has started them (they wait on shared memory,
 *   not on the event loop).
 *
 * Threading splits each matMul's output tiles between threads; every output element is still
 * summed by one thread in the same order, so results do not depend on the thread count (a
 * test checks a full SMAC learner update bit for bit).
 */
import { createHash } from "node:crypto"
import { existsSync, renameSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { CpuInfo } from "node:os"
import { dirname, join } from "node:path"
import * as tf from "@tensorflow/tfjs"
import * as tfWasm from "@tensorflow/tfjs-backend-wasm"
import "./wasmIdentity.ts" // every importer of the wasm backend gets its memory-sharing Identity

const require = createRequire(import.meta.url)
/** The CommonJS `os` object, the one Emscripten's `require("os")` sees (an ESM namespace is read-only). */
const os = require("node:os") as { cpus: () => Array<CpuInfo>; tmpdir: () => string }

/** Threads the prebuilt Emscripten pool holds (the package's PTHREAD_POOL_SIZE). */
export const MAX_WASM_THREADS = 8

/** The wasm backend's priority as the package registers it. */
const WASM_PRIORITY = 2

/** How long the pthread workers may take to load before we give up on threads. */
const LOAD_TIMEOUT_MS = 60_000

interface EmscriptenModule {
  cwrap: (name: string, ret: string | null, args: Array<string>) => (...a: Array<number>) => unknown
  tfjs?: unknown
  PThread?: { runningWorkers?: Array<{ unref?: () => void }>; unusedWorkers?: Array<{ unref?: () => void }> }
}

/** Let Node exit while pthreads idle in the pool. */
const unrefWorkers = (m: EmscriptenModule): void => {
  for (const w of [...(m.PThread?.runningWorkers ?? []), ...(m.PThread?.unusedWorkers ?? [])]) w.unref?.()
}

const packageDir = (): string => join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")), "..", "wasm-out")

/** The pthread worker script as a file Node can start (content-addressed, written atomically). */
const workerScript = (dir: string): string => {
  const exported = require(join(dir, "tfjs-backend-wasm-threaded-simd.worker.js")) as { wasmWorkerContents?: unknown }
  if (typeof exported.wasmWorkerContents !== "string") {
    throw new Error("tfjs-backend-wasm no longer exports wasmWorkerContents")
  }
  // The string holds literal newlines inside JS string literals; tfjs escapes them the same way.
  const contents = exported.wasmWorkerContents.replace(/\n/g, "\\n")
  const digest = createHash("sha256").update(contents).digest("hex").slice(0, 16)
  const path = join(os.tmpdir(), `fsv-ts-wasm-worker-${digest}.cjs`)
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, contents)
    renameSync(tmp, path)
  }
  return path
}

/** Load the threaded build with `threads` pthreads and bridge it as tfjs's loader does. */
const loadThreaded = async (threads: number): Promise<EmscriptenModule> => {
  const dir = packageDir()
  const main = join(dir, "tfjs-backend-wasm-threaded-simd.js")
  const worker = workerScript(dir)
  const factory = require(main) as (config: object) => { then: (ok: (m: EmscriptenModule) => void, err: (e: unknown) => void) => void }
  const cpus = os.cpus
  const keepAlive = setInterval(() => {}, 1_000)
  // The C++ side reads the core count while the module initialises; report 2 × threads.
  const realCpus = cpus()
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => realCpus[i % realCpus.length]!)
  try {
    const { m } = await new Promise<{ readonly m: EmscriptenModule }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`its pthread workers did not load within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS)
      // `then` on an Emscripten module resolves to the module itself, which is thenable:
      // never `await` it directly (that loops), hand it out inside an object.
      factory({
        locateFile: (path: string) => (path.endsWith(".worker.js") ? worker : join(dir, path)),
        mainScriptUrlOrBlob: main,
        onAbort: (what: unknown) => reject(new Error(`aborted: ${String(what)}`))
      }).then((m) => {
        clearTimeout(timer)
        resolve({ m })
      }, (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
    m.tfjs = {
      init: m.cwrap("init", null, []),
      initWithThreadsCount: m.cwrap("init_with_threads_count", null, ["number"]),
      getThreadsCount: m.cwrap("get_threads_count", "number", []),
      registerTensor: m.cwrap("register_tensor", null, ["number", "number", "number"]),
      disposeData: m.cwrap("dispose_data", null, ["number"]),
      dispose: m.cwrap("dispose", null, [])
    }
    return m
  } finally {
    clearInterval(keepAlive)
    os.cpus = cpus
  }
}

/** The package's own (single-threaded SIMD) `wasm` factory, kept to fall back to. */
const singleThreaded = tf.findBackendFactory("wasm")

/** Threads of the registered `wasm` backend (the package registers the one-thread build). */
let registered = 1

/**
 * Register the `wasm` backend with `threads` threads (1: the package's single-threaded build),
 * unless it already has them. Call before the backend is first used; a backend already
 * initialised is replaced (its tensors with it). Resolves to the thread count in effect and,
 * when it had to fall back to one thread, the reason.
 */
export const registerWasmThreads = async (threads: number): Promise<{ readonly threads: number; readonly fallback?: string }> => {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new RangeError(`wasm threads must be an integer from 1 to ${MAX_WASM_THREADS}, got ${threads}`)
  }
  if (threads === registered) return { threads }
  tf.removeBackend("wasm")
  registered = 1
  if (threads === 1) {
    tf.registerBackend("wasm", singleThreaded, WASM_PRIORITY)
    return { threads: 1 }
  }
  try {
    const module = await loadThreaded(threads)
    tfWasm.setThreadsCount(threads)
    tf.registerBackend("wasm", () => {
      const backend = new tfWasm.BackendWasm(module as never) // starts the pool's pthreads
      unrefWorkers(module)
      return backend
    }, WASM_PRIORITY)
    registered = threads
    return { threads }
  } catch (e) {
    tf.registerBackend("wasm", singleThreaded, WASM_PRIORITY)
    return { threads: 1, fallback: e instanceof Error ? e.message : String(e) }
  }
}

/** Threads the wasm backend is running (after it is active). */
export const wasmThreadsInUse = (): number => tfWasm.getThreadsCount()
