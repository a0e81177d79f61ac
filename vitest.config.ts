import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.ts';

// Three projects: pure tests once, and every *.db.test.ts twice — on embedded PGlite and on the
// PostgreSQL server (BATON_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time (vitest's default is one fewer than the cores: one on a 2-core machine). Most of the
    // suite's time is waiting on processes it starts (Baton servers, CLI commands, Chromium, PostgreSQL), so a
    // second file overlaps that waiting.
    maxWorkers: 2,
    // The longest files first, across the projects (test/durations.json on a fresh clone): the two workers finish
    // together.
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.db.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.db.test.ts'],
          env: { BATON_TEST_DB: 'pglite' },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.db.test.ts'],
          env: { BATON_TEST_DB: 'postgres' },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
