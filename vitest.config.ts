import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TZ: 'UTC' },
    testTimeout: 20_000,
    pool: 'forks',
    // A private TMPDIR for the run; fails it when a test leaves a docdb-backup-* folder behind.
    globalSetup: ['tests/support/leak-check.ts'],
  },
});
