/**
 * glibc's malloc settings (src/runtime/allocator.ts): which environment the process re-executes
 * with, and that `fsv` really runs with it, once, keeping its pid-level behaviour (exit code).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { allocatorEnv, MALLOC_TUNABLES } from "../../src/runtime/allocator.ts"

const root = join(import.meta.dirname, "../..")

describe("allocatorEnv", () => {
  it("adds the malloc tunables on Linux, after any the user set", () => {
    expect(allocatorEnv({ PATH: "/bin" }, "linux")).toEqual({ PATH: "/bin", GLIBC_TUNABLES: MALLOC_TUNABLES })
    expect(allocatorEnv({ GLIBC_TUNABLES: "glibc.rtld.optional_static_tls=1024" }, "linux")?.["GLIBC_TUNABLES"])
      .toBe(`glibc.rtld.optional_static_tls=1024:${MALLOC_TUNABLES}`)
  })
  it("leaves the process as it is elsewhere, when asked to, and when malloc is already set (the re-executed process)", () => {
    expect(allocatorEnv({}, "darwin")).toBeUndefined()
    expect(allocatorEnv({ FSV_MALLOC: "system" }, "linux")).toBeUndefined()
    expect(allocatorEnv({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" }, "linux")).toBeUndefined()
    expect(allocatorEnv({ GLIBC_TUNABLES: MALLOC_TUNABLES }, "linux")).toBeUndefined()
  })
  it("drops variables that are unset rather than passing 'undefined'", () => {
    expect(allocatorEnv({ A: "1", B: undefined }, "linux")).toEqual({ A: "1", GLIBC_TUNABLES: MALLOC_TUNABLES })
  })
})

describe.runIf(process.platform === "linux")("the fsv launcher", () => {
  const probe = (env: Record<string, string>): Array<string> => {
    const dir = mkdtempSync(join(tmpdir(), "fsv-allocator-"))
    try {
      // Loaded by every Node process of the launch (NODE_OPTIONS): prints the tunables it starts with.
      const preload = join(dir, "probe.mjs")
      writeFileSync(preload, 'process.stderr.write("TUNABLES=" + process.env.GLIBC_TUNABLES + "\\n")\n')
      const { GLIBC_TUNABLES: _, FSV_MALLOC: __, ...rest } = process.env
      // `fsv nosuchcommand` fails in the command line's parser, after the launcher has done its work.
      const r = spawnSync(process.execPath, [join(root, "bin", "fsv.mjs"), "nosuchcommand"], {
        env: { ...rest, ...env, NODE_OPTIONS: `--import=${preload}` },
        encoding: "utf8"
      })
      expect(r.status, r.stderr).not.toBe(0)
      expect(r.stderr).toContain("nosuchcommand")
      return r.stderr.split("\n").filter((l) => l.startsWith("TUNABLES="))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  it("runs the command line with the malloc tunables: the last process starts with them, after exactly one re-execution", () => {
    const seen = probe({})
    expect(seen.at(-1)).toBe(`TUNABLES=${MALLOC_TUNABLES}`)
    expect(seen.slice(0, -1).every((l) => l === "TUNABLES=undefined") && seen.length >= 2, seen.join(" | ")).toBe(true)
  })
  it("FSV_MALLOC=system: glibc's defaults, no re-execution with them", () => {
    const seen = probe({ FSV_MALLOC: "system" })
    expect(seen.length >= 1 && seen.every((l) => l === "TUNABLES=undefined"), seen.join(" | ")).toBe(true)
  })
})
