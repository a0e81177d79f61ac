// Durability of the embedded database against a killed process: PGlite's file system (Emscripten's NODEFS) writes
// each WAL flush straight to the data directory's files, so every transaction whose COMMIT returned is there after
// a SIGKILL and a restart. (It never asks the operating system to flush them to the disk — no fsync — so a power cut
// is another matter: README, "Databases".)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openPGlite } from '../../prisma/pglite.ts';
import { runTypeScript } from '../support/spawn.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

it('every commit that returned is on disk after a SIGKILL, in two kills', { timeout: 180_000 }, async () => {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'baton-pglite-kill-')), 'data');
  dirs.push(path.dirname(dir));
  for (let round = 0; round < 2; round++) {
    const child = runTypeScript('test/prisma/fixtures/commit-loop.ts', [dir], {});
    const lastCommitted = () => Number([...child.output().matchAll(/committed (\d+)/g)].at(-1)?.[1] ?? 0);
    const deadline = Date.now() + 120_000;
    const from = lastCommitted();
    // killed at some point while it commits
    const target = 50 + Math.floor(Math.random() * 200);
    while (lastCommitted() - from < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.child.kill('SIGKILL');
    await child.exit;
    const reported = lastCommitted();
    expect(reported, child.output().slice(-2000)).toBeGreaterThan(0);
    const db = await openPGlite(dir);
    try {
      const { rows } = await db.query<{ n: number; m: number }>(
        'SELECT count(*)::int AS n, coalesce(max(id), 0) AS m FROM committed',
      );
      // all reported commits are there (one more may have committed before its line was printed)
      expect(rows[0]!.m).toBeGreaterThanOrEqual(reported);
      expect(rows[0]!.n).toBe(rows[0]!.m);
    } finally {
      await db.close();
    }
  }
});
