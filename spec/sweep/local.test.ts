import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { snapshotProgram } from "./snapshot.ts"

const program = snapshotProgram()
const { cli } = program
afterAll(program.remove)
const tmp = () => mkdtempSync(join(tmpdir(), "fsv-sweep-local-"))

const fsv = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const writeSpec = (dir: string, spec: unknown): string => {
  const file = join(dir, "spec.json")
  writeFileSync(file, JSON.stringify(spec))
  return file
}

/** `start`/`done` lines of the count-fit fixture, per config. */
const logLines = (file: string): Array<{ event: string; pid: number; config: string }> =>
  existsSync(file)
    ? readFileSync(file, "utf8").trim().split("\n").filter((l) => l !== "").map((l) => {
      const [event, pid, config] = l.split(" ")
      return { event: event!, pid: Number(pid), config: config! }
    })
    : []

describe("fsv sweep on one machine", () => {
  it("runs the grid on worker threads, and a resubmission computes nothing and returns the same summary", () => {
    const dir = tmp()
    const store = join(dir, "store")
    const log = join(dir, "runs.log")
    const spec = writeSpec(dir, { name: "local", stage: "count-fit", base: { steps: 30, holdMs: 200 }, grid: { seed: [1, 2], lr: [0.05, 0.1] } })

    const first = fsv(["sweep", spec, "--store", store, "--jobs", "2"], { FSV_SWEEP_TEST_LOG: log })
    expect(first.stderr).not.toMatch(/error:/)
    expect(first.status).toBe(0)
    const [line, summaryDir] = first.stdout.trim().split("\n")
    expect(line).toMatch(/^sweep local: 4 runs, 4 computed, 0 already in the store; summary [0-9a-f]{64}$/)
    const digest = line!.split(" ").at(-1)!
    expect(summaryDir).toBe(join(store, "sweep-summary", digest))
    expect(readdirSync(join(store, "count-fit"))).toHaveLength(4)
    const runs = readFileSync(join(summaryDir!, "runs.csv"), "utf8").trim().split("\n")
    expect(runs[0]).toBe("run,digest,lr,seed,b,loss,w")
    expect(runs).toHaveLength(5)
    // each run executed once, both threads of the pool in one process
    const lines = logLines(log)
    expect(lines.filter((l) => l.event === "done")).toHaveLength(4)
    expect(new Set(lines.filter((l) => l.event === "done").map((l) => l.config)).size).toBe(4)
    expect(first.stderr).toMatch(/sweep local 100% 4\/4 runs/)

    const again = fsv(["sweep", spec, "--store", store, "--jobs", "2"], { FSV_SWEEP_TEST_LOG: log })
    expect(again.status).toBe(0)
    expect(again.stdout).toMatch(new RegExp(`^sweep local: 4 runs, 0 computed, 4 already in the store; summary ${digest}\\n`))
    expect(logLines(log)).toHaveLength(lines.length) // no stage ran

    const status = fsv(["sweep", "status", spec, "--store", store])
    expect(status.status).toBe(0)
    const listing = status.stdout.trim().split("\n")
    expect(listing[0]).toMatch(/^sweep local \(count-fit, id [0-9a-f]{12}\): 4 runs · 4 done · 0 running · 0 failed · 0 pending; summary done$/)
    expect(listing.filter((l) => l.startsWith("done "))).toHaveLength(5)
    expect(listing.some((l) => / lr=0\.1 seed=2 /.test(l))).toBe(true)
  })

  it("a sweep killed mid-way and submitted again computes only what is missing", async () => {
    const dir = tmp()
    const store = join(dir, "store")
    const log = join(dir, "runs.log")
    const spec = writeSpec(dir, { name: "crash", stage: "count-fit", base: { steps: 30, holdMs: 1000 }, grid: { seed: [1, 2, 3, 4], lr: [0.1] } })
    const child = spawn(process.execPath, [cli, "sweep", spec, "--store", store, "--jobs", "1"], {
      env: { ...process.env, FSV_SWEEP_TEST_LOG: log },
      stdio: "ignore"
    })
    const exited = new Promise((resolve) => child.once("exit", resolve))
    // one thread: a third start means the first two runs are published
    const deadline = Date.now() + 90_000
    while (logLines(log).filter((l) => l.event === "start").length < 3) {
      if (Date.now() > deadline) throw new Error("the sweep did not start its third run")
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill("SIGKILL")
    await exited
    const status = fsv(["sweep", "status", spec, "--store", store])
    expect(status.stdout).toMatch(/4 runs · 2 done · 0 running · 0 failed · 2 pending/)
    expect(status.stdout).toMatch(/^interrupted +\d /m)

    const again = fsv(["sweep", spec, "--store", store, "--jobs", "1"], { FSV_SWEEP_TEST_LOG: log })
    expect(again.status).toBe(0)
    expect(again.stdout).toMatch(/^sweep crash: 4 runs, 2 computed, 2 already in the store; summary [0-9a-f]{64}$/m)
    const lines = logLines(log)
    const dones = lines.filter((l) => l.event === "done").map((l) => l.config)
    expect(dones).toHaveLength(4)
    expect(new Set(dones).size).toBe(4)
    expect(lines.filter((l) => l.event === "start")).toHaveLength(5) // the killed run started twice
  })

  it("a failing run fails the sweep naming it, and the rest are kept", () => {
    const dir = tmp()
    const store = join(dir, "store")
    const spec = writeSpec(dir, {
      name: "fails",
      stage: "tiny-fit",
      base: { seed: 3, steps: 5, padFiles: 0, padBytes: 0 },
      grid: { fail: [false, true] }
    })
    const r = fsv(["sweep", spec, "--store", store, "--jobs", "2"])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/error: Sweep fails: 1 of 2 runs failed \(run 1 \(fail=true\): tiny-fit failed on purpose\)/)
    expect(readdirSync(join(store, "tiny-fit"))).toHaveLength(1)
    expect(existsSync(join(store, "sweep-summary"))).toBe(false)
    const status = fsv(["sweep", "status", spec, "--store", store])
    expect(status.stdout).toMatch(/1 done · 0 running · 1 failed · 0 pending; summary pending/)
    expect(status.stdout).toMatch(/failed +1 +[0-9a-f]{12} +fail=true +local · tiny-fit failed on purpose$/m)
  })

  it("a malformed spec fails with the path of the bad field and leaves nothing behind", () => {
    const dir = tmp()
    const store = join(dir, "store")
    const badValue = writeSpec(dir, { name: "bad", stage: "count-fit", base: { steps: 5, holdMs: 0 }, grid: { seed: [1], lr: [0.1, -2] } })
    const r = fsv(["sweep", badValue, "--store", store])
    expect(r.status).toBe(1)
    expect(r.stderr).toBe(`error: The sweep spec ${badValue} is invalid: grid["lr"][1]: Expected a value greater than 0. Nothing was run.\n`)
    const badShape = writeSpec(dir, { name: "bad", stage: "count-fit", grid: { seed: 1 } })
    const s = fsv(["sweep", badShape, "--store", store])
    expect(s.status).toBe(1)
    expect(s.stderr).toMatch(/is invalid: grid\["seed"\]: Expected array\. Nothing was run\.\n$/)
    writeFileSync(join(dir, "broken.json"), "{ \"name\": ")
    const t = fsv(["sweep", join(dir, "broken.json"), "--store", store])
    expect(t.status).toBe(1)
    expect(t.stderr).toMatch(/^error: Cannot read the sweep spec .*broken\.json: not valid JSON/)
    expect(existsSync(store)).toBe(false)
  })
})
