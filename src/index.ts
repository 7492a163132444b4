/**
 * fsv-ts: FSV and its baselines for cooperative multi-agent RL as reproducible pipelines.
 *
 * Subpath modules: `fsv-ts/core` (float64 math), `fsv-ts/theory` (checkIgm and friends),
 * `fsv-ts/store` (stages and the artifact store), `fsv-ts/pipelines` (the paper's
 * experiments), `fsv-ts/envs`, `fsv-ts/backend`, `fsv-ts/rng`, `fsv-ts/progress`.
 */
export * as backend from "./backend/Backend.ts"
export * as core from "./core/index.ts"
export * as envs from "./envs/index.ts"
export * as pipelines from "../pipelines/index.ts"
export * as progress from "./progress/Progress.ts"
export * as rng from "./rng/Rng.ts"
export * as store from "./store/index.ts"
export * as theory from "./theory/index.ts"
