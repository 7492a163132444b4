/**
 * `fsv reproduce smac` killed with SIGKILL part-way, then run again with `--resume`, writes
 * the same bytes as a run that was never interrupted — at the command line, in separate
 * processes, with a checkpoint written by the killed process. A small network (through
 * `--config`) keeps it to seconds.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const cli = join(import.meta.dirname, "../../src/cli/main.ts")

const small = { agentHidden: 8, batchSize: 4, bufferSize: 8, targetUpdateEpisodes: 8 }
const config = {
  run: { envs: 4, testInterval: 400, testEpisodes: 4, epsilonAnnealSteps: 1000 },
  learners: { qmix: { ...small, mixingEmbed: 4, hypernetEmbed: 8 } }
}
const args = (store: string, configFile: string) => [
  cli, "reproduce", "smac", "--maps", "3m", "--algos", "qmix", "--seeds", "3", "--budget", "2400",
  "--config", configFile, "--checkpoint-every", "300", "--backend", "wasm", "--store", store
]

interface Done { readonly status: number | null; readonly stdout: string; readonly stderr: string }
const collect = (child: ChildProcess): Promise<Done> =>
  new Promise((resolve) => {
    let stdout = ""
    let stderr = ""
    child.stdout!.on("data", (d) => (stdout += d))
    child.stderr!.on("data", (d) => (stderr += d))
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

/** Every checkpoint file under a store (written atomically, so any file present is whole). */
const checkpointFiles = (store: string): Array<string> => {
  const root = join(store, ".checkpoints")
  if (!existsSync(root)) return []
  const out: Array<string> = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) walk(p)
      else if (!e.includes(".tmp")) out.push(p)
    }
  }
  walk(root)
  return out
}

const artifactFiles = (dir: string): Record<string, string> => {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Record<string, { sha256: string }> }
  const { "stage.json": _s, "meta.json": _m, ...rest } = Object.fromEntries(Object.entries(manifest.files).map(([f, v]) => [f, v.sha256]))
  return rest
}

describe("fsv reproduce smac --resume after SIGKILL", () => {
  it("ends with the same result bytes as an uninterrupted run", async () => {
    const work = mkdtempSync(join(tmpdir(), "fsv-kill-resume-"))
    try {
      const configFile = join(work, "small.json")
      writeFileSync(configFile, JSON.stringify(config))
      const whole = join(work, "whole")
      const killed = join(work, "killed")

      const reference = await collect(spawn(process.execPath, args(whole, configFile)))
      expect(reference.status, reference.stderr).toBe(0)

      // Start the same run, kill it hard once a checkpoint exists and before it ends.
      const child = spawn(process.execPath, args(killed, configFile))
      const first = collect(child)
      await new Promise<void>((resolve, reject) => {
        const poll = setInterval(() => {
          if (checkpointFiles(killed).length > 0) {
            clearInterval(poll)
            child.kill("SIGKILL")
            resolve()
          }
        }, 20)
        child.on("close", () => {
          clearInterval(poll)
          reject(new Error("the run ended before a checkpoint was seen; raise --budget"))
        })
      })
      const dead = await first
      expect(dead.status).toBe(null) // killed, not finished
      expect(existsSync(join(killed, "smac"))).toBe(false) // nothing published

      const resumed = await collect(spawn(process.execPath, [...args(killed, configFile), "--resume"]))
      expect(resumed.status, resumed.stderr).toBe(0)
      const at = /resuming from its checkpoint at t = (\d+)/.exec(resumed.stderr)
      expect(at, resumed.stderr).not.toBeNull()
      expect(Number(at![1])).toBeGreaterThan(0)
      expect(Number(at![1])).toBeLessThan(2400)

      const a = reference.stdout.trim().split("\n").at(-1)!
      const b = resumed.stdout.trim().split("\n").at(-1)!
      expect(artifactFiles(b)).toEqual(artifactFiles(a))
      expect(Object.keys(artifactFiles(a))).toContain("result.json")
      expect(readFileSync(join(b, "result.json"), "utf8")).toBe(readFileSync(join(a, "result.json"), "utf8"))
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)

  /** `body` with a store and a config file whose run.envs is not a number, in a directory removed afterwards. */
  const withBadConfig = async (body: (store: string, configFile: string) => Promise<void>): Promise<void> => {
    const work = mkdtempSync(join(tmpdir(), "fsv-bad-config-"))
    try {
      const configFile = join(work, "bad.json")
      writeFileSync(configFile, JSON.stringify({ run: { envs: "eight" } }))
      await body(join(work, "store"), configFile)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }

  it("rejects a config file with a bad field, naming it, before anything runs", () =>
    withBadConfig(async (store, configFile) => {
      const r = await collect(spawn(process.execPath, args(store, configFile)))
      expect(r.status).toBe(1)
      expect(r.stderr).toContain("envs")
      expect(r.stderr).toContain(configFile)
      expect(existsSync(join(store, "smac"))).toBe(false)
    }), 60_000)

  it("says on stderr what --preset pymarl means since the presets were renamed, and says nothing for the other names", () =>
    // The bad field stops the command before anything trains; the note comes before that.
    withBadConfig(async (store, configFile) => {
      const withPreset = async (name: string) => (await collect(spawn(process.execPath, [...args(store, configFile), "--preset", name]))).stderr
      const pymarl = await withPreset("pymarl")
      expect(pymarl).toContain("--preset pymarl is the SMAC paper's setup")
      expect(pymarl).toContain("now --preset pymarl-quarter")
      expect(await withPreset("pymarl-quarter")).not.toContain("note: --preset pymarl")
    }), 60_000)
})
