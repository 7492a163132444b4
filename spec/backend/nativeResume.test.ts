/**
 * Checkpoint and resume on the node backend, where the committed 3s_vs_5z runs trained and were
 * resumed across sessions: a run stopped part-way and resumed in a fresh trainer ends with the
 * bytes of one that never stopped (spec/smac-train/resume.test.ts checks the same on the default
 * backend).
 */
import { it } from "vitest"
import { describeNative } from "../fixtures/native.ts"
import { useNativeBackend } from "../fixtures/nativeBackend.ts"
import { resumeOptions, resumesExactly } from "../fixtures/smacResume.ts"

describeNative("checkpoint and resume on the node backend", () => {
  useNativeBackend()

  it.each([["qmix", 0], ["fsv", 0], ["qmix", 0.6]] as const)("%s (tdLambda %s): resumed from a checkpoint, the same bytes as an uninterrupted run", (algo, tdLambda) =>
    resumesExactly(resumeOptions(algo, tdLambda), 400))
})
