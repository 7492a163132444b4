/**
 * `fsv reproduce quadratics` as a standalone program, for tests, until the command is
 * registered under `fsv reproduce` (src/cli/reproduce.ts): `node spec/quadratics/cli.ts
 * reproduce quadratics [flags…]` behaves as `fsv reproduce quadratics [flags…]`.
 */
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { quadraticsCommand } from "../../src/cli/reproduceQuadratics.ts"
import { runCli } from "../../src/cli/run.ts"

const cli = Command.make("fsv").pipe(
  Command.withSubcommands([Command.make("reproduce").pipe(Command.withSubcommands([quadraticsCommand]))])
)

runCli(Command.run(cli, { version: "0.1.0" }).pipe(Effect.provide(NodeServices.layer)))
