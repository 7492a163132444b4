/**
 * Worker-thread entry: activate the tensor backend named in `workerData`, run one program,
 * post `{ kind: "progress", steps, updatesPerSecond }` messages and finally `{ kind: "done", results }`.
 */
import { parentPort, workerData } from "node:worker_threads"
import { Effect, Layer } from "effect"
import { Backend, type BackendName } from "../../backend/Backend.ts"
import { CHUNK, type ProgramSpec, programTrainer } from "./program.ts"

const { backend, spec } = workerData as { backend: BackendName; spec: ProgramSpec }
const port = parentPort!

await Effect.runPromise(Effect.scoped(Layer.build(Backend.layer(backend))))
const trainer = programTrainer(spec)
try {
  while (trainer.stepsDone() < spec.steps) {
    trainer.run(CHUNK)
    port.postMessage({ kind: "progress", steps: trainer.stepsDone() })
  }
  port.postMessage({ kind: "done", results: trainer.results() })
} finally {
  trainer.dispose()
}
