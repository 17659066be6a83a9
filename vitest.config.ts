import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The tools import the library by its package name; in tests that name is
    // the sources, so a test and the tool code it calls share one library
    // instance (its struct classes, its errno).
    alias: { 'posix-sockets': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each test file in its own process: descriptors, errno and the reactor's
    // threads are per process, as they are for a C program.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
