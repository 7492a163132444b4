/** The fsv-ts package's root directory (where its package.json is), found upward from this file. */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const findPackageRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }
      if (pkg.name === "fsv-ts") return dir
    } catch {
      // keep walking up
    }
    const up = dirname(dir)
    if (up === dir) throw new Error("fsv-ts: cannot find the package root above " + fileURLToPath(import.meta.url))
    dir = up
  }
}
