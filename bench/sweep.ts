/**
 * `npm run bench -- sweep [runs] [steps]`: what the sweep machinery buys and costs.
 *
 * 1. Runs per hour on this machine: the same `runs` training runs (the count-fit fixture
 *    stage, `steps` Adam steps each) one after another (`--jobs 1`) and on every core
 *    (`--jobs <cores>`), each into a fresh store; the ratio is the speed-up from the cores.
 * 2. The cluster path's overhead per run (when PostgreSQL's server binaries are installed):
 *    one-step runs through a coordinator and one already running runner with one thread,
 *    against `--jobs 1` on this machine. Fixed costs (process and thread start-up, the
 *    database connection) cancel in the slope: a sweep of 2n runs minus one of n, over n.
 *
 * Every figure is a wall-clock time of whole `fsv sweep` processes, start-up included, one
 * measurement each (sweeps take seconds; no repetitions). The machine's other load shows.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, havePostgres, startPostgres } from "../spec/sweep/postgres.ts"
import { snapshotProgram } from "../spec/sweep/snapshot.ts"

const program = snapshotProgram()
const { cli } = program
const dir = mkdtempSync(join(tmpdir(), "fsv-bench-sweep-"))

const fsv = (args: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] })
    let err = ""
    child.stderr.on("data", (d: Buffer) => (err += d.toString()))
    child.once("exit", (code) =>
      code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`fsv ${args.join(" ")} exited ${code}: ${err}`))
    )
  })

/** A spec of `runs` count-fit runs with seeds from `firstSeed` (distinct seeds: distinct keys). */
const specFile = (name: string, runs: number, steps: number, firstSeed = 1): string => {
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({
    name,
    stage: "count-fit",
    base: { steps, holdMs: 0, lr: 0.05 },
    grid: { seed: Array.from({ length: runs }, (_, i) => firstSeed + i) }
  }))
  return file
}

const perHour = (runs: number, seconds: number): string => (runs / seconds * 3600).toFixed(0)

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const runs = Number(args[0] ?? 8)
  const steps = Number(args[1] ?? 4000)
  const cores = availableParallelism()
  const spec = specFile("bench", runs, steps)

  const sequential = await fsv(["sweep", spec, "--store", join(dir, "seq"), "--jobs", "1"])
  const parallel = await fsv(["sweep", spec, "--store", join(dir, "par"), "--jobs", String(cores)])
  process.stdout.write(
    `sweep of ${runs} runs × ${steps} steps (count-fit), whole processes:\n` +
      `  one after another (--jobs 1):  ${sequential.toFixed(1)} s  ${perHour(runs, sequential)} runs/h\n` +
      `  on ${cores} cores (--jobs ${cores}):    ${parallel.toFixed(1)} s  ${perHour(runs, parallel)} runs/h\n` +
      `  speed-up: ${(sequential / parallel).toFixed(2)}×\n`
  )

  if (!havePostgres()) {
    process.stdout.write("cluster overhead: skipped (no PostgreSQL server binaries; apt-get install postgresql-15)\n")
    return
  }
  const pg = await startPostgres()
  // n = 2 × runs one-step runs against 2n: enough that the slope stands out of the noise
  const n = 2 * runs
  const small = specFile("small", n, 1, 1000)
  const large = specFile("large", 2 * n, 1, 2000)
  const port = await freePort()
  const runner = spawn(process.execPath, [
    cli, "runner", "--cluster", pg.url, "--store", join(dir, "cluster"), "--jobs", "1",
    "--host", "127.0.0.1", "--port", String(port), "--listen-host", "127.0.0.1"
  ], { stdio: "ignore" })
  try {
    const local = [
      await fsv(["sweep", small, "--store", join(dir, "small"), "--jobs", "1"]),
      await fsv(["sweep", large, "--store", join(dir, "large"), "--jobs", "1"])
    ]
    const cluster = [await fsv(["sweep", small, "--cluster", pg.url]), await fsv(["sweep", large, "--cluster", pg.url])]
    const again = await fsv(["sweep", large, "--cluster", pg.url])
    const slope = (t: ReadonlyArray<number>) => (t[1]! - t[0]!) / n
    process.stdout.write(
      `cluster path, one-step runs, one runner with one thread (already started):\n` +
        `  local --jobs 1: ${n} runs ${local[0]!.toFixed(1)} s, ${2 * n} runs ${local[1]!.toFixed(1)} s → ${(slope(local) * 1000).toFixed(0)} ms per run\n` +
        `  cluster:        ${n} runs ${cluster[0]!.toFixed(1)} s, ${2 * n} runs ${cluster[1]!.toFixed(1)} s → ${(slope(cluster) * 1000).toFixed(0)} ms per run\n` +
        `  overhead of the cluster path per run: ${((slope(cluster) - slope(local)) * 1000).toFixed(0)} ms\n` +
        `  resubmitting the finished ${2 * n}-run sweep: ${again.toFixed(1)} s (nothing computed)\n`
    )
  } finally {
    runner.kill("SIGKILL")
    pg.stop()
    program.remove()
  }
}
