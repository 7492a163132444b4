/**
 * The package as a consumer gets it: `npm pack`, install the tarball into an empty project
 * (examples/downstream, copied to a temporary directory), run the example, verify its
 * artifacts with the installed `fsv`, and type-check the example against the packed .d.ts.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"

const repo = join(import.meta.dirname, "../..")
const work = mkdtempSync(join(tmpdir(), "fsv-downstream-"))
const example = join(work, "example")
const node = process.execPath
const run = (cmd: string, args: ReadonlyArray<string>, cwd: string) =>
  spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } })

describe("the packed package, used downstream", () => {
  beforeAll(() => {
    cpSync(join(repo, "examples", "downstream"), example, { recursive: true })
    const packed = run("npm", ["pack", "--pack-destination", work, "--silent"], repo)
    expect(packed.status, packed.stderr).toBe(0)
    const tgz = readdirSync(work).find((f) => f.endsWith(".tgz"))!
    renameSync(join(work, tgz), join(example, "fsv-ts.tgz"))
    const installed = run("npm", ["install", "--prefer-offline", "--no-package-lock"], example)
    expect(installed.status, installed.stderr).toBe(0)
  }, 600_000)

  it("ships compiled modules with types and nothing internal", () => {
    const files = execFileSync("tar", ["-tzf", join(example, "fsv-ts.tgz")], { encoding: "utf8" }).split("\n")
    expect(files).toContain("package/dist/src/store/index.d.ts")
    expect(files).toContain("package/dist/pipelines/index.js")
    expect(files.some((f) => f.startsWith("package/src/"))).toBe(false)
    expect(files.some((f) => f.startsWith("package/spec/"))).toBe(false)
    const internal = run(node, ["--input-type=module", "-e", 'await import("fsv-ts/dist/src/store/Stage.js")'], example)
    expect(internal.status).not.toBe(0)
    expect(internal.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/)
  })

  it("runs the example: trains FSV and QMIX on a new game, compares them in a stage of its own, checks IGM", () => {
    const store = join(work, "store")
    const out = run(node, ["main.ts", store], example)
    expect(out.status, out.stderr).toBe(0)
    const result = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as {
      training: string
      comparison: string
      igm: { ok: boolean; counterexample?: { greedy: number[]; rival: number[]; qTotGreedy: number; qTotRival: number } }
    }
    expect(result.training.startsWith(join(store, "matrix"))).toBe(true)
    expect(result.comparison.startsWith(join(store, "compare-learners"))).toBe(true)
    // the deliberately non-IGM mixer is rejected with a counterexample
    expect(result.igm.ok).toBe(false)
    const cx = result.igm.counterexample!
    expect(cx.qTotRival).toBeGreaterThanOrEqual(cx.qTotGreedy)
    expect(cx.rival).not.toEqual(cx.greedy)
    // both artifacts verify with the installed fsv
    for (const dir of [result.training, result.comparison]) {
      const v = run(node, [join(example, "node_modules", "fsv-ts", "bin", "fsv.mjs"), "verify", dir], example)
      expect(v.status, v.stderr).toBe(0)
      expect(v.stdout).toMatch(/^ok: \d+ files match/)
    }
  })

  it("a downstream stage given the wrong config type does not compile (types.ts)", () => {
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc")
    const ok = run(node, [tsc, "-p", "."], example)
    expect(ok.stdout + ok.stderr).toBe("")
    expect(ok.status).toBe(0)
    // and the expectations bite: drop the @ts-expect-error lines and tsc reports the errors
    const strict = run(node, ["-e", `
      const fs = require("fs");
      fs.writeFileSync("types.ts", fs.readFileSync("types.ts", "utf8").replace(/^\\/\\/ @ts-expect-error.*$/gm, ""));
    `], example)
    expect(strict.status).toBe(0)
    const bad = run(node, [tsc, "-p", "."], example)
    expect(bad.status).not.toBe(0)
    expect(bad.stdout).toMatch(/types\.ts\(\d+,\d+\): error TS2322|error TS2345|error TS2741/)
  })
})

/**
 * A newcomer on the machine's own Node (Debian's Node 20 here): the first thing `npx fsv` prints
 * is fsv's output, not npm's engine warnings, in a checkout and where the package is installed.
 * Runs only where /usr/bin/node is older than the sources need (otherwise there is nothing to see).
 */
const systemNode = "/usr/bin/node"
const systemMajor = (() => {
  const r = spawnSync(systemNode, ["--version"], { encoding: "utf8" })
  return r.status === 0 ? Number(/^v(\d+)/.exec(r.stdout)?.[1]) : undefined
})()
describe.skipIf(systemMajor === undefined || systemMajor >= 22)("fsv on the machine's older Node", () => {
  const plain = { ...process.env, PATH: "/usr/bin:/bin" } // no node_modules/.bin: npm runs on the system Node

  it("npx fsv in a checkout prints fsv's output and nothing from npm", () => {
    const r = spawnSync("/usr/bin/npx", ["--no-install", "fsv", "--version"], { cwd: repo, encoding: "utf8", env: plain })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(`fsv v${JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).version}`)
    expect(r.stderr).toBe("")
  })

  it("the installed package's fsv runs its compiled code on that Node", () => {
    const r = spawnSync(systemNode, [join(example, "node_modules", "fsv-ts", "bin", "fsv.mjs"), "--version"], { cwd: example, encoding: "utf8", env: plain })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^fsv v\d/)
  })
})
