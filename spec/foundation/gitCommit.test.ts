/**
 * gitCommit reads the commit a checkout is at without running git: checked against `git
 * rev-parse HEAD` (the reference) on real repositories in a temporary directory, for a branch
 * with a loose ref, the same after `git pack-refs`, a detached HEAD and a linked worktree; and
 * null where there is no repository.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { gitCommit } from "../../src/store/gitCommit.ts"

const root = mkdtempSync(join(tmpdir(), "fsv-git-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const git = (cwd: string, ...args: Array<string>): string =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" }).trim()
const head = (cwd: string): string => git(cwd, "rev-parse", "HEAD")

describe("gitCommit", () => {
  const repo = join(root, "repo")
  execFileSync("mkdir", ["-p", repo])
  git(repo, "init", "-q")
  writeFileSync(join(repo, "a"), "1")
  git(repo, "add", "a")
  git(repo, "commit", "-qm", "one")
  writeFileSync(join(repo, "a"), "2")
  git(repo, "commit", "-qam", "two")

  it("a branch with a loose ref, then packed", () => {
    expect(gitCommit(repo)).toBe(head(repo))
    git(repo, "pack-refs", "--all")
    expect(gitCommit(repo)).toBe(head(repo))
  })

  it("a linked worktree on a detached HEAD, and the main checkout detached", () => {
    const tree = join(root, "tree")
    git(repo, "worktree", "add", "-q", "--detach", tree, "HEAD~1")
    expect(gitCommit(tree)).toBe(head(tree))
    expect(gitCommit(tree)).not.toBe(head(repo))
    git(repo, "checkout", "-q", "--detach", "HEAD~1")
    expect(gitCommit(repo)).toBe(head(repo))
  })

  it("a worktree on its own branch: the ref lives in the common directory", () => {
    const tree = join(root, "tree2")
    git(repo, "worktree", "add", "-q", "-b", "side", tree, "main")
    writeFileSync(join(tree, "a"), "3")
    git(tree, "commit", "-qam", "three")
    expect(gitCommit(tree)).toBe(head(tree))
  })

  it("null outside a repository", () => {
    expect(gitCommit(join(root, "nowhere"))).toBeNull()
  })
})
