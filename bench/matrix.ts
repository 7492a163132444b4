/**
 * `npm run bench -- matrix [--steps N] [--no-full] [--backend NAME]`
 *
 * Per learner of the default reproduction (5 seeds; FSV with its three α0 values, 15
 * replicas), trained in this thread for N environment steps (default 2000): the median over
 * chunks of 250 steps of milliseconds per update and updates per second. Then the wall time
 * of the whole default reproduction (20,000 steps, every learner, FSV_JOBS threads, default
 * up to 2), unless --no-full.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer } from "effect"
import { matrixConfig, matrixPrograms } from "../pipelines/matrix/stage.ts"
import { Backend, type BackendName } from "../src/backend/Backend.ts"
import { MATRIX_CHUNK, matrixProgramModule, matrixProgramTrainer } from "../pipelines/matrix/program.ts"
import { trainPrograms, jobsFromEnv } from "../src/runtime/pool.ts"
import { flag, median } from "./_util.ts"

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const steps = Number(flag(args, "--steps") ?? 2000)
  const backend = (flag(args, "--backend") ?? "wasm") as BackendName
  await Effect.runPromise(Effect.scoped(Layer.build(Backend.layer(backend))))
  const out = (line: string) => process.stdout.write(`${line}\n`)
  out(`matrix learners on ${tf.getBackend()}, ${steps} steps each in one thread (median over chunks of ${MATRIX_CHUNK} steps)`)
  out(`learner      replicas  updates/s  ms/update`)
  for (const spec of matrixPrograms(matrixConfig({ steps }))) {
    const trainer = matrixProgramTrainer(spec)
    const perUpdate: Array<number> = []
    while (!trainer.done()) {
      const u0 = trainer.updatesDone()
      const t0 = performance.now()
      trainer.advance(MATRIX_CHUNK)
      const du = trainer.updatesDone() - u0
      if (du > 0) perUpdate.push((performance.now() - t0) / du)
    }
    trainer.dispose()
    const ms = median(perUpdate)
    out(`${spec.algo.padEnd(12)} ${String(spec.slices.length).padStart(8)}  ${(1000 / ms).toFixed(0).padStart(9)}  ${ms.toFixed(2).padStart(9)}`)
  }
  if (args.includes("--no-full")) return
  const config = matrixConfig()
  const jobs = jobsFromEnv()
  out(`whole default reproduction: ${config.runs.length} learner variants × ${config.seeds.length} seeds × ${config.steps} steps on ${jobs} thread(s)…`)
  const t0 = performance.now()
  await Effect.runPromise(trainPrograms(matrixProgramModule, matrixPrograms(config), { jobs, backend }))
  out(`whole default reproduction: ${((performance.now() - t0) / 1000).toFixed(1)} s wall`)
}
