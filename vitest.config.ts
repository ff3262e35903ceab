import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // e2e tests spawn git and node; two cores.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
