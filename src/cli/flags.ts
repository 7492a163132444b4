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
