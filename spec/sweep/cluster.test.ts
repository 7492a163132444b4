/**
 * The cluster acceptance test: PostgreSQL from Debian's packages on loopback in a temporary
 * data directory, three `fsv runner` processes and a coordinator (`fsv sweep --cluster`),
 * a sweep of 12 runs, one runner killed (SIGKILL) while it holds a run. Every run must
 * complete exactly once and every artifact be byte-identical to a single-process sweep's.
 *
 * Skips only when the PostgreSQL binaries are absent and CI is not set; in CI it runs.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { verify } from "../../src/store/ArtifactStore.ts"
import { freePort, havePostgres, PG_BIN, startPostgres, type TestPostgres } from "./postgres.ts"
import { type Snapshot, snapshotProgram } from "./snapshot.ts"

const skip = !havePostgres() && !process.env["CI"]

let program: Snapshot | undefined // made in beforeAll: nothing to copy when the suite skips
const dir = mkdtempSync(join(tmpdir(), "fsv-sweep-cluster-"))
const children = new Set<ChildProcess>()

interface Exited {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Start `fsv …` (the fixture CLI) with its output in files; `done` resolves when it exits. */
const start = (name: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const out = join(dir, `${name}.out`)
  const err = join(dir, `${name}.err`)
  const child = spawn(process.execPath, [program!.cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", openSync(out, "w"), openSync(err, "w")]
  })
  children.add(child)
  const done = new Promise<Exited>((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child)
      resolve({ code, signal, stdout: readFileSync(out, "utf8"), stderr: readFileSync(err, "utf8") })
    })
  )
  return { child, done, err }
}

const within = <A>(ms: number, what: string, p: Promise<A>): Promise<A> =>
  Promise.race([p, new Promise<A>((_, reject) => setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms))])

const run = (name: string, args: ReadonlyArray<string>, env: Record<string, string> = {}, ms = 120_000) =>
  within(ms, name, start(name, args, env).done)

