import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file in its own process: descriptors, errno and the libuv
    // threadpool are per process, as they are for a C program.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
