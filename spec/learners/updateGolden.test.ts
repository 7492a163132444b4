/**
 * Every learner of every experiment, every FSV stop-gradient mode included, trained for a few
 * updates on the wasm backend (`spec/fixtures/learnerRuns.ts`), hashed, and compared with
 * `updateGolden.json`.
 *
 * This is a regression golden, not a correctness check: the digests were written by this file
 * (`FSV_WRITE_GOLDEN=1`) at commit 72bd920, before the tree was restructured (issue 16), so that
 * the move — and any later change meant to leave the numbers alone — shows here if it changes a
 * bit of any learner's training. The correctness of each learner is tested elsewhere against
 * plain-loop float64 references (spec/learners, spec/quadratics, spec/smac-train).
 */
import { readFileSync, writeFileSync } from "node:fs"
import * as tf from "@tensorflow/tfjs"
import "@tensorflow/tfjs-backend-wasm"
import { beforeAll, describe, expect, it } from "vitest"
import { type LearnerRun, MATRIX_RUNS, QUADRATICS_RUNS, SMAC_RUNS } from "../fixtures/learnerRuns.ts"

const GOLDEN = new URL("./updateGolden.json", import.meta.url)
const write = process.env["FSV_WRITE_GOLDEN"] === "1"
const golden: Record<string, string> = write ? {} : JSON.parse(readFileSync(GOLDEN, "utf8"))
const got: Record<string, string> = {}

beforeAll(async () => {
  await tf.setBackend("wasm")
  await tf.ready()
})

const check = (run: LearnerRun): void => {
  const digest = run.digest()
  got[run.key] = digest
  if (write) writeFileSync(GOLDEN, JSON.stringify(got, null, 2) + "\n")
  else expect(digest, run.key).toBe(golden[run.key])
}

describe("matrix learners (60 steps, two seeds)", () => {
  it.each(MATRIX_RUNS.map((r) => [r.key, r] as const))("%s", (_, run) => check(run))
})

describe("quadratics learners (60 steps, two seeds)", () => {
  it.each(QUADRATICS_RUNS.map((r) => [r.key, r] as const))("%s", (_, run) => check(run))
})

describe("SMAC learners (3m, 600 steps)", () => {
  it.each(SMAC_RUNS.map((r) => [r.key, r] as const))("%s", (_, run) => check(run))
})
