import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'bench/**/*.test.ts'],
    // Starts one real reference server on 127.0.0.1 for the suites that talk HTTP (src/fhir).
    globalSetup: ['./src/test-support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
