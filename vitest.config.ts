import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm test`, `make test-fast`): tests that need Node and the shell's own tools only —
 * no bubblewrap, qemu, e2fsprogs, busybox or server — and finish in seconds; the orchestrator is
 * tested here over the fake backend. A new test file is in the sandbox tier until it is listed here;
 * `make test` runs both tiers, as CI does.
 */
export const FAST_TIER = [
  'test/attest/{keys,log,merkle,note,tiles,trust,verify}.test.ts',
  'test/audit/{first-difference,handwritten,scripts}.test.ts',
  'test/docs/*.test.ts',
  'test/formats/*.test.ts',
  'test/manifest/{load,lost-stages,schema}.test.ts',
  'test/run/orchestrator.test.ts',
  'test/sandbox/{fake,guest-init,qemu-console}.test.ts',
  'test/seeds/{source-check,verify}.test.ts',
  'test/stages/comment-ratio.test.ts',
  'test/sources/{cli-fetch,ensure,fetch,offline,settings}.test.ts',
  'test/template/declaration.test.ts',
  'test/tree-digest.test.ts',
];

export default defineConfig({
  test: {
    // Stages run real sandboxes and VMs (software emulation here): generous per-test time, and
    // few files at once on a two-core machine.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'fast', include: FAST_TIER } },
      { extends: true, test: { name: 'sandbox', include: ['test/**/*.test.ts'], exclude: FAST_TIER } },
    ],
  },
});
