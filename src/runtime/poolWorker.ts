/**
 * Worker-thread entry of `pool.ts`: activate the tensor backend named in `workerData`,
 * import the program module, run one program, post `{ kind: "progress", steps }` messages
 * and finally `{ kind: "done", results }`.
 */
import { parentPort, workerData } from "node:worker_threads"
import { Effect, Layer } from "effect"
import { Backend } from "../backend/Backend.ts"
import type { ProgramModule, ProgramSpecBase, TrainWorkerData } from "./pool.ts"

const data = workerData as TrainWorkerData
const port = parentPort!
const spec = data.spec as ProgramSpecBase

await Effect.runPromise(Effect.scoped(Layer.build(Backend.layer(data.backend))))
const exports = (await import(data.module)) as Record<string, ProgramModule<ProgramSpecBase, unknown> | undefined>
const mod = exports[data.exportName]
if (mod === undefined) throw new TypeError(`${data.module} does not export ${data.exportName}`)
const trainer = mod.programTrainer(spec)
try {
  while (!trainer.done()) {
    trainer.advance(data.chunk)
    port.postMessage({ kind: "progress", steps: trainer.stepsDone() })
  }
  port.postMessage({ kind: "done", results: trainer.results() })
} finally {
  trainer.dispose()
}
