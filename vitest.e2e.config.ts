import { defineConfig } from "vitest/config";

/** `npm run test:e2e`: the longer sample runs of test/e2e (minutes, not part of `npm test`). */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 15 * 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