/** Poll `f` every 100 ms until it returns a value. */
const waitFor = async <A>(ms: number, what: string, f: () => A | undefined): Promise<A> => {
  const deadline = Date.now() + ms
  for (;;) {
    const a = f()
    if (a !== undefined) return a
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

interface LogLine {
  readonly event: string
  readonly pid: number
  readonly config: string
}
const logLines = (file: string): Array<LogLine> =>
  existsSync(file)
    ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => {
      const [event, pid, config] = l.split(" ")
      return { event: event!, pid: Number(pid), config: config! }
    })
    : []

const summaryDigest = (stdout: string): string => {
  const m = /summary ([0-9a-f]{64})$/m.exec(stdout)
  if (!m) throw new Error(`no summary digest in ${JSON.stringify(stdout)}`)
  return m[1]!
}

/** Every artifact directory of a store, as "<stage>/<digest>". */
const artifacts = (store: string): Array<string> =>
  readdirSync(store).filter((s) => !s.startsWith(".")).flatMap((stage) => readdirSync(join(store, stage)).map((d) => `${stage}/${d}`)).sort()

/** Row counts of the cluster's tables (through psql), to see that a refused submission wrote nothing. */
const tableCounts = (pg: TestPostgres): string => {
  const r = spawnSync(join(PG_BIN, "psql"), [
    "-h", "127.0.0.1", "-p", String(pg.port), "-U", "fsv", "-d", "postgres", "-At", "-c",
    "SELECT (SELECT count(*) FROM cluster_messages) || ',' || (SELECT count(*) FROM effect_queue) || ',' || (SELECT count(*) FROM fsv_sweep_runs)"
  ], { encoding: "utf8" })
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`)
  return r.stdout.trim()
}

if (skip) {
  describe("fsv sweep --cluster", () => {
    it.skip(`needs PostgreSQL server binaries in ${PG_BIN} (apt-get install postgresql-15; in CI this test runs)`, () => {})
  })
} else {
  describe("fsv sweep --cluster: PostgreSQL, a coordinator and three runners", () => {
    let pg: TestPostgres
    const spec = join(dir, "spec.json")
    const storeLocal = join(dir, "store-local")
    const storeShared = join(dir, "store-shared")
    const logLocal = join(dir, "runs-local.log")
    const logCluster = join(dir, "runs-cluster.log")
    let localDigest = ""
    let victimConfig = ""

    beforeAll(async () => {
      program = snapshotProgram()
      pg = await startPostgres()
      // 4 seeds × 3 learning rates = 12 runs; each holds 1.5 s, long enough to be caught holding a run.
      writeFileSync(spec, JSON.stringify({
        name: "kill-one",
        stage: "count-fit",
        base: { steps: 40, holdMs: 1500 },
        grid: { seed: [1, 2, 3, 4], lr: [0.05, 0.1, 0.2] },
        budget: { maxRuns: 12 }
      }))
    }, 120_000)

    afterAll(() => {
      for (const child of children) child.kill("SIGKILL")
      pg?.stop()
      program?.remove()
    })

    it("a runner killed while it holds a run loses nothing: each run completes once, byte-identical to a single-process sweep", async () => {
      const local = await run("local", ["sweep", spec, "--store", storeLocal, "--jobs", "2"], { FSV_SWEEP_TEST_LOG: logLocal })
      expect(local.stderr).not.toMatch(/error:/)
      expect(local.code).toBe(0)
      localDigest = summaryDigest(local.stdout)

      const ports = [await freePort(), await freePort(), await freePort()]
      const runners = ports.map((port, i) =>
        start(`runner-${i}`, [
          "runner", "--cluster", pg.url, "--store", storeShared, "--jobs", "1",
          "--host", "127.0.0.1", "--port", String(port), "--listen-host", "127.0.0.1"
        ], { FSV_SWEEP_TEST_LOG: logCluster })
      )
      const runnerPids = new Set(runners.map((r) => r.child.pid!))
      const coordinator = start("coordinator", ["sweep", spec, "--cluster", pg.url, "--store", storeShared])

      // Kill a runner that has started a run and not finished it.
      const victim = await waitFor(90_000, "a runner holding a run", () => {
        const lines = logLines(logCluster)
        return lines.find((l) =>
          l.event === "start" && runnerPids.has(l.pid) && !lines.some((d) => d.event === "done" && d.pid === l.pid && d.config === l.config)
        )
      })
      runners.find((r) => r.child.pid === victim.pid)!.child.kill("SIGKILL")
      victimConfig = victim.config

      const submitted = await within(300_000, "the coordinator", coordinator.done)
      expect(submitted.stderr).not.toMatch(/error:/)
      expect(submitted.code).toBe(0)
      expect(summaryDigest(submitted.stdout)).toBe(localDigest)

      // Exactly once: every config has one `done`, the victim's run was started again elsewhere.
      const lines = logLines(logCluster)
      const dones = lines.filter((l) => l.event === "done")
      expect(dones).toHaveLength(12)
      expect(new Set(dones.map((l) => l.config)).size).toBe(12)
      expect(new Set(dones.map((l) => l.config))).toEqual(new Set(logLines(logLocal).filter((l) => l.event === "done").map((l) => l.config)))
      expect(lines.filter((l) => l.event === "start" && l.config === victimConfig)).toHaveLength(2)
      expect(dones.find((l) => l.config === victimConfig)!.pid).not.toBe(victim.pid)

      // No duplicate or half-written artifact; the same artifacts as the single-process sweep, byte for byte.
      expect(artifacts(storeShared)).toEqual(artifacts(storeLocal))
      expect(artifacts(storeShared).filter((a) => a.startsWith("count-fit/"))).toHaveLength(12)
      expect(existsSync(join(storeShared, ".tmp")) ? readdirSync(join(storeShared, ".tmp")) : []).toEqual([])
      for (const artifact of artifacts(storeLocal)) {
        const a = join(storeLocal, artifact)
        const b = join(storeShared, artifact)
        const files = readdirSync(a, { recursive: true }).map(String).filter((f) => f !== "meta.json" && f !== "manifest.json").sort()
        expect(readdirSync(b, { recursive: true }).map(String).filter((f) => f !== "meta.json" && f !== "manifest.json").sort()).toEqual(files)
        for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), `${artifact}/${f}`).toBe(true)
        const content = (d: string) => (JSON.parse(readFileSync(join(d, "manifest.json"), "utf8")) as { content: string }).content
        expect(content(b)).toBe(content(a))
        expect((await Effect.runPromise(verify(b))).ok).toBe(true)
      }
      for (const r of runners) r.child.kill("SIGTERM")
      await within(30_000, "runners stopping", Promise.all(runners.map((r) => r.done)))
    }, 420_000)

    it("resubmitting a finished sweep computes nothing and returns the same summary digest", async () => {
      const before = logLines(logCluster).length
      const again = await run("resubmit", ["sweep", spec, "--cluster", pg.url])
      expect(again.code).toBe(0)
      expect(again.stdout).toMatch(new RegExp(`nothing computed now\\); summary ${localDigest}$`, "m"))
      const local = await run("local-again", ["sweep", spec, "--store", storeLocal, "--jobs", "2"], { FSV_SWEEP_TEST_LOG: logLocal })
      expect(local.stdout).toMatch(new RegExp(`12 runs, 0 computed, 12 already in the store; summary ${localDigest}$`, "m"))
      expect(logLines(logCluster)).toHaveLength(before)
    })

    it("fsv sweep status lists every run with where it ran; the killed run shows its second attempt", async () => {
      const status = await run("status", ["sweep", "status", spec, "--cluster", pg.url, "--store", storeShared])
      expect(status.code).toBe(0)
      const lines = status.stdout.trim().split("\n")
      expect(lines[0]).toMatch(/: 12 runs · 12 done · 0 running · 0 failed · 0 pending; summary done$/)
      expect(lines.filter((l) => /^done +\d+ /.test(l))).toHaveLength(12)
      const victim = JSON.parse(victimConfig) as { seed: number; lr: number }
      const victimLine = lines.find((l) => l.includes(` lr=${victim.lr} seed=${victim.seed} `))
      expect(victimLine).toMatch(/127\.0\.0\.1:\d+#\d+ · attempt 2 · /)
    })

    it("an unreachable database or a malformed spec fails with a message naming it and leaves no state", async () => {
      const counts = tableCounts(pg)
      const closed = await freePort()
      const url = `postgres://fsv@127.0.0.1:${closed}/postgres`
      const store = join(dir, "store-untouched")
      const sweep = await run("unreachable", ["sweep", spec, "--cluster", url, "--store", store])
      expect(sweep.code).toBe(1)
      expect(sweep.stderr).toMatch(new RegExp(`^error: Cannot use the sweep database postgres://fsv@127\\.0\\.0\\.1:${closed}/postgres: .*connection refused`))
      expect(sweep.stderr.trim().split("\n")).toHaveLength(1)
      const runner = await run("unreachable-runner", ["runner", "--cluster", url, "--store", store, "--host", "127.0.0.1", "--port", String(closed)])
      expect(runner.code).toBe(1)
      expect(runner.stderr).toMatch(/error: Cannot use the sweep database postgres:\/\/fsv@127\.0\.0\.1/)
      expect(existsSync(store)).toBe(false)

      const bad = join(dir, "bad.json")
      writeFileSync(bad, JSON.stringify({ name: "bad", stage: "count-fit", base: { steps: 5, holdMs: 0 }, grid: { seed: [1], lr: ["fast"] } }))
      const malformed = await run("malformed", ["sweep", bad, "--cluster", pg.url, "--store", store])
      expect(malformed.code).toBe(1)
      expect(malformed.stderr).toMatch(/is invalid: grid\["lr"\]\[0\]: Expected number\. Nothing was run\./)
      expect(existsSync(store)).toBe(false)
      expect(tableCounts(pg)).toBe(counts)
    })
  })
}
