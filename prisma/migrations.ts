// Apply, check and author migrations in Prisma's layout (prisma/migrations/<timestamp>_<name>/migration.sql)
// with Prisma's WASM schema engine. `_prisma_migrations` is kept, so the native CLI agrees where it exists.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { createSchemaEngine } from './engine.ts';

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

/**
 * Whether `_prisma_migrations` records every migration of MIGRATIONS_DIR as applied. Then a start has nothing for the
 * schema engine to do, and need not load it (its WASM costs ~1 s and ~40 MB that stay for the life of the process).
 */
export async function allMigrationsApplied(
  query: <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>,
  dir = MIGRATIONS_DIR,
): Promise<boolean> {
  const [table] = await query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!table?.present) return false;
  const rows = await query<{ name: string }>(
    `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((r) => r.name));
  return (await migrationNames(dir)).every((name) => applied.has(name));
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns the names applied. */
export async function applyMigrations(adapter: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const engine = await createSchemaEngine(SCHEMA_PATH, adapter);
  try {
    const out = await engine.applyMigrations({ migrationsList: await readMigrationList(), filters: NO_FILTER });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * The SQL that would take a database built from the migrations to what schema.prisma describes.
 * Replays the migrations on a scratch in-memory PGlite (no shadow database needed). Empty = no drift.
 */
export async function pendingSchemaChanges(schemaPath = SCHEMA_PATH, migrationsDir = MIGRATIONS_DIR): Promise<string> {
  const scratch = await PGlite.create();
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
