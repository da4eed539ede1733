import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: keep parallelism modest so end-to-end tests with child processes stay stable.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
