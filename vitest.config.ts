import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["spec/**/*.test.ts"],
    // Training-based tests are CPU-bound; two cores, so two forks.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
