/**
 * The sweep on many machines: effect/cluster runners share a PostgreSQL database that holds
 * the cluster's message and runner storage (`SqlMessageStorage`, `SqlRunnerStorage`), the
 * run queue (`PersistedQueue.layerStoreSql`) and the board. `ClusterWorkflowEngine` makes
 * each workflow execution an entity sharded over the live runners; when a runner dies, its
 * shards move to the others, which replay the workflows from storage, and its queue locks
 * lapse, so another runner takes its run again. The artifact store publishes atomically, so
 * the dead runner's half-finished run leaves nothing behind.
 *
 * - `fsv runner --cluster URL --store DIR` (`runnerProgram`): a runner with a socket server
 *   at `--host:--port` that other runners reach, hosting workflow entities and draining the
 *   run queue into `--jobs` worker threads.
 * - `fsv sweep SPEC --cluster URL` (`submitCluster`): a client-only member that submits the
 *   sweep workflow and waits for its outcome, showing progress from the board.
 */
import { NodeClusterSocket } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import { type Config, Effect, Layer, Option, Redacted, Schema } from "effect"
import { ClusterWorkflowEngine, RunnerAddress, type ShardingConfig } from "effect/cluster"
import * as PersistedQueue from "effect/persistence/PersistedQueue"
import type { SocketServerError } from "effect/socket/SocketServer"
import { SqlClient, type SqlError } from "effect/sql"
import { Progress } from "../progress/Progress.ts"
import { ensureBoardTable, RunBoard } from "./Board.ts"
import type { SweepPlan } from "./Plan.ts"
import { RunPool } from "./Pool.ts"
import type { StageRegistry } from "./Registry.ts"
import { withProgress } from "./Status.ts"
import { payloadOf, runQueueWorker, type Submitted, SweepWorkflow, SweepWorkflowLayer } from "./Workflow.ts"

/** The sweep's database cannot be reached, or refuses a connection or a statement. */
export class DatabaseUnreachable extends Schema.TaggedError<DatabaseUnreachable>()("DatabaseUnreachable", {
  url: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Cannot use the sweep database ${this.url}: ${this.reason}. ` +
      `Check that PostgreSQL runs there, accepts connections from this host and lets this user create tables ` +
      `(the URL is postgres://user[:password]@host:port/database); nothing was submitted.`
  }
}

/** A runner cannot open its socket server (the port is taken, the address is not this host's). */
export class RunnerCannotListen extends Schema.TaggedError<RunnerCannotListen>()("RunnerCannotListen", {
  address: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `The runner cannot listen on ${this.address}: ${this.reason}. ` +
      `Choose another --port, or a --listen-host that is an address of this machine.`
  }
}

const describeListenError = (e: SocketServerError): string => {
  const cause = e.reason.cause as { code?: string; message?: string } | undefined
  if (cause?.code === "EADDRINUSE") return "the port is in use"
  if (cause?.code === "EADDRNOTAVAIL") return "that address is not one of this machine's"
  return cause?.message ?? e.message
}

/** The URL with its password masked, for messages. */
export const redactUrl = (url: string): string => {
  try {
    const u = new URL(url)
    if (u.password !== "") u.password = "***"
    return u.toString()
  } catch {
    return url
  }
}

const PG_CODES: Record<string, string> = {
  "3D000": "the database does not exist",
  "28P01": "password authentication failed",
  "28000": "the server refused this user or host (pg_hba.conf)",
  "57P03": "the server is starting up or shutting down",
  "53300": "too many connections"
}

/** One line for an `SqlError` from connecting. */
export const describeSqlError = (error: SqlError.SqlError): string => {
  const reason = error.reason as { message?: string; cause?: unknown }
  const cause = (reason.cause ?? {}) as { code?: string; message?: string; address?: string; port?: number }
  const code = typeof cause.code === "string" ? cause.code : undefined
  const known = code === undefined ? undefined : PG_CODES[code] ?? (code === "ECONNREFUSED" ? "connection refused" : undefined)
  const parts = [
    (reason.message ?? error.message).replace(/^PgConnection: /, ""),
    known ?? cause.message,
    code !== undefined && known === undefined ? `(${code})` : undefined
  ]
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(": ")
}

/** PostgreSQL for the cluster, checked with a first query so that a bad URL fails at once. */
const databaseLayer = (url: string) =>
  Layer.effectDiscard(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`SELECT 1`
    }).pipe(
      Effect.timeoutOrElse({
        duration: "15 seconds",
        orElse: () => Effect.fail(new DatabaseUnreachable({ url: redactUrl(url), reason: "no answer within 15 s" }))
      })
    )
  ).pipe(Layer.provideMerge(PgClient.layer({ url: Redacted.make(url), connectTimeout: "10 seconds" })))

/**
 * The typed errors of building the cluster's layers: the database's as `DatabaseUnreachable`
 * (naming it), the runner's socket server's as `RunnerCannotListen`.
 */
export const clusterErrors = (url: string, listen?: string) =>
<A, R>(
  effect: Effect.Effect<A, SqlError.SqlError | SocketServerError | Config.ConfigError | DatabaseUnreachable, R>
): Effect.Effect<A, DatabaseUnreachable | RunnerCannotListen, R> =>
  effect.pipe(
    Effect.catchTags({
      SqlError: (e) => Effect.fail(new DatabaseUnreachable({ url: redactUrl(url), reason: describeSqlError(e) })),
      SocketServerError: (e) => Effect.fail(new RunnerCannotListen({ address: listen ?? "?", reason: describeListenError(e) })),
      // the sharding configuration is all in code: a ConfigError would be a bug
      ConfigError: (e) => Effect.die(e)
    })
  )

