import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { business, contactsOf, importCsv } from './helpers.ts';

let db: Database;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.close();
});

describe('import basics', () => {
  it('creates contacts with phones, emails and tags', async () => {
    const { businessId } = await business(db);
    const csv =
      'First Name,Last Name,Mobile Phone,E-mail Address,Tags\nJane,Doe,07911 123456,Jane@Example.com,"VIP, London"\nJohn,Roe,+44 20 7946 0958,,vip\n';
    const { status, report } = await importCsv(db, businessId, csv);
    expect(status.status).toBe('completed');
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [] });
    const contacts = await contactsOf(db, businessId);
    expect(contacts.map((c) => c.firstName)).toEqual(['Jane', 'John']);
    const jane = contacts.find((c) => c.firstName === 'Jane')!;
    expect(jane.identifiers.map((i) => i.value).sort()).toEqual(['+447911123456', 'jane@example.com']);
    expect(jane.tags.map((t) => t.tag.name).sort()).toEqual(['London', 'VIP']);
    expect(await db.prisma.tag.count({ where: { businessId } })).toBe(2);
    expect(await db.prisma.auditEvent.count({ where: { businessId, entityType: 'contact', action: 'created' } })).toBe(
      2,
    );
    // Every row of a batch carries the batch's time (the columns' defaults: the transaction's now()).
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { entityId: jane.id } });
    const started = status.startedAt!.getTime();
    expect(jane.createdAt.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(jane.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    for (const t of [
      jane.updatedAt,
      audit.createdAt,
      ...jane.identifiers.map((i) => i.createdAt),
      jane.tags[0]!.createdAt,
    ])
      expect(t).toEqual(jane.createdAt);
  });

  it('ends with ANALYZE of the tables it filled (the planner never waits for autovacuum)', async () => {
    const { businessId } = await business(db);
    const analyzed = () =>
      db.query<{ relname: string }>(
        `SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL AND relname IN ('Contact', 'Identifier', 'ContactTag', 'Tag') ORDER BY relname`,
      );
    expect(await analyzed()).toEqual([]);
    const { status } = await importCsv(
      db,
      businessId,
      'First Name,Last Name,E-mail Address,Tags\nJane,Doe,jane@example.com,VIP\n',
    );
    expect(status.status).toBe('completed');
    expect((await analyzed()).map((r) => r.relname)).toEqual(['Contact', 'ContactTag', 'Identifier', 'Tag']);
  });
});
