import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPGlite, openDatabase, type Database } from '../../prisma/index.ts';
import { allMigrationsApplied } from '../../prisma/migrations.ts';
import { createEmptyPostgresDatabase, testDbKind } from '../support/db.ts';

const TABLES = [
  'AuditEvent',
  'Business',
  'Contact',
  'ContactTag',
  'Conversation',
  'DurableTimer',
  'Identifier',
  'ImportJob',
  'ImportRowError',
  'Message',
  'Tag',
  'User',
  '_prisma_migrations',
];

async function emptyDatabase(): Promise<Database> {
  if (testDbKind() === 'pglite') return fromPGlite(await PGlite.create());
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

    // Nothing pending: the next start does not load the schema engine at all.
    expect(await allMigrationsApplied(db.query)).toBe(true);
    expect(await db.migrate()).toEqual([]);
    // The Prisma client works against the migrated schema.
    expect(await db.prisma.business.count()).toBe(0);
    // A migration the database has not recorded (a newer release) is pending again.
    await db.query(`DELETE FROM _prisma_migrations WHERE migration_name = $1`, [applied[applied.length - 1]]);
    expect(await allMigrationsApplied(db.query)).toBe(false);
  });
});
