#!/usr/bin/env node
// The `fsv` command. In a checkout it runs src/cli/main.ts with a Node that strips TypeScript
// types (>= 22.18); on an older Node it re-executes itself with the Node 24 this package pins
// (the `node` dev dependency), or says what to install. Before loading the command line it may
// re-execute itself once with glibc's malloc settings for training (src/runtime/allocator.ts). An installed package runs its compiled
// dist/, which needs Node >= 20 (package.json's engines), on whatever Node runs this file.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
// An installed package runs its compiled dist/; a checkout runs its TypeScript sources.
const built = join(root, "dist", "src", "cli", "main.js")
const main = existsSync(join(root, "src", "cli", "main.ts")) ? join(root, "src", "cli", "main.ts") : built
const [major, minor] = process.versions.node.split(".").map(Number)
const modern = major > 22 || (major === 22 && minor >= 18)

if (modern || main === built) {
  // glibc's malloc settings for training (src/runtime/allocator.ts): may re-execute this process once.
  const allocator = await import(main === built ? join(root, "dist", "src", "runtime", "allocator.js") : join(root, "src", "runtime", "allocator.ts"))
  allocator.withAllocatorSettings()
  const cli = await import(main)
  cli.runFsv()
} else {
  const pinned = join(root, "node_modules", "node", "bin", "node")
  if (!existsSync(pinned)) {
    process.stderr.write(
      `error: fsv needs Node >= 22.18 (this is ${process.version}). ` +
        `Run \`npm ci\` in ${root} to get the pinned Node 24, or install Node 24.\n`
    )
    process.exit(1)
  }
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" }) // this launcher again, on the pinned Node
  process.exit(r.status ?? 1)
}
