/**
 * `npm run bench -- sweep [--runs N] [--steps S] [--repeats R] [--cluster-runs M] [--wait-for-quiet SECONDS]`:
 * what the sweep machinery buys and costs, with whole `fsv sweep` processes (the fixture CLI
 * over a frozen copy of the program), each timed by wall clock and by the CPU seconds of the
 * whole process (worker threads included).
 *
 * 1. Runs per hour on this machine: a sweep of N count-fit runs (S Adam steps each, default
 *    4 × 6000: a few CPU seconds of training per run, so that training and not process
 *    start-up is what is timed) one after another (`--jobs 1`) and on a pool of one thread
 *    per core (`--jobs <cores>`), each repetition into a fresh store; medians over R
 *    repetitions (default 3). The ratio is the speed-up from the cores. The fixed cost of
 *    each mode (process, worker threads, tfjs, the summary) is timed with one-step runs.
 *    From the CPU seconds, an estimate of both rates on an idle machine.
 * 2. The cluster path's overhead per run (when PostgreSQL's server binaries are installed):
 *    one-step runs through a coordinator and one already running runner with one thread,
 *    against `--jobs 1` on this machine. Fixed costs (process and thread start-up, the
 *    database connection) cancel in the slope: a sweep of 2M runs minus one of M, over M
 *    (default M = 12); medians of R.
 *
 * The machine may be shared: the lines carry the 1-minute load average, and "cores" (CPU
 * seconds over wall seconds) shows how much of the machine a sweep got. Linux groups CPU
 * time by session (autogroup), so under other sessions' load a pool of threads does not get
 * more of the machine than one thread does, and the measured speed-up collapses.
 * `--wait-for-quiet SECONDS` first waits up to that long for the load to fall below 1.5.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { freePort, havePostgres, startPostgres } from "../spec/sweep/postgres.ts"
import { snapshotProgram } from "../spec/sweep/snapshot.ts"
import { flag, median } from "./_util.ts"

const QUIET_LOAD = 1.5
const load = (): number => loadavg()[0]!

/**
 * Run the fixture CLI; resolves with its wall-clock seconds and the CPU seconds of the whole
 * process, worker threads included (a preloaded module writes `process.cpuUsage()` on exit).
 */
const fsvIn = (cli: string, dir: string) => {
  const preload = join(dir, "cpu-on-exit.mjs")
  writeFileSync(preload, [
    `import { writeFileSync } from "node:fs"`,
    `process.on("exit", () => { const u = process.cpuUsage(); writeFileSync(process.env.FSV_BENCH_CPU, String((u.user + u.system) / 1e6)) })`
  ].join("\n"))
  let calls = 0
  return (args: ReadonlyArray<string>): Promise<{ readonly wall: number; readonly cpu: number }> =>
    new Promise((resolve, reject) => {
      const cpuFile = join(dir, `cpu-${calls++}.txt`)
      const t0 = performance.now()
      const child = spawn(process.execPath, ["--import", pathToFileURL(preload).href, cli, ...args], {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, FSV_BENCH_CPU: cpuFile }
      })
      let err = ""
      child.stderr.on("data", (d: Buffer) => (err += d.toString()))
      child.once("exit", (code) =>
        code === 0
          ? resolve({ wall: (performance.now() - t0) / 1000, cpu: Number(readFileSync(cpuFile, "utf8")) })
          : reject(new Error(`fsv ${args.join(" ")} exited ${code}: ${err}`))
      )
    })
}

