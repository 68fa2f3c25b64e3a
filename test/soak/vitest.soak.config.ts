// Runs the soak's short form on its own: `npx vitest run --config test/soak/vitest.soak.config.ts`.
// It starts its own testbed and emulators, so it needs no global setup.
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: join(import.meta.dirname, '..', '..'),
  test: {
    include: ['test/soak/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20 * 60_000,
    fileParallelism: false,
  },
});
