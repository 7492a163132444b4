/**
 * `npm run bench -- <name> [args…]`: runs `bench/<name>.ts`, whose `run(args)` prints its figures.
 * Benchmarks print medians and ratios measured in one run; no timed tests anywhere.
 */
import { readdirSync } from "node:fs"
import { withAllocatorSettings } from "../src/runtime/allocator.ts"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

withAllocatorSettings() // what `fsv` runs with (src/runtime/allocator.ts); FSV_MALLOC=system for glibc's defaults
const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "main.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort()

const [name, ...args] = process.argv.slice(2)
if (name === undefined || !available.includes(name)) {
  process.stderr.write(
    `${name === undefined ? "No benchmark named." : `Unknown benchmark "${name}".`} ` +
      `Run one of: ${available.map((b) => `npm run bench -- ${b}`).join(", ") || "(none yet)"}.\n`
  )
  process.exit(2)
}
const mod = (await import(join(here, `${name}.ts`))) as { run: (args: ReadonlyArray<string>) => Promise<void> }
try {
  await mod.run(args)
} catch (e) {
  // A typed failure (a bad --maps file, an unknown name) says what is wrong: print that, not a stack.
  if (e instanceof Error && typeof (e as { _tag?: unknown })._tag === "string") {
    process.stderr.write(`error: ${e.message}\n`)
    process.exit(1)
  }
  throw e
}