const perHour = (runs: number, seconds: number): number => (runs / seconds) * 3600

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const runs = Number(flag(args, "--runs") ?? 4)
  const steps = Number(flag(args, "--steps") ?? 6000)
  const repeats = Number(flag(args, "--repeats") ?? 3)
  const clusterRuns = Number(flag(args, "--cluster-runs") ?? 12)
  const waitQuiet = Number(flag(args, "--wait-for-quiet") ?? 0)
  const cores = availableParallelism()
  const out = (line: string) => process.stdout.write(`${line}\n`)

  const deadline = Date.now() + waitQuiet * 1000
  while (load() >= QUIET_LOAD && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5000))
  if (load() >= QUIET_LOAD) out(`note: the 1-minute load is ${load().toFixed(1)} (≥ ${QUIET_LOAD}): other work shares the ${cores} cores; figures are lower than on a quiet machine`)

  const program = snapshotProgram()
  const dir = mkdtempSync(join(tmpdir(), "fsv-bench-sweep-"))
  const fsvTimed = fsvIn(program.cli, dir)
  const fsv = (args: ReadonlyArray<string>) => fsvTimed(args).then((t) => t.wall)
  let stores = 0
  const freshStore = () => join(dir, `store-${stores++}`)

  /** A spec of `n` count-fit runs with seeds from `firstSeed` (distinct seeds: distinct keys). */
  const specFile = (name: string, n: number, s: number, firstSeed = 1): string => {
    const file = join(dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({
      name,
      stage: "count-fit",
      base: { steps: s, holdMs: 0, lr: 0.05 },
      grid: { seed: Array.from({ length: n }, (_, i) => firstSeed + i) }
    }))
    return file
  }

  /** Medians over `repeats` sweeps of `spec` with `jobs` threads, each into a fresh store: wall and CPU seconds, and the load. */
  const timed = async (spec: string, jobs: number) => {
    const walls: Array<number> = []
    const cpus: Array<number> = []
    const loads: Array<number> = []
    for (let r = 0; r < repeats; r++) {
      loads.push(load())
      const t = await fsvTimed(["sweep", spec, "--store", freshStore(), "--jobs", String(jobs)])
      walls.push(t.wall)
      cpus.push(t.cpu)
    }
    return { seconds: median(walls), all: walls, cpu: median(cpus), load: median(loads) }
  }
  type Timed = Awaited<ReturnType<typeof timed>>
  const show = (xs: ReadonlyArray<number>) => xs.map((x) => x.toFixed(1)).join(", ")

  try {
    const spec = specFile("bench", runs, steps)
    const pool = Math.min(cores, runs)
    // the fixed cost of each mode: as many one-step runs as it has threads (the pool starts no more threads than runs)
    const fixedSequential = await timed(specFile("fixed-1", 1, 1, 9000), 1)
    const fixedPool = await timed(specFile(`fixed-${pool}`, pool, 1, 9100), pool)
    const sequential = await timed(spec, 1)
    const parallel = await timed(spec, pool)
    const row = (label: string, t: Timed, n: number | undefined) =>
      out(
        `  ${label.padEnd(40)} ${t.seconds.toFixed(1).padStart(6)} s ${n === undefined ? "" : perHour(n, t.seconds).toFixed(0).padStart(6)}`.padEnd(58) +
          `${t.cpu.toFixed(1).padStart(6)} s ${(t.cpu / t.seconds).toFixed(2).padStart(5)}  ${t.load.toFixed(1).padStart(5)}   [${show(t.all)}]`
      )
    out(`sweep of ${runs} count-fit runs × ${steps} Adam steps, whole fsv sweep processes, medians of ${repeats}:`)
    out(`  ${"".padEnd(40)} ${"wall".padStart(8)} ${"runs/h".padStart(6)}`.padEnd(58) + `${"CPU".padStart(8)} cores  load    [wall of each repetition]`)
    row("fixed cost, 1 one-step run", fixedSequential, undefined)
    row(`fixed cost, ${pool} one-step runs (--jobs ${pool})`, fixedPool, undefined)
    row("one after another (--jobs 1)", sequential, runs)
    row(`on ${pool} threads (--jobs ${pool})`, parallel, runs)
    out(`  speed-up from the cores: ${(sequential.seconds / parallel.seconds).toFixed(2)}× (at most ${pool}×); "cores" is CPU / wall: what the sweep got of the machine`)
    const cpuPerRun = (t: Timed, fixed: Timed) => (t.cpu - fixed.cpu) / runs
    // an idle machine: the start-up of a one-run sweep is serial, every other CPU second spreads over the threads
    const idle = {
      sequential: sequential.cpu,
      pool: fixedSequential.cpu + (parallel.cpu - fixedSequential.cpu) / pool
    }
    out(
      `  CPU per run net of the fixed cost: ${cpuPerRun(sequential, fixedSequential).toFixed(2)} s one after another, ${cpuPerRun(parallel, fixedPool).toFixed(2)} s on the pool.\n` +
        `  Estimate for an idle machine from the CPU seconds (a one-run start-up serial, the rest spread over ${pool} threads): ` +
        `${perHour(runs, idle.sequential).toFixed(0)} against ${perHour(runs, idle.pool).toFixed(0)} runs/h, ${(idle.sequential / idle.pool).toFixed(2)}×`
    )

    if (!havePostgres()) {
      out("cluster overhead: skipped (no PostgreSQL server binaries; apt-get install postgresql-15)")
      return
    }
    const pg = await startPostgres()
    const m = clusterRuns
    const port = await freePort()
    const runner = spawn(process.execPath, [
      program.cli, "runner", "--cluster", pg.url, "--store", join(dir, "cluster"), "--jobs", "1",
      "--host", "127.0.0.1", "--port", String(port), "--listen-host", "127.0.0.1"
    ], { stdio: "ignore" })
    try {
      const slopes = { local: [] as Array<number>, cluster: [] as Array<number> }
      const loads: Array<number> = []
      let last = ""
      for (let r = 0; r < repeats; r++) {
        // fresh seeds every repetition: the runner's store already holds the earlier ones
        const small = specFile(`small-${r}`, m, 1, 100_000 * (r + 1))
        const large = specFile(`large-${r}`, 2 * m, 1, 100_000 * (r + 1) + 50_000)
        loads.push(load())
        const local = [
          await fsv(["sweep", small, "--store", freshStore(), "--jobs", "1"]),
          await fsv(["sweep", large, "--store", freshStore(), "--jobs", "1"])
        ]
        const cluster = [await fsv(["sweep", small, "--cluster", pg.url]), await fsv(["sweep", large, "--cluster", pg.url])]
        slopes.local.push((local[1]! - local[0]!) / m)
        slopes.cluster.push((cluster[1]! - cluster[0]!) / m)
        last = large
      }
      const again = await fsv(["sweep", last, "--cluster", pg.url])
      const ms = (xs: ReadonlyArray<number>) => `${(median(xs) * 1000).toFixed(0)} ms per run  [${xs.map((x) => (x * 1000).toFixed(0)).join(", ")}]`
      const overheads = slopes.cluster.map((c, i) => c - slopes.local[i]!)
      out(
        `cluster path: sweeps of ${m} and ${2 * m} one-step runs, one runner with one thread (already started); slope of the wall time, medians of ${repeats}, load ${median(loads).toFixed(1)}:\n` +
          `  local --jobs 1: ${ms(slopes.local)}\n` +
          `  cluster:        ${ms(slopes.cluster)}\n` +
          `  overhead of the cluster path per run: ${ms(overheads)}\n` +
          `  resubmitting a finished ${2 * m}-run sweep: ${again.toFixed(1)} s (nothing computed)`
      )
    } finally {
      runner.kill("SIGKILL")
      pg.stop()
    }
  } finally {
    program.remove()
    rmSync(dir, { recursive: true, force: true })
  }
}
