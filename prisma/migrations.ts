// Apply, check and author migrations in Prisma's layout (prisma/migrations/<timestamp>_<name>/migration.sql).
// Applied as Prisma's `migrate deploy` applies them, recorded in its `_prisma_migrations`, so its CLI agrees where it
// exists; checked and written with Prisma's WASM schema engine.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { createSchemaEngine } from './engine.ts';
import { pgliteExtensions } from './pglite.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCHEMA_PATH = path.join(here, 'schema.prisma');
export const MIGRATIONS_DIR = path.join(here, 'migrations');

const NO_FILTER = { externalTables: [], externalEnums: [] };

/** The migrations' directory names (`<timestamp>_<name>`), in order. */
async function migrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export async function readMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const names = await migrationNames(dir);
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
        (sql) => ({ tag: 'ok' as const, value: sql }),
        (err: Error) => ({ tag: 'error' as const, value: err.message }),
      );
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockPath = path.join(dir, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Runs SQL on a database: one statement, or a script of several inside a transaction of its own. */
export interface MigrationDriver {
  query<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (tx: MigrationTx) => Promise<T>): Promise<T>;
}
export interface MigrationTx {
  query<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
}

/** Prisma's own table of applied migrations, as its schema engine creates it (so either can take over). */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** The advisory lock Prisma's schema engine takes while it migrates: the two never migrate one database at once. */
const MIGRATION_LOCK = 72707369;

/** Prisma's checksum of a migration: the SHA-256 of its file, in hex. */
export const migrationChecksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

type AppliedRow = { name: string; finished: boolean };

async function recordedMigrations(query: MigrationDriver['query']): Promise<AppliedRow[] | null> {
  const [table] = await query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!table?.present) return null;
  return query<AppliedRow>(
    `SELECT migration_name AS name, finished_at IS NOT NULL AS finished FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL`,
  );
}

/**
 * Whether `_prisma_migrations` records every migration of MIGRATIONS_DIR as applied: then a start has nothing to do
 * but this one query.
 */
export async function allMigrationsApplied(query: MigrationDriver['query'], dir = MIGRATIONS_DIR): Promise<boolean> {
  const rows = await recordedMigrations(query);
  if (!rows) return false;
  const applied = new Set(rows.filter((r) => r.finished).map((r) => r.name));
  return (await migrationNames(dir)).every((name) => applied.has(name));
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, in order, each in a transaction of its own with
 * its record: a migration that fails leaves nothing behind and is tried again at the next start. Records what Prisma's
 * schema engine records (its checksum, one applied step), under its advisory lock, so that either can take over a
 * database the other migrated. (The engine — ~1 s to load and ~20 MB for the rest of the process — is used only to write
 * and check migrations.) Refuses a database where a migration is recorded as started and never finished (Prisma's
 * P3009), which only another tool can leave. Returns the names applied.
 */
export async function applyMigrations(db: MigrationDriver, dir = MIGRATIONS_DIR): Promise<string[]> {
  const list = await readMigrationList(dir);
  const lock = (tx: MigrationTx) => tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
  // Under the lock: two instances starting on a new database would otherwise both create the table.
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.query(MIGRATIONS_TABLE);
  });
  const appliedNow: string[] = [];
  for (const m of list.migrationDirectories) {
    const name = m.path;
    const file = m.migrationFile.content;
    const done = await db.transaction(async (tx) => {
      await lock(tx);
      const rows = (await recordedMigrations(tx.query)) ?? [];
      const failed = rows.find((r) => !r.finished);
      if (failed) {
        throw new Error(
          `migration ${failed.name} was started and never finished (recorded in _prisma_migrations): ` +
            `repair the database, then mark it with \`prisma migrate resolve\``,
        );
      }
      if (rows.some((r) => r.name === name)) return false;
      if (file.tag === 'error') throw new Error(`migration ${name} cannot be read: ${file.value}`);
      await tx.exec(file.value);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
        [randomUUID(), migrationChecksum(file.value), name],
      );
      return true;
    });
    if (done) appliedNow.push(name);
  }
  return appliedNow;
}

/**
 * The SQL that would take a database built from the migrations to what schema.prisma describes.
 * Replays the migrations on a scratch in-memory PGlite (no shadow database needed). Empty = no drift.
 */
export async function pendingSchemaChanges(schemaPath = SCHEMA_PATH, migrationsDir = MIGRATIONS_DIR): Promise<string> {
  const scratch = await PGlite.create({ extensions: pgliteExtensions });
  try {
    const list = await readMigrationList(migrationsDir);
    for (const m of list.migrationDirectories) {
      if (m.migrationFile.content.tag === 'ok') await scratch.exec(m.migrationFile.content.value);
    }
    const engine = await createSchemaEngine(schemaPath, new PrismaPGlite(scratch));
    try {
      const schema = await readFile(schemaPath, 'utf8');
      const result = await engine.diff({
        from: {
          tag: 'schemaDatasource',
          files: [{ path: schemaPath, content: schema }],
          configDir: path.dirname(schemaPath),
        },
        to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      return stripEmpty(result.stdout ?? '');
    } finally {
      engine.free();
    }
  } finally {
    await scratch.close();
  }
}

function stripEmpty(sql: string): string {
  const meaningful = sql
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('--'))
    .join('\n');
  return meaningful.trim() === '' ? '' : sql.trim() + '\n';
}

/** Writes the next migration (prisma/migrations/<timestamp>_<name>/migration.sql); null when nothing changed. */
export async function authorMigration(name: string, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name))
    throw new Error(`migration name must be lower-case letters, digits and _ (got "${name}")`);
  const sql = await pendingSchemaChanges();
  if (sql === '') return null;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  const lock = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  await readFile(lock).catch(() =>
    writeFile(
      lock,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    ),
  );
  return dir;
}
