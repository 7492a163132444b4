/**
 * `fsv sweep SPEC`, `fsv sweep status SPEC` and `fsv runner`: grids of runs on this machine
 * or on a cluster of runners sharing a PostgreSQL database (see `src/sweep/` and
 * docs/sweep.md).
 */
import { availableParallelism, hostname } from "node:os"
import { resolve } from "node:path"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { resolveBackendName } from "../backend/Backend.ts"
import { announceNativeHint } from "../backend/nativeHint.ts"
import { Progress } from "../progress/Progress.ts"
import { artifactDir } from "../store/ArtifactStore.ts"
import { journalPath, processAlive, readJournal } from "../sweep/Board.ts"
import { readClusterBoard, runnerProgram, submitCluster } from "../sweep/Cluster.ts"
import { sweepLocal } from "../sweep/Local.ts"
import { planSweep, type SweepPlan } from "../sweep/Plan.ts"
import type { StageRegistry } from "../sweep/Registry.ts"
import { fsvRegistry } from "../../pipelines/stages.ts"
import { readSpec } from "../sweep/Spec.ts"
import { statusLines, viewPlan } from "../sweep/Status.ts"
import type { SweepOutcome } from "../sweep/Workflow.ts"

/** Some runs of a sweep (or its summary) did not produce their artifacts. */
export class SweepFailed extends Schema.TaggedError<SweepFailed>()("SweepFailed", {
  name: Schema.String,
  total: Schema.Int,
  failed: Schema.Array(Schema.Struct({ run: Schema.String, reason: Schema.String }))
}) {
  override get message(): string {
    const shown = this.failed.slice(0, 5).map((f) => `${f.run}: ${f.reason}`)
    const more = this.failed.length > shown.length ? `; and ${this.failed.length - shown.length} more` : ""
    return `Sweep ${this.name}: ${this.failed.length} of ${this.total} runs failed (${shown.join("; ")}${more}). ` +
      `The other runs are in the store; fix the cause and submit the sweep again to compute only what is missing ` +
      `(\`fsv sweep status\` lists every run).`
  }
}

const label = (plan: SweepPlan, key: string): string => {
  const run = plan.runs.find((r) => r.item.key === key)
  if (!run) return "summary"
  return `run ${run.index} (${Object.entries(run.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")})`
}

/** Fail with `SweepFailed` unless every run and the summary succeeded; else the summary's digest. */
export const checkOutcome = (plan: SweepPlan, outcome: SweepOutcome): Effect.Effect<{ digest: string; computed: number }, SweepFailed> => {
  const failed = [...outcome.runs, ...(outcome.summary ? [outcome.summary] : [])]
    .filter((r) => r.error !== undefined)
    .map((r) => ({ run: label(plan, r.key), reason: r.error! }))
  const summary = outcome.summary?.result
  if (failed.length > 0 || summary === undefined) {
    return Effect.fail(new SweepFailed({ name: plan.name, total: plan.runs.length, failed }))
  }
  return Effect.succeed({ digest: summary.digest, computed: outcome.runs.filter((r) => r.result?.cached === false).length })
}

const specArg = Argument.String("spec").pipe(Argument.withDescription("The sweep spec (JSON): stage, base config, grid, budget."))
const storeFlag = Flag.String("store").pipe(
  Flag.withDescription("The artifact store (default: artifacts). On a cluster, every runner's --store is the same shared directory."),
  Flag.optional
)
const clusterFlag = Flag.String("cluster").pipe(
  Flag.withDescription("postgres://user[:password]@host:port/database of the cluster; without it the sweep runs on this machine."),
  Flag.optional
)
const jobsFlag = Flag.Int("jobs").pipe(
  Flag.withDescription("Runs at once, each on its own thread (default: the number of cores)."),
  Flag.optional
)
const backendFlag = Flag.String("backend").pipe(
  Flag.withDescription("Tensor backend of every run: wasm (default), cpu, node, node-gpu. Also FSV_BACKEND."),
  Flag.optional
)

const DEFAULT_STORE = "artifacts"

const planFrom = (registry: StageRegistry, spec: string, backend: Option.Option<string>) =>
  Effect.gen(function*() {
    const backendName = yield* resolveBackendName(Option.getOrUndefined(backend))
    const decoded = yield* readSpec(spec)
    return yield* planSweep(decoded, registry, { file: spec, backend: backendName })
  })

