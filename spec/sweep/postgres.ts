/**
 * A throwaway PostgreSQL for cluster tests and the bench: Debian's server binaries, a
 * temporary data directory, loopback only, a free port, trust authentication, no fsync.
 * `initdb` refuses to run as root, so as root the server runs as the `postgres` user.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** FSV_PG_BIN, else Debian's PostgreSQL 15, else the newest /usr/lib/postgresql/<version>/bin. */
export const PG_BIN = ((): string => {
  const fromEnv = process.env["FSV_PG_BIN"]
  if (fromEnv) return fromEnv
  const debian = "/usr/lib/postgresql/15/bin"
  if (existsSync(join(debian, "initdb"))) return debian
  const versions = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql").filter((v) => existsSync(join("/usr/lib/postgresql", v, "bin", "initdb")))
    : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  return newest === undefined ? debian : join("/usr/lib/postgresql", newest, "bin")
})()

export const havePostgres = (): boolean => existsSync(join(PG_BIN, "initdb")) && existsSync(join(PG_BIN, "pg_ctl"))

/** A TCP port nobody listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))))
    })
  })

export interface TestPostgres {
  readonly url: string
  readonly port: number
  readonly dir: string
  /** Stop the server and remove its directory (idempotent, synchronous: safe in exit handlers). */
  readonly stop: () => void
}

const postgresUser = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim())
  try {
    return { uid: id("-u"), gid: id("-g") }
  } catch {
    throw new Error("running as root, but there is no `postgres` user to run the PostgreSQL server as (initdb refuses root)")
  }
}

export const startPostgres = async (): Promise<TestPostgres> => {
  if (!havePostgres()) throw new Error(`PostgreSQL server binaries not found in ${PG_BIN} (apt-get install postgresql-15)`)
  const dir = mkdtempSync(join(tmpdir(), "fsv-pg-"))
  const user = postgresUser()
  if (user) chownSync(dir, user.uid, user.gid)
  const run = (bin: string, args: ReadonlyArray<string>) => {
    const [cmd, argv] = user ? ["runuser", ["-u", "postgres", "--", join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), [...args]]
    const r = spawnSync(cmd as string, argv as Array<string>, { encoding: "utf8", cwd: dir })
    if (r.status !== 0) throw new Error(`${bin} failed (${r.status}): ${r.stderr || r.stdout}`)
  }
  const data = join(dir, "data")
  const port = await freePort()
  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    run("initdb", ["-D", data, "-A", "trust", "-U", "fsv", "-E", "UTF8", "--locale=C", "--no-sync"])
    run("pg_ctl", [
      "-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60",
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      "start"
    ])
  } catch (e) {
    stop()
    throw e
  }
  process.once("exit", stop)
  return { url: `postgres://fsv@127.0.0.1:${port}/postgres`, port, dir, stop }
}
