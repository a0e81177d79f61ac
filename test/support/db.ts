// A fresh, migrated database for one test file, on the kind the vitest project names (BATON_TEST_DB).
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { fromPGlite, openDatabase, pgliteExtensions, type Database } from '../../prisma/index.ts';
import { adminUrl, databaseUrl, RUN_PREFIX } from './postgres-urls.ts';

export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
  const kind = process.env.BATON_TEST_DB;
  if (kind !== 'pglite' && kind !== 'postgres')
    throw new Error('database tests run in the pglite or postgres vitest project');
  return kind;
}

let counter = 0;

/** A new database copied from the run's migrated template. Close it with `db.close()`. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  if (testDbKind() === 'pglite') {
    const tar = await readFile(inject('pgliteTemplate'));
    const pglite = await PGlite.create({ loadDataDir: new Blob([tar]), extensions: pgliteExtensions });
    return fromPGlite(pglite);
  }
  const name = await createPostgresDatabase();
  return openDatabase({ databaseUrl: databaseUrl(name), dataDir: '', poolSize: options.poolSize ?? 10 });
}

/**
 * The test database as a second Baton instance opens it: on PostgreSQL a connection pool of its own to the same
 * database; the embedded PGlite is one in-process database, so both share it (close the result only if it is not `db`).
 */
export async function asSecondInstance(db: Database, poolSize: number): Promise<Database> {
  if (db.driver.kind === 'pglite') return db;
  return openDatabase({ databaseUrl: String(db.driver.pool.options.connectionString), dataDir: '', poolSize });
}

/** A new PostgreSQL database from the run's template; returns its name (dropped at the end of the run). */
export async function createPostgresDatabase(): Promise<string> {
  const runId = inject('postgresRunId');
  const name = `${RUN_PREFIX}${runId}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${RUN_PREFIX}${runId}_tpl"`);
  } finally {
    await admin.end();
  }
  return name;
}

/** A new empty (unmigrated) PostgreSQL database; returns its URL. */
export async function createEmptyPostgresDatabase(): Promise<string> {
  const runId = inject('postgresRunId');
  const name = `${RUN_PREFIX}${runId}_${process.pid}_${++counter}_empty`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}
