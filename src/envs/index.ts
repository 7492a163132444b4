/** The environments: one-state matrix games, Max of Two Quadratics, and SMAC-lite. */
export * as matrix from "./matrix.ts"
export * as quadratics from "./quadratics.ts"
export * as smac from "./smac/index.ts"
