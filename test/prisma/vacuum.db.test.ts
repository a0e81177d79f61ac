// Baton's own vacuum for the embedded database (prisma/vacuum.ts; PGlite has no autovacuum): autovacuum's rules, and a
// pass that vacuums the tables that need it, on both databases (the server runs it only on PGlite).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  maintenanceFor,
  maintenanceStatement,
  startVacuumer,
  vacuumPass,
  type Database,
  type TableStats,
} from '../../prisma/index.ts';
import { createTestDatabase } from '../support/db.ts';

const stats = (over: Partial<TableStats>): TableStats => ({
  table: 'Message',
  live: 1000,
  dead: 0,
  insertedSinceVacuum: 0,
  modifiedSinceAnalyze: 0,
  xidAge: 1000,
  ...over,
});

/** What Message needs: vacuum, freeze, analyze. */
const needs = (vacuum: boolean, freeze: boolean, analyze: boolean) => ({ table: 'Message', vacuum, freeze, analyze });

describe('autovacuum’s rules', () => {
  it('vacuums past 50 + 20 % dead rows, or 1,000 + 20 % inserted; analyzes past 50 + 10 % changed', () => {
    expect(maintenanceFor(stats({ dead: 250 }))).toBeNull();
    expect(maintenanceFor(stats({ dead: 251 }))).toEqual(needs(true, false, false));
    expect(maintenanceFor(stats({ insertedSinceVacuum: 1201 }))?.vacuum).toBe(true);
    expect(maintenanceFor(stats({ insertedSinceVacuum: 1200 }))).toBeNull();
    expect(maintenanceFor(stats({ modifiedSinceAnalyze: 151 }))).toEqual(needs(false, false, true));
    expect(maintenanceFor(stats({ modifiedSinceAnalyze: 150 }))).toBeNull();
    expect(maintenanceFor(stats({ xidAge: 150_000_001 }))).toEqual(needs(true, true, false));
  });

  it('says it in one statement, the table quoted', () => {
    expect(maintenanceStatement(needs(true, false, true))).toBe('VACUUM (ANALYZE) "Message"');
    expect(maintenanceStatement(needs(true, true, false))).toBe('VACUUM (FREEZE) "Message"');
    expect(maintenanceStatement(needs(true, false, false))).toBe('VACUUM "Message"');
    expect(maintenanceStatement({ table: 'a"b', vacuum: false, freeze: false, analyze: true })).toBe('ANALYZE "a""b"');
  });
});

describe('a vacuum pass', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  /** rows written then deleted in one transaction, whose statistics are sent when it ends */
  async function deadAuditRows(n: number) {
    const businessId = randomUUID();
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO "AuditEvent" (id, "businessId", "actorType", "entityType", "entityId", action, changes)
         SELECT gen_random_uuid(), $1::uuid, 'system', 'contact', g::text, 'created', '{}'::json
         FROM generate_series(1, $2::int) g`,
        [businessId, n],
      );
      await tx.query(`DELETE FROM "AuditEvent" WHERE "businessId" = $1::uuid`, [businessId]);
      await tx.query('SELECT pg_stat_force_next_flush()');
    });
  }

  async function tableStats(table: string) {
    const rows = await db.query<{ dead: string | number; vacuumed: Date | null }>(
      `SELECT n_dead_tup AS dead, last_vacuum AS vacuumed FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
    );
    return { dead: Number(rows[0]!.dead), vacuumed: rows[0]!.vacuumed };
  }

  it('vacuums a table with dead rows past the threshold, and leaves it alone once it is clean', async () => {
    await deadAuditRows(400);
    // the statistics reach the shared counters when the writing connection is idle again
    let before = await tableStats('AuditEvent');
    for (let i = 0; i < 50 && before.dead < 400; i++) {
      await new Promise((r) => setTimeout(r, 100));
      before = await tableStats('AuditEvent');
    }
    expect(before.dead).toBeGreaterThanOrEqual(400);
    expect(before.vacuumed).toBeNull();

    const pass = await vacuumPass(db);
    expect(pass.done.map((d) => d.statement)).toContain('VACUUM (ANALYZE) "AuditEvent"');
    const after = await tableStats('AuditEvent');
    expect(after.dead).toBe(0);
    expect(after.vacuumed).not.toBeNull();

    const again = await vacuumPass(db);
    expect(again.done.map((d) => d.table)).not.toContain('AuditEvent');
  });

  it('runs on its interval until stopped, and a stop waits for the pass going', async () => {
    const passes: number[] = [];
    const vacuumer = startVacuumer(db, { intervalMs: 50, onPass: (p) => passes.push(p.done.length) });
    const deadline = Date.now() + 5000;
    while (passes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(passes.length).toBeGreaterThanOrEqual(2);
    await vacuumer.stop();
    const stopped = passes.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(passes.length).toBe(stopped);
  });
});
