import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores: more forks than that only makes the Temporal-backed suites contend.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default', './test/setup/summary-reporter.ts'],
    setupFiles: ['test/setup/quiet-runtime.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // expect.poll waits for an eventual state; its 1 s default failed browser checks in CI on two
    // loaded cores although the state arrived. A longer wait only delays a real failure.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // Fakes finish jobs at once: first polls after 1/50 of a model's expected duration (domain/polling.ts).
    // The provider fakes listen on 127.0.0.1, which provider calls refuse without GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS.
    env: { GENFLOW_POLL_SCALE: '0.02', GENFLOW_ALLOW_PRIVATE_PROVIDER_URLS: '1' },
  },
});
