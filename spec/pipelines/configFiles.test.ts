/**
 * Config files in YAML as well as JSON: the same values give the same config, the same sweep
 * plan and the same artifact (one digest: the YAML run is a cache hit of the JSON run), and a
 * bad file is refused with its line (parse) or its path (schema), whatever the format.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { parseConfigText } from "../../src/store/ConfigFile.ts"
import { planSweep } from "../../src/sweep/Plan.ts"
import { readSpec } from "../../src/sweep/Spec.ts"
import { registry } from "../fixtures/sweepStages.ts"

const ROOT = resolve(import.meta.dirname, "../..")
const dir = mkdtempSync(join(tmpdir(), "fsv-config-files-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** A tiny SMAC-lite run's overrides, written by hand in both formats. */
const TINY_JSON = `{
  "run": { "envs": 2, "testInterval": 150, "testEpisodes": 2 },
  "learners": { "qmix": { "agentHidden": 8, "batchSize": 2, "bufferSize": 4, "mixingEmbed": 4, "hypernetEmbed": 4, "lr": 5e-4 } }
}
`
const TINY_YAML = `# the same overrides as the JSON file
run:
  envs: 2
  testInterval: 150
  testEpisodes: 2
learners:
  qmix: { agentHidden: 8, batchSize: 2, bufferSize: 4, mixingEmbed: 4, hypernetEmbed: 4, lr: 0.0005 }
`

describe("parseConfigText", () => {
  it("reads YAML (by extension) to the same values as JSON", () => {
    const a = parseConfigText("c.json", TINY_JSON)
    const b = parseConfigText("c.yaml", TINY_YAML)
    expect(Result.isSuccess(a) && Result.isSuccess(b)).toBe(true)
    expect(Result.getOrThrow(b)).toEqual(Result.getOrThrow(a))
    expect(Result.getOrThrow(parseConfigText("c.yml", "seeds: [0, 1]\nname: yes\n"))).toEqual({ seeds: [0, 1], name: "yes" }) // YAML 1.2: yes is a string
  })
  it.each([
    ["dup.yaml", "a: 1\na: 2\n", /not valid YAML \(Map keys must be unique at line 2, column 1/],
    ["two.yaml", "a: 1\n---\nb: 2\n", /not valid YAML \(Source contains multiple documents/],
    ["bad.json", "{\"a\": 1,", /not valid JSON/]
  ])("refuses %s with where it broke", (name, text, message) => {
    const r = parseConfigText(name, text)
    expect(Result.isFailure(r) && r.failure.message).toMatch(message)
  })
})

describe("sweep specs", () => {
  it("plan the same sweep from YAML and from JSON", async () => {
    const json = file("sweep.json", JSON.stringify({ name: "t", stage: "count-fit", base: { holdMs: 0 }, grid: { seed: [1, 2], lr: [0.1, 0.2] }, budget: { steps: 40 } }))
    const yaml = file("sweep.yaml", "name: t\nstage: count-fit\nbase: { holdMs: 0 }\ngrid:\n  seed: [1, 2]\n  lr: [0.1, 0.2]\nbudget: { steps: 40 }\n")
    const plan = (path: string) => Effect.runPromise(Effect.flatMap(readSpec(path), (spec) => planSweep(spec, registry, { file: path, backend: "wasm" })))
    const [a, b] = [await plan(json), await plan(yaml)]
    expect(b.id).toBe(a.id)
    expect(b.runs.map((r) => r.item.key)).toEqual(a.runs.map((r) => r.item.key))
  })
})

describe("fsv reproduce smac --config", () => {
  const fsv = (...args: Array<string>) =>
    spawnSync(join(ROOT, "node_modules", "node", "bin", "node"), [join(ROOT, "src", "cli", "main.ts"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FSV_THREADS: "1" } })
  const store = join(dir, "store")
  const run = ["reproduce", "smac", "--maps", "3m", "--algos", "qmix", "--budget", "300"]
  const common = [...run, "--store", store]

  it("gives the same artifact from a YAML file as from the JSON file with the same values", () => {
    const first = fsv(...common, "--config", file("tiny.json", TINY_JSON))
    expect(first.status, first.stderr).toBe(0)
    const second = fsv(...common, "--config", file("tiny.yaml", TINY_YAML))
    expect(second.status, second.stderr).toBe(0)
    const dirOf = (out: string) => out.trim().split("\n").at(-1)
    expect(dirOf(second.stdout)).toBe(dirOf(first.stdout))
    expect(second.stderr).toMatch(/smac: cache hit/)
  }, 180_000)

  it("names the path of a bad value in a YAML file as in JSON, and writes nothing", () => {
    const r = fsv(...run, "--store", join(dir, "untouched"), "--config", file("bad.yaml", "learners:\n  qmix:\n    lr: fast\n"))
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/Expected number\s+at \["learners"\]\["qmix"\]\["lr"\]/)
    expect(spawnSync("ls", [join(dir, "untouched")]).status).not.toBe(0)
  })
})
