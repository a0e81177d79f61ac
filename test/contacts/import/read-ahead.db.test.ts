// On PostgreSQL a batch is looked up and matched while the batch before it is written, then re-checked under the
// import's lock. These tests hold that lock from another connection so that a batch is surely matched ahead, change
// the database meanwhile, and check that the batch is matched again rather than written from what it saw.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImport, importReport, runImport, startImport } from '../../../contacts/import/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { business, contactsOf, memoryLogger, tempFile } from './helpers.ts';

let db: Database;
let businessId: string;
beforeEach(async () => {
  db = await createTestDatabase();
  ({ businessId } = await business(db));
});
afterEach(async () => {
  await db.close();
});

const HEAD = 'First Name,Last Name,Mobile,Email,Tags\n';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs an import of `csv` in batches of 2 while another connection holds the import's lock: the first batch waits for
 * it, the second is matched ahead meanwhile; `meanwhile` then changes the database and the lock is released.
 */
async function importWhileLocked(csv: string, meanwhile: () => Promise<void>) {
  if (db.driver.kind !== 'postgres') throw new Error('needs PostgreSQL');
  const { logger, lines } = memoryLogger();
  const file = await tempFile(csv);
  const upload = await createImport(db, { businessId, fileName: 'c.csv', filePath: file });
  await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
  const holder = await db.driver.pool.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`baton-import:${businessId}`]);
    const run = runImport(db, upload.id, { batchSize: 2, logger });
    // The first batch's write waits for the lock…
    let waiting = false;
    for (let i = 0; i < 200 && !waiting; i++) {
      // (Asked on another connection: inside the holder's transaction the statistics are a snapshot.)
      const [w] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'`,
      );
      waiting = w!.n > 0;
      if (!waiting) await sleep(25);
    }
    expect(waiting).toBe(true);
    // …while the second batch is looked up and matched ahead (a few milliseconds for two rows).
    await sleep(1000);
    await meanwhile();
    await holder.query('COMMIT');
    const status = await run;
    return { status, report: await importReport(db, businessId, upload.id), lines };
  } finally {
    holder.release();
  }
}

describe.skipIf(testDbKind() === 'pglite')('a batch matched ahead (PostgreSQL)', () => {
  it('is matched again when a contact it matched was edited meanwhile: the edit is kept', async () => {
    const x = await db.prisma.contact.create({ data: { businessId, firstName: 'Xavier', lastName: 'Old' } });
    await db.prisma.identifier.create({ data: { businessId, kind: 'phone', value: '+447911123456', contactId: x.id } });
    const csv = `${HEAD}A,One,07911 000101,,\nB,Two,07911 000102,,\nXavier,New,07911 123456,x@x.com,VIP\nC,Three,,c@x.com,\n`;
    const { status, report, lines } = await importWhileLocked(csv, async () => {
      await db.query(`UPDATE "Contact" SET notes = 'edited meanwhile', "businessName" = 'Acme' WHERE id = $1`, [x.id]);
    });
    expect(status.status).toBe('completed');
    expect(report).toMatchObject({ created: 3, updated: 1, unchanged: 0, failed: 0 });
    expect(lines.filter((l) => l.msg === 'import batch changed meanwhile; matching it again in turn')).toHaveLength(1);
    const after = await db.prisma.contact.findUniqueOrThrow({
      where: { id: x.id },
      include: { identifiers: true, tags: { include: { tag: true } } },
    });
    // Both the edit made meanwhile and the row's values: the batch was not written from what it saw before.
    expect(after).toMatchObject({ notes: 'edited meanwhile', businessName: 'Acme', lastName: 'New' });
    expect(after.identifiers.map((i) => i.value).sort()).toEqual(['+447911123456', 'x@x.com']);
    expect(after.tags.map((t) => t.tag.name)).toEqual(['VIP']);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { entityId: x.id, actorType: 'import' } });
    expect(audit.changes).toMatchObject({ lastName: { from: 'Old', to: 'New' } });
    expect(audit.changes).not.toHaveProperty('notes');
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(4);
  });

  it('is matched again when a phone it was going to create was saved meanwhile: no duplicate', async () => {
    const csv = `${HEAD}A,One,07911 000101,,\nB,Two,07911 000102,,\nC,Three,07911 000103,c@x.com,\nD,Four,,d@x.com,\n`;
    let saved = '';
    const { status, report, lines } = await importWhileLocked(csv, async () => {
      const c = await db.prisma.contact.create({ data: { businessId, firstName: 'Chat', lastName: 'Customer' } });
      await db.prisma.identifier.create({
        data: { businessId, kind: 'phone', value: '+447911000103', contactId: c.id },
      });
      saved = c.id;
    });
    expect(status.status).toBe('completed');
    expect(report).toMatchObject({ created: 3, updated: 1, failed: 0 });
    expect(lines.find((l) => l.msg === 'import batch changed meanwhile; matching it again in turn')).toMatchObject({
      reason: '23505',
    });
    const contacts = await contactsOf(db, businessId);
    expect(contacts).toHaveLength(4);
    const c = contacts.find((k) => k.id === saved)!;
    expect(c).toMatchObject({ firstName: 'C', lastName: 'Three' });
    expect(c.identifiers.map((i) => i.value).sort()).toEqual(['+447911000103', 'c@x.com']);
  });

  it('carries what the batch before it wrote: a contact created in one batch is updated by the next', async () => {
    const csv = `${HEAD}A,One,07911 000101,,\nB,Two,07911 000102,,\nA,One,07911 000101,a@x.com,VIP\nB,Twice,,,\n`;
    const { report, lines } = await importWhileLocked(csv, async () => undefined);
    expect(report).toMatchObject({ created: 2, updated: 1, unchanged: 0, failed: 1 });
    expect(lines.filter((l) => l.msg.startsWith('import batch changed'))).toEqual([]);
    const contacts = await contactsOf(db, businessId);
    expect(contacts).toHaveLength(2);
    const a = contacts.find((k) => k.firstName === 'A')!;
    expect(a.identifiers.map((i) => i.value).sort()).toEqual(['+447911000101', 'a@x.com']);
    expect(a.tags.map((t) => t.tag.name)).toEqual(['VIP']);
  });
});
