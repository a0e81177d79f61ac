// Where a Baton process started by a test keeps its data, already migrated, on the kind the vitest project names.
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createPostgresDatabase, testDbKind } from './db.ts';
import { databaseUrl } from './postgres-urls.ts';

/**
 * The environment of a Baton process on a migrated database of its own, with no business yet: BATON_DATA_DIR in a new
 * temp directory (remove `dir` when done) and, on PostgreSQL, DATABASE_URL. On PGlite the data directory is a copy of
 * the run's migrated one (test/support/global-setup.ts) — a new one costs ~8 s more CPU (initdb and every migration) at
 * the process's first start. The first start on a new data directory or an empty database is what
 * test/bot/server.db.test.ts tests.
 */
export async function migratedBatonData(prefix: string): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const env: Record<string, string> = { BATON_DATA_DIR: path.join(dir, 'data') };
  if (testDbKind() === 'pglite') await cp(inject('pgliteDataDirTemplate'), env.BATON_DATA_DIR!, { recursive: true });
  else env.DATABASE_URL = databaseUrl(await createPostgresDatabase());
  return { dir, env };
}
