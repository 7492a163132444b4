/**
 * glibc's malloc settings for training, applied by the process re-executing itself once at
 * start-up (glibc reads `GLIBC_TUNABLES` only when a process starts; `process.execve` keeps the
 * pid, so signals and exit codes are the caller's as before).
 *
 * Why: glibc serves every block above its mmap threshold (128 KB at first, raised with use to at
 * most 32 MB) from a fresh mmap, unmaps it on free and trims the heap's top, so the next such
 * block faults its pages in again, zero-filled. On this project's 2-core VM a first touch costs
 * 12–29 µs a 4 KB page (`npm run bench -- alloc`). MMM2's update holds blocks above the 32 MB
 * cap (the batch's inputs, 46 MB at T = 180, and the GRU's [T·R, 3H] values, 44 MB), so every
 * update faulted them in anew. With mmap off and the heap kept (`MALLOC_TUNABLES`), MMM2 QMIX
 * training under `pymarl` on node ran at 278 and 306 env steps/s against 201 and 202 (session 24,
 * `npm run bench -- smac-train --maps MMM2 --algos qmix --presets pymarl --backends node`,
 * alternated, one TF thread), peak memory 3–6% higher; on 2s3z (blocks under the cap) QMIX and FSV
 * ran within the noise of glibc's defaults (447–513 and 338–393 env steps/s both ways).
 *
 * Where memory comes from changes no value: the node goldens hold under these settings
 * (spec/backend/native.test.ts). `FSV_MALLOC=system` keeps glibc's defaults; settings of
 * `glibc.malloc.*` already in `GLIBC_TUNABLES` are left as they are. Elsewhere than Linux,
 * nothing happens (musl ignores the variable: one re-execution, then nothing).
 */

/** glibc tunables: no mmap'd blocks, and no trimming of the heap's top (2³² − 1 bytes). */
export const MALLOC_TUNABLES = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295"

/**
 * The environment to re-execute with, or undefined to go on as is: on Linux, unless
 * `FSV_MALLOC=system` or `GLIBC_TUNABLES` already sets a `glibc.malloc.*` tunable (which also
 * makes the re-executed process go on).
 */
export const allocatorEnv = (
  env: Readonly<Record<string, string | undefined>>,
  platform: string
): Record<string, string> | undefined => {
  if (platform !== "linux" || env["FSV_MALLOC"] === "system") return undefined
  const current = env["GLIBC_TUNABLES"] ?? ""
  if (current.includes("glibc.malloc.")) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  out["GLIBC_TUNABLES"] = current === "" ? MALLOC_TUNABLES : `${current}:${MALLOC_TUNABLES}`
  return out
}

/** Re-execute this process with `allocatorEnv`'s settings when it asks for them (call before loading anything heavy). */
export const withAllocatorSettings = (): void => {
  const execve = (process as { execve?: (file: string, args: Array<string>, env: Record<string, string>) => never }).execve
  if (typeof execve !== "function") return // Node < 23.11: glibc's defaults
  const env = allocatorEnv(process.env, process.platform)
  if (env === undefined) return
  execve.call(process, process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env)
}
