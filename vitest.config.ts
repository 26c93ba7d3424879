import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', 'renderer/dist/**'],
    // The end-to-end tests drive the renderer as it ships: build it once per run.
    globalSetup: ['test/support/build-renderer.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests each create their own Postgres database, so files may run in parallel,
    // but the machine has two cores: keep the pool small.
    maxWorkers: 2,
  },
});
