/** Flags shared by the pipeline commands. */
import { Flag } from "effect/cli"

/** `--backend NAME`: absent means FSV_BACKEND, then wasm (see `Backend.fromFlag`). */
export const backendFlag = Flag.String("backend").pipe(
  Flag.withDescription("Tensor backend: wasm (default), cpu, node, node-gpu. Also FSV_BACKEND."),
  Flag.optional
)

/** `--store DIR`, default ./artifacts. */
export const storeFlag = Flag.String("store").pipe(
  Flag.withDescription("Artifact store directory."),
  Flag.withDefault("artifacts")
)

/** `--threads N`: the wasm backend's threads; absent means FSV_THREADS, then one per core (see `Backend.fromFlag`). */
export const threadsFlag = Flag.String("threads").pipe(
  Flag.withDescription("Threads for the wasm backend's matrix products (1–8). Also FSV_THREADS. Default: one per core. Results do not depend on it."),
  Flag.optional
)
