/**
 * What the two backend-specific GRU layer ops (`gruWasm.ts`, `gruNative.ts`) share: which
 * version of the package whose internals they call is installed, and the check of their
 * arguments' shapes before any kernel runs (the kernels read whatever memory the shapes say).
 */
import { createRequire } from "node:module"
import type * as tf from "@tensorflow/tfjs"

const versions = new Map<string, string | null>()

/**
 * The installed version of `pkg`, read from its package.json (importing the package itself could
 * register a backend for every importer), or null when it is not installed. Cached.
 */
export const installedVersion = (pkg: string): string | null => {
  let v = versions.get(pkg)
  if (v === undefined) {
    try {
      v = (createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string }).version
    } catch {
      v = null
    }
    versions.set(pkg, v)
  }
  return v
}

/**
 * Check the arguments of an agent-layers op over T steps — x [T·R, I], W1 [I, H], b1 [H],
 * W_i, W_h [H, 3H], b_i, b_h [3H], all float32 — and return R, H and I; otherwise an error from
 * `op` naming every expected and actual shape.
 */
export const checkGruLayerArgs = (
  op: string,
  T: number,
  x: tf.Tensor,
  [w1, b1, wi, bi, wh, bh]: ReadonlyArray<tf.Tensor>
): { readonly R: number; readonly H: number; readonly I: number } => {
  const [TR, I] = x.shape as [number, number] // I: the agent's input size
  const H = w1!.shape[1]!
  const R = TR / T
  const expected: Array<[string, tf.Tensor, Array<number>]> = [
    ["x", x, [T * R, I]], ["W1", w1!, [I, H]], ["b1", b1!, [H]], ["W_i", wi!, [H, 3 * H]], ["b_i", bi!, [3 * H]], ["W_h", wh!, [H, 3 * H]], ["b_h", bh!, [3 * H]]
  ]
  const bad = expected.filter(([, t, shape]) => t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.dtype !== "float32")
  if (!Number.isInteger(R) || R < 1 || bad.length > 0) {
    throw new Error(`${op}: over T = ${T} steps, expected ${expected.map(([n, , sh]) => `${n} [${sh}]`).join(", ")} (float32); got ${expected.map(([n, t]) => `${n} [${t.shape}] ${t.dtype}`).join(", ")}`)
  }
  return { R, H, I }
}