/** The `sweep` and `runner` commands over a stage registry (tests pass their own). */
export const makeSweepCommands = (registry: StageRegistry) => {
  const status = Command.make(
    "status",
    { spec: specArg, store: storeFlag, cluster: clusterFlag, backend: backendFlag },
    ({ spec, store, cluster, backend }) =>
      Effect.gen(function*() {
        const plan = yield* planFrom(registry, spec, backend)
        const views = yield* Option.match(cluster, {
          onNone: () =>
            Effect.gen(function*() {
              const root = resolve(Option.getOrElse(store, () => DEFAULT_STORE))
              const journal = yield* readJournal(journalPath(root, plan.id))
              return viewPlan(plan, new Map(Object.entries(journal?.runs ?? {})), {
                storeRoot: root,
                ownerAlive: journal === undefined ? undefined : processAlive(journal.pid)
              })
            }),
          onSome: (url) =>
            Effect.map(
              readClusterBoard(url, [...plan.runs.map((r) => r.item.key), plan.summary.key]),
              (states) => viewPlan(plan, states, { storeRoot: Option.getOrUndefined(Option.map(store, (s) => resolve(s))) })
            )
        })
        for (const line of statusLines(plan, views)) yield* Console.log(line)
      })
  ).pipe(Command.withDescription("List a sweep's runs and their states: done (in the store), running (where), failed (why), pending."))

  const sweep = Command.make(
    "sweep",
    { spec: specArg, jobs: jobsFlag, cluster: clusterFlag, store: storeFlag, backend: backendFlag },
    ({ spec, jobs, cluster, store, backend }) =>
      Effect.gen(function*() {
        const plan = yield* planFrom(registry, spec, backend)
        if (plan.stage === "smac") yield* announceNativeHint("smac", Option.getOrUndefined(backend))
        const { outcome, finishedBefore } = yield* Option.match(cluster, {
          onNone: () =>
            sweepLocal(plan, {
              jobs: Option.getOrElse(jobs, () => availableParallelism()),
              root: resolve(Option.getOrElse(store, () => DEFAULT_STORE)),
              registry
            }),
          onSome: (url) => submitCluster(plan, { url })
        })
        const { digest, computed } = yield* checkOutcome(plan, outcome)
        yield* Console.log(
          finishedBefore
            ? `sweep ${plan.name}: ${plan.runs.length} runs, finished by an earlier submission (nothing computed now); summary ${digest}`
            : `sweep ${plan.name}: ${plan.runs.length} runs, ${computed} computed, ${plan.runs.length - computed} already in the store; summary ${digest}`
        )
        const root = Option.isSome(cluster) ? Option.getOrUndefined(store) : Option.getOrElse(store, () => DEFAULT_STORE)
        yield* Console.log(root === undefined ? `sweep-summary/${digest}` : artifactDir(resolve(root), "sweep-summary", digest))
      }).pipe(Effect.provide(Progress.stderr))
  ).pipe(
    Command.withDescription(
      "Expand a sweep spec into runs of one stage and compute the missing ones: on this machine with --jobs threads, " +
        "or with --cluster on the runners of a PostgreSQL-backed cluster. The last line is the summary artifact."
    ),
    Command.withSubcommands([status])
  )

  const runner = Command.make(
    "runner",
    {
      cluster: Flag.String("cluster").pipe(Flag.withDescription("postgres://user[:password]@host:port/database of the cluster.")),
      store: Flag.String("store").pipe(Flag.withDescription("The shared artifact store (the same directory on every runner).")),
      jobs: jobsFlag,
      host: Flag.String("host").pipe(
        Flag.withDescription("Address other runners reach this one at (default: this host's name)."),
        Flag.optional
      ),
      port: Flag.Int("port").pipe(Flag.withDescription("Port of the runner's socket server (default 34431)."), Flag.withDefault(34431)),
      listenHost: Flag.String("listen-host").pipe(
        Flag.withDescription("Interface to listen on (default 0.0.0.0)."),
        Flag.withDefault("0.0.0.0")
      )
    },
    ({ cluster, store, jobs, host, port, listenHost }) =>
      runnerProgram({
        url: cluster,
        root: resolve(store),
        jobs: Option.getOrElse(jobs, () => availableParallelism()),
        host: Option.getOrElse(host, () => hostname()),
        port,
        listenHost,
        registry
      }).pipe(Effect.provide(Progress.stderr))
  ).pipe(
    Command.withDescription(
      "Join a sweep cluster: execute its runs with --jobs threads until stopped. Start any number, on any hosts that reach the database and the store."
    )
  )

  return { sweepCommand: sweep, runnerCommand: runner }
}

export const { sweepCommand, runnerCommand } = makeSweepCommands(fsvRegistry)
