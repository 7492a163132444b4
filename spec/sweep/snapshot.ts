/**
 * A frozen copy of the program for tests that spawn processes: package.json, the lockfile,
 * src/, pipelines/ and spec/fixtures/, with node_modules linked. Artifact keys include a
 * digest of the sources, computed by each process (and worker thread) when it starts; in a
 * checkout that is being edited, two processes of one test could otherwise disagree.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const repo = join(import.meta.dirname, "../..")

export interface Snapshot {
  readonly root: string
  /** The fixture CLI (`fsv sweep` / `fsv runner` with the test stages) inside the copy. */
  readonly cli: string
  /** Delete the copy (the node_modules link, not what it points to). */
  readonly remove: () => void
}

export const snapshotProgram = (): Snapshot => {
  const root = mkdtempSync(join(tmpdir(), "fsv-program-"))
  for (const file of ["package.json", "package-lock.json"]) {
    if (existsSync(join(repo, file))) cpSync(join(repo, file), join(root, file))
  }
  for (const dir of ["src", "pipelines", "spec/fixtures"]) {
    if (existsSync(join(repo, dir))) cpSync(join(repo, dir), join(root, dir), { recursive: true })
  }
  symlinkSync(join(repo, "node_modules"), join(root, "node_modules"), "dir")
  const remove = () => rmSync(root, { recursive: true, force: true })
  process.once("exit", remove)
  return { root, cli: join(root, "spec/fixtures/sweepCli.ts"), remove }
}
