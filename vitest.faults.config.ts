import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: kills, restarts and freezes of real processes. The files run one at a
 * time, since each owns child processes and ports; the table is printed by the global teardown.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    globalSetup: ['test/faults/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
