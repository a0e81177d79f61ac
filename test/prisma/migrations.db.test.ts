import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchemaEngine } from '../../prisma/engine.ts';
import {
  applyMigrations,
  fromPGlite,
  migrationDriver,
  pgliteExtensions,
  openDatabase,
  type Database,
} from '../../prisma/index.ts';
import { allMigrationsApplied, readMigrationList, SCHEMA_PATH } from '../../prisma/migrations.ts';
import { createEmptyPostgresDatabase, testDbKind } from '../support/db.ts';

const TABLES = [
  'AuditEvent',
  'Broadcast',
  'BroadcastRecipient',
  'Business',
  'ChannelLease',
  'Contact',
  'ContactTag',
  'Conversation',
  'DirectLineActivity',
  'DirectLineConversation',
  'DurableTimer',
  'Identifier',
  'ImportJob',
  'ImportRowError',
  'Message',
  'OutboxEffect',
  'ServerSecret',
  'Tag',
  'User',
  '_prisma_migrations',
];

async function emptyDatabase(): Promise<Database> {
  if (testDbKind() === 'pglite') return fromPGlite(await PGlite.create({ extensions: pgliteExtensions }));
  return openDatabase({ databaseUrl: await createEmptyPostgresDatabase(), dataDir: '' });
}

describe(`migrations on an empty ${testDbKind()} database`, () => {
  let db: Database | undefined;
  afterEach(async () => db?.close());

  it('apply every migration, record them in _prisma_migrations, and apply nothing the second time', async () => {
    db = await emptyDatabase();
    const before = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(before).toEqual([]);

    expect(await allMigrationsApplied(db.query)).toBe(false);
    const applied = await db.migrate();
    expect(applied.length).toBeGreaterThan(0);
    expect(applied[0]).toMatch(/^\d{14}_init$/);

    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual([...TABLES].sort());
    const recorded = await db.query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(applied);
    expect(recorded.every((r) => r.finished_at !== null)).toBe(true);

    // Nothing pending: the next start only reads _prisma_migrations.
    expect(await allMigrationsApplied(db.query)).toBe(true);
    expect(await db.migrate()).toEqual([]);
    // The Prisma client works against the migrated schema.
    expect(await db.prisma.business.count()).toBe(0);
    // A migration the database has not recorded (a newer release) is pending again.
    await db.query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [applied[applied.length - 1]]);
    expect(await allMigrationsApplied(db.query)).toBe(false);
  }, 120_000); // every migration from an empty database: ~10 s idle, over 30 s on a loaded machine
});

