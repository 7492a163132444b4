/**
 * `npm run bench -- quadratics [--seeds N] [--steps N] [--learner-steps N] [--no-full] [--backend NAME]`
 *
 * 1. Per learner, all its seeds (default 20) batched and trained in this thread for
 *    `--learner-steps` environment steps past warm-up (default 1000): the median over
 *    chunks of 100 steps of milliseconds per batched update, batched updates per second and
 *    seed-updates per second (batched updates × seeds).
 * 2. The whole default reproduction (4 learners × 20 seeds × 5000 steps on FSV_JOBS
 *    threads, default up to 2, figures included): its wall time, and each learner's own
 *    wall time and update rate inside it (threads share the cores, so these are slower than
 *    in 1). Unless --no-full.
 *
 * Wall times depend on what else runs on the machine; the numbers are measured in one run.
 */
import * as tf from "@tensorflow/tfjs"
import { Effect, Layer } from "effect"
import { runQuadratics } from "../pipelines/quadratics/stage.ts"
import { Backend, type BackendName } from "../src/backend/Backend.ts"
import { QUADRATICS_CHUNK, quadraticsProgramTrainer } from "../pipelines/quadratics/program.ts"
import { flag, median } from "./_util.ts"
import { jobsFromEnv } from "../src/runtime/pool.ts"
import { quadraticsPrograms, quadraticsConfig } from "../pipelines/quadratics/config.ts"

export const run = async (args: ReadonlyArray<string>): Promise<void> => {
  const seeds = Number(flag(args, "--seeds") ?? 20)
  const steps = Number(flag(args, "--steps") ?? 5000)
  const learnerSteps = Number(flag(args, "--learner-steps") ?? 1000)
  const backend = (flag(args, "--backend") ?? "wasm") as BackendName
  await Effect.runPromise(Effect.scoped(Layer.build(Backend.layer(backend))))
  const out = (line: string) => process.stdout.write(`${line}\n`)

  const config = quadraticsConfig({ seeds, steps })
  out(`quadratics learners on ${tf.getBackend()}, ${seeds} seeds batched, ${learnerSteps} steps past warm-up in one thread ` +
    `(median over chunks of ${QUADRATICS_CHUNK} steps)`)
  out(`learner      ms/update  updates/s  seed-updates/s`)
  for (const spec of quadraticsPrograms(config)) {
    const warmup = spec.learners[spec.algo].warmupSteps
    const trainer = quadraticsProgramTrainer({ ...spec, steps: warmup + learnerSteps })
    trainer.advance(warmup)
    const perUpdate: Array<number> = []
    while (trainer.stepsDone() < warmup + learnerSteps) {
      const u0 = trainer.updatesDone()
      const t0 = performance.now()
      trainer.advance(QUADRATICS_CHUNK)
      const du = trainer.updatesDone() - u0
      if (du > 0) perUpdate.push((performance.now() - t0) / du)
    }
    trainer.dispose()
    const ms = median(perUpdate)
    out(`${spec.algo.padEnd(12)} ${ms.toFixed(2).padStart(9)}  ${(1000 / ms).toFixed(1).padStart(9)}  ${((1000 * seeds) / ms).toFixed(0).padStart(14)}`)
  }

  if (args.includes("--no-full")) return
  const jobs = jobsFromEnv()
  out(`whole reproduction: 4 learners × ${seeds} seeds × ${steps} steps on ${jobs} thread(s), figures included…`)
  const t0 = performance.now()
  const { result, seconds } = await Effect.runPromise(runQuadratics(config, { jobs, backend }))
  const wall = (performance.now() - t0) / 1000
  for (const { algo, seconds: s } of seconds) {
    const updates = steps - config.learners[algo].warmupSteps
    out(`  ${algo.padEnd(10)} ${s.toFixed(1).padStart(7)} s  ${(updates / s).toFixed(1).padStart(7)} updates/s  ` +
      `${((updates * seeds) / s).toFixed(0).padStart(6)} seed-updates/s`)
  }
  out(`whole reproduction: ${wall.toFixed(1)} s wall (${(wall / 60).toFixed(2)} min; target < 10 min)`)
  out(`outcomes: ${Object.entries(result.table).map(([a, c]) => `${a} ${c.opt}/${c.subOpt}/${c.other}`).join(", ")} (opt/sub-opt/other)`)
}