/**
 * Cluster timings for long runs on a handful of machines: a dead runner's shards move after
 * about `shardLockExpiration`, its queue lock lapses after `QUEUE_LOCK_EXPIRATION`.
 */
export const SHARDING_TIMINGS: Partial<ShardingConfig.ShardingConfig["Service"]> = {
  shardLockRefreshInterval: "3 seconds",
  shardLockExpiration: "12 seconds",
  refreshAssignmentsInterval: "2 seconds",
  entityMessagePollInterval: "2 seconds",
  runnerHealthCheckInterval: "5 seconds"
}
export const QUEUE_LOCK_EXPIRATION = "15 seconds"

/** The run queue in the database. */
const queueLayer = PersistedQueue.layer.pipe(
  Layer.provide(
    PersistedQueue.layerStoreSql({ pollInterval: "1 second", lockRefreshInterval: "3 seconds", lockExpiration: QUEUE_LOCK_EXPIRATION })
  )
)

export type Member =
  | { readonly _tag: "Runner"; readonly host: string; readonly port: number; readonly listenHost: string }
  | { readonly _tag: "Client" }

/**
 * Sharding, the cluster workflow engine, the run queue and the board for a runner or a
 * client, over the database at `url`. Build errors: see `clusterErrors`.
 */
export const clusterLayer = (member: Member, url: string) => {
  const sharding = member._tag === "Runner"
    ? NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...SHARDING_TIMINGS,
        runnerAddress: Option.some(RunnerAddress.make(member.host, member.port)),
        runnerListenAddress: Option.some(RunnerAddress.make(member.listenHost, member.port))
      }
    })
    : NodeClusterSocket.layer({ clientOnly: true, storage: "sql", shardingConfig: { ...SHARDING_TIMINGS, runnerAddress: Option.none() } })
  return ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(sharding),
    Layer.provideMerge(queueLayer),
    Layer.provideMerge(RunBoard.sql),
    Layer.provideMerge(databaseLayer(url))
  )
}

/** The board's states of `keys` in the cluster's database, for `fsv sweep status`. */
export const readClusterBoard = (url: string, keys: ReadonlyArray<string>) =>
  Effect.flatMap(RunBoard, (board) => board.read(keys)).pipe(
    Effect.provide(RunBoard.sql.pipe(Layer.provide(databaseLayer(url)))),
    clusterErrors(url),
    Effect.catchTag("RunnerCannotListen", (e) => Effect.die(e)) // no server here
  )

/** `fsv runner`: serve until interrupted. */
export const runnerProgram = (options: {
  readonly url: string
  readonly root: string
  readonly jobs: number
  readonly host: string
  readonly port: number
  readonly listenHost: string
  readonly registry: StageRegistry
}): Effect.Effect<never, DatabaseUnreachable | RunnerCannotListen, Progress> =>
  Effect.gen(function*() {
    const progress = yield* Progress
    const label = `${options.host}:${options.port}`
    const runner = Layer.mergeAll(SweepWorkflowLayer, runQueueWorker(options.jobs, label)).pipe(
      Layer.provide(RunPool.layer({ size: options.jobs, root: options.root, registry: options.registry.module, label })),
      Layer.provideMerge(clusterLayer({ _tag: "Runner", host: options.host, port: options.port, listenHost: options.listenHost }, options.url))
    )
    const announce = Layer.effectDiscard(Effect.sync(() =>
      progress.log(`runner ${label}: ${options.jobs} worker thread(s), store ${options.root}, database ${redactUrl(options.url)}`)
    ))
    // announce once the runner is up (a layer provided to another is built first)
    return yield* Layer.launch(announce.pipe(Layer.provideMerge(runner)))
  }).pipe(clusterErrors(options.url, `${options.listenHost}:${options.port}`))

/**
 * The generation to execute: the first whose execution is absent, running, or finished
 * with every run done. A finished sweep is thereby returned as it is (nothing computes);
 * one that ended with failed runs is retried under the next generation.
 */
const currentGeneration = (plan: SweepPlan) =>
  Effect.gen(function*() {
    for (let generation = 1; ; generation++) {
      const executionId = yield* SweepWorkflow.executionId(payloadOf(plan, generation))
      const result = yield* SweepWorkflow.poll(executionId)
      if (Option.isNone(result) || result.value._tag === "Suspended") return { generation, finishedBefore: false }
      const exit = result.value.exit
      if (exit._tag === "Success" && exit.value.summary?.result !== undefined) return { generation, finishedBefore: true }
    }
  })

/** `fsv sweep SPEC --cluster URL`: submit (or join) the sweep and wait for its outcome. */
export const submitCluster = (
  plan: SweepPlan,
  options: { readonly url: string }
): Effect.Effect<Submitted, DatabaseUnreachable, Progress> =>
  Effect.gen(function*() {
    yield* ensureBoardTable.pipe(Effect.orDie)
    const board = yield* RunBoard
    const progress = yield* Progress
    const { generation, finishedBefore } = yield* currentGeneration(plan)
    const outcome = yield* withProgress(plan, board, progress, SweepWorkflow.execute(payloadOf(plan, generation)), 2000)
    return { outcome, finishedBefore }
  }).pipe(
    Effect.provide(clusterLayer({ _tag: "Client" }, options.url)),
    clusterErrors(options.url),
    Effect.catchTag("RunnerCannotListen", (e) => Effect.die(e)) // a client opens no server
  )
