import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../prisma/index.ts';

describe('embedded PGlite on disk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('creates its data directory, and keeps data across a close and reopen', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-pglite-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');

    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect((await first.migrate()).length).toBeGreaterThan(0);
    const created = await first.prisma.business.create({ data: { name: 'Kept', slug: 'kept', country: 'FR' } });
    await first.close();

    const second = await openDatabase({ dataDir });
    try {
      expect(await second.migrate()).toEqual([]);
      const found = await second.prisma.business.findUnique({ where: { slug: 'kept' } });
      expect(found).toMatchObject({ id: created.id, name: 'Kept', country: 'FR', handoverTimeoutSeconds: 120 });
      const [{ setting }] = (await second.query<{ setting: string }>(
        `SELECT setting FROM pg_settings WHERE name = 'shared_buffers'`,
      )) as [{ setting: string }];
      expect(Number(setting) * 8).toBe(16 * 1024); // 16 MB in 8 kB pages: our start parameters are in force
    } finally {
      await second.close();
    }
  }, 120_000); // every migration from an empty database: ~10 s idle, over 30 s on a loaded machine
});
