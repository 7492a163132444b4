/**
 * The commit a checkout is at, read from its `.git` without running git: so a record (a
 * checkpoint, say) can name the code that wrote it. Handles a plain clone and a worktree
 * (`.git` a file `gitdir: …` whose `commondir` holds the refs), a detached HEAD, loose and packed
 * refs. `null` where there is no git checkout (an npm install) or it cannot be read.
 */
import { readFileSync, statSync } from "node:fs"
import { join, resolve } from "node:path"

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return undefined
  }
}

export const gitCommit = (root: string): string | null => {
  const dotGit = join(root, ".git")
  let gitDir: string
  try {
    gitDir = statSync(dotGit).isDirectory() ? dotGit : resolve(root, /^gitdir: (.*)$/m.exec(read(dotGit) ?? "")?.[1]?.trim() ?? "")
  } catch {
    return null
  }
  const head = read(join(gitDir, "HEAD"))?.trim()
  if (head === undefined) return null
  if (/^[0-9a-f]{40}$/.test(head)) return head
  const ref = /^ref: (.*)$/.exec(head)?.[1]
  if (ref === undefined) return null
  const common = resolve(gitDir, read(join(gitDir, "commondir"))?.trim() ?? ".")
  for (const dir of [gitDir, common]) {
    const loose = read(join(dir, ref))?.trim()
    if (loose !== undefined && /^[0-9a-f]{40}$/.test(loose)) return loose
  }
  const packed = read(join(common, "packed-refs"))?.split("\n").find((l) => l.endsWith(` ${ref}`))
  return packed !== undefined ? packed.slice(0, 40) : null
}