describe(`applying migrations on ${testDbKind()} as Prisma's schema engine does`, () => {
  const opened: Database[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const d of opened.splice(0)) await d.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  /** Another connection to the same database (PostgreSQL: another pool; PGlite has one connection). */
  const openOther = async (db: Database): Promise<Database> => {
    if (db.driver.kind === 'pglite') return db;
    const other = await openDatabase({ databaseUrl: db.driver.pool.options.connectionString, dataDir: '' });
    opened.push(other);
    return other;
  };
  const fresh = async () => {
    const d = await emptyDatabase();
    opened.push(d);
    return d;
  };

  // replays every migration twice (ours, then Prisma's engine in WASM): ~28 s on PGlite at load average 11
  it("gives the engine's schema and the engine's records", { timeout: 120_000 }, async () => {
    const ours = await fresh();
    await ours.migrate();
    const theirs = await fresh();
    const adapter =
      theirs.driver.kind === 'pglite' ? new PrismaPGlite(theirs.driver.pglite) : new PrismaPg(theirs.driver.pool);
    const engine = await createSchemaEngine(SCHEMA_PATH, adapter);
    try {
      await engine.applyMigrations({
        migrationsList: await readMigrationList(),
        filters: { externalTables: [], externalEnums: [] },
      });
    } finally {
      engine.free();
    }
    expect(await schemaOf(ours)).toEqual(await schemaOf(theirs));
    const records = (d: Database) =>
      d.query(
        `SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count, finished_at IS NOT NULL AS finished,
                finished_at >= started_at AS ordered
         FROM _prisma_migrations ORDER BY migration_name`,
      );
    const mine = await records(ours);
    expect(mine.length).toBeGreaterThan(3);
    expect(mine).toEqual(await records(theirs));
  });

  it('applies each migration once when two instances start on a new database at once', async () => {
    const db = await fresh();
    const other = await openOther(db);
    const both = await Promise.all([applyMigrations(migrationDriver(db)), applyMigrations(migrationDriver(other))]);
    const names = (await readMigrationList()).migrationDirectories.map((m) => m.path);
    expect(both.flat().sort()).toEqual(names);
    const recorded = await db.query<{ n: string }>(`SELECT migration_name AS n FROM _prisma_migrations ORDER BY 1`);
    expect(recorded.map((r) => r.n)).toEqual(names);
  });

  it('leaves nothing of a migration that fails, and applies it once it is fixed', async () => {
    const db = await fresh();
    dir = await mkdtemp(path.join(os.tmpdir(), 'B-migrations-'));
    const write = async (name: string, sql: string) => {
      await mkdir(path.join(dir!, name), { recursive: true });
      await writeFile(path.join(dir!, name, 'migration.sql'), sql);
    };
    await write('20260101000000_first', 'CREATE TABLE "First" (id int PRIMARY KEY);');
    await write(
      '20260102000000_second',
      'CREATE TABLE "Second" (id int PRIMARY KEY);\nINSERT INTO "Nowhere" VALUES (1);',
    );
    const driver = migrationDriver(db);
    await expect(applyMigrations(driver, dir)).rejects.toThrow(/Nowhere/);
    const tables = async () =>
      (
        await db.query<{ t: string }>(
          `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
        )
      ).map((r) => r.t);
    expect(await tables()).toEqual(['First', '_prisma_migrations']);
    const names = async () =>
      (await db.query<{ n: string }>(`SELECT migration_name AS n FROM _prisma_migrations ORDER BY 1`)).map((r) => r.n);
    expect(await names()).toEqual(['20260101000000_first']);
    expect(await allMigrationsApplied(db.query, dir)).toBe(false);

    await write('20260102000000_second', 'CREATE TABLE "Second" (id int PRIMARY KEY);');
    expect(await applyMigrations(driver, dir)).toEqual(['20260102000000_second']);
    expect(await tables()).toEqual(['First', 'Second', '_prisma_migrations']);
    expect(await allMigrationsApplied(db.query, dir)).toBe(true);
    expect(await applyMigrations(driver, dir)).toEqual([]);

    // Two starts at once apply a new migration once.
    await write('20260103000000_third', 'CREATE TABLE "Third" (id int PRIMARY KEY);');
    const other = testDbKind() === 'postgres' ? migrationDriver(db) : driver;
    const both = await Promise.all([applyMigrations(driver, dir), applyMigrations(other, dir)]);
    expect(both.flat()).toEqual(['20260103000000_third']);

    // A migration another tool started and never finished (Prisma's P3009): refused, nothing more applied.
    await db.query(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '20260103000000_third'`);
    await write('20260104000000_fourth', 'CREATE TABLE "Fourth" (id int PRIMARY KEY);');
    await expect(applyMigrations(driver, dir)).rejects.toThrow(/20260103000000_third was started and never finished/);
    expect(await tables()).not.toContain('Fourth');
  });
});

/** Tables with their columns, and every index and constraint, as PostgreSQL describes them. */
async function schemaOf(db: Database) {
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const indexes = await db.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  const constraints = await db.query(
    `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const enums = await db.query(
    `SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid ORDER BY 1, e.enumsortorder`,
  );
  return { columns, indexes, constraints, enums };
}
