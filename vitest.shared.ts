import { defineConfig } from 'vitest/config';

/**
 * One test layout for every package: `*.unit.test.ts` (pure, no I/O) and `*.int.test.ts`
 * (real Kafka and PostgreSQL, started once per run by scripts/with-infra.ts).
 */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Integration test files share one broker; running files in parallel would mostly measure
    // contention on two cores.
    fileParallelism: false,
  },
});
