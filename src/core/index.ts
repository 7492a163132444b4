/** The pure float64 math of the paper: the reference every tensor computation is checked against. */
export * from "./bellman.ts"
export * from "./factorization.ts"
export * from "./finiteMdp.ts"
export * from "./mixers.ts"
export * from "./policyStep.ts"
export * from "./schedule.ts"
export * from "./softValue.ts"
