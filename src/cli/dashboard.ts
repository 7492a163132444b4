/**
 * `fsv dashboard [--store DIR] [--port N] [--host H]`: a local web page over an artifact store:
 * artifacts with their key fields, live curves of runs in progress, figures of any selection
 * banded over seeds, config diffs, reports, figures and replay pages, sweeps. Read-only; binds
 * to 127.0.0.1 unless --host says otherwise. Stops with Ctrl-C.
 */
import { createServer } from "node:http"
import { resolve } from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpServer } from "effect/http"
import { experimentFigures } from "../../pipelines/stages.ts"
import { checkStore } from "../dashboard/Catalog.ts"
import { dashboardApp } from "../dashboard/Server.ts"
import { storeFlag } from "./flags.ts"

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"])

export const dashboardCommand = Command.make(
  "dashboard",
  {
    store: storeFlag,
    port: Flag.Int("port").pipe(Flag.withDescription("Port to listen on (default 8787; 0 picks a free one)."), Flag.withDefault(8787)),
    host: Flag.String("host").pipe(
      Flag.withDescription("Address to bind (default 127.0.0.1, this machine only). Another address lets anyone who reaches it read the store."),
      Flag.withDefault("127.0.0.1")
    )
  },
  ({ store, port, host }) =>
    Effect.gen(function*() {
      const root = resolve(store)
      yield* checkStore(root)
      if (!LOOPBACK.has(host)) yield* Console.error(`fsv dashboard: listening on ${host}: anyone who can reach this address can read ${root}`)
      const log = (line: string) => process.stderr.write(`fsv dashboard: ${line}\n`)
      const app = dashboardApp({ root, experiments: experimentFigures, log })
      const announce = Layer.effectDiscard(
        HttpServer.addressFormattedWith((address) => Console.log(`fsv dashboard: ${address}/ (store ${root}; Ctrl-C stops)`))
      )
      const server = NodeHttpServer.layer(() => createServer(), { port, host })
      return yield* Layer.launch(Layer.mergeAll(HttpServer.serve(app), announce).pipe(Layer.provide(server)))
    })
).pipe(Command.withDescription("A local web page over an artifact store: artifacts, live curves, comparisons, config diffs, reports and replays (read-only)."))
