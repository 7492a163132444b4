/**
 * Issue 17's default rule: the default backend stays wasm (a rerun elsewhere must not silently
 * change backend and digests), and when the native backend is built here but not chosen, fsv
 * says once on stderr how much faster it measured on the workload at hand. Only SMAC training
 * gains: on the matrix and quadratics learners (many tiny ops) node is slower, so nothing is
 * said there.
 */
import { existsSync, readdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { Effect } from "effect"
import { namedBackend } from "./Backend.ts"

/**
 * The node/wasm speed-up of the SMAC update, from README.md's Backends table (session 22, both
 * backends in one bench invocation, wasm on 2 threads, node with its default GRU graphs; VDN,
 * QMIX, QTRAN, FSV on the 2s3z shape): GRU 64 174/93, 202/130, 347/169, 259/162 ms; GRU 256
 * 1374/446, 1402/489, 2314/742, 1598/496 ms.
 */
export const SMAC_NATIVE_SPEEDUP = { gru64: [1.55, 2.05], gru256: [2.87, 3.22] } as const

/** Workloads a command runs, for the hint. */
export type Workload = "smac" | "matrix" | "quadratics"

/** Whether tfjs-node's addon is built in this install (by `setup:native` or its own install script). */
export const nativeBackendBuilt = (resolveFrom: string = import.meta.url): boolean => {
  try {
    const root = dirname(createRequire(resolveFrom).resolve("@tensorflow/tfjs-node/package.json"))
    const lib = join(root, "lib")
    return existsSync(lib) && readdirSync(lib).some((d) => d.startsWith("napi-v") && existsSync(join(lib, d, "tfjs_binding.node")))
  } catch {
    return false
  }
}

/** The hint for `workload`, or undefined when there is nothing to say. Pure. */
export const nativeHint = (workload: Workload, chosen: boolean, built: boolean): string | undefined => {
  if (chosen || !built || workload !== "smac") return undefined
  const [a, b] = SMAC_NATIVE_SPEEDUP.gru64
  const [c, d] = SMAC_NATIVE_SPEEDUP.gru256
  return `fsv: the native backend is built here but not chosen. SMAC updates measured ${a}–${b}× faster on it than on wasm at ` +
    `GRU 64 and ${c}–${d}× at GRU 256 (README.md, Backends): add --backend node. Its results differ from wasm's in the last ` +
    `bits, so wasm stays the default; --backend wasm or FSV_BACKEND=wasm silences this.\n`
}

let said = false

/** Write `nativeHint` to stderr, at most once per process. */
export const announceNativeHint = (workload: Workload, flag: string | undefined): Effect.Effect<void> =>
  Effect.sync(() => {
    if (said) return
    const hint = nativeHint(workload, namedBackend(flag) !== undefined, nativeBackendBuilt())
    if (hint === undefined) return
    said = true
    process.stderr.write(hint)
  })
