// Phones and emails nobody held when an import started are not looked up (contacts/import/key-filter.ts). One saved
// by someone else meanwhile is refused by the unique index, and its batch is matched again with every key looked up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImport, importReport, runImport, startImport } from '../../../contacts/import/index.ts';
import { loadKeyFilter } from '../../../contacts/import/lookups.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { business, contactsOf, importCsv, memoryLogger, tempFile } from './helpers.ts';

let db: Database;
let businessId: string;
beforeEach(async () => {
  db = await createTestDatabase();
  ({ businessId } = await business(db));
});
afterEach(async () => {
  await db.close();
});

const HEAD = 'First Name,Last Name,Mobile,Email\n';

describe(`phones and emails not looked up (${testDbKind()})`, () => {
  it('a phone saved by someone else after the import started: its batch is refused, matched again, and updates that contact', async () => {
    const { logger, lines } = memoryLogger();
    const csv =
      `${HEAD}A,One,07911 000101,a@x.com\nB,Two,07911 000102,b@x.com\nC,Three,07911 000103,c@x.com\n` +
      `D,Four,07911 000104,d@x.com\nE,Five,07911 000105,e@x.com\nF,Six,07911 000106,f@x.com\n`;
    const upload = await createImport(db, { businessId, fileName: 'c.csv', filePath: await tempFile(csv) });
    await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
    let saved: string | undefined;
    const status = await runImport(db, upload.id, {
      batchSize: 2,
      logger,
      // After the first batch, a chat saves a customer with row 6's phone (E, Five, the third batch: on PostgreSQL the
      // second is being matched ahead already).
      onProgress: async (done) => {
        if (done !== 2) return;
        const c = await db.prisma.contact.create({ data: { businessId, firstName: 'Chat', lastName: 'Customer' } });
        await db.prisma.identifier.create({
          data: { businessId, kind: 'phone', value: '+447911000105', contactId: c.id },
        });
        saved = c.id;
      },
    });
    expect(status.status).toBe('completed');
    expect(await importReport(db, businessId, upload.id)).toMatchObject({ created: 5, updated: 1, failed: 0 });
    // The batch was written without looking the phone up, refused (unique violation), and matched again.
    const retried = lines.filter(
      (l) =>
        (l.msg === 'import batch conflicted; retrying it' && l.code === '23505') ||
        (l.msg === 'import batch changed meanwhile; matching it again in turn' && l.reason === '23505'),
    );
    expect(retried).toHaveLength(1);
    const contacts = await contactsOf(db, businessId);
    expect(contacts).toHaveLength(6);
    const chat = contacts.find((c) => c.id === saved)!;
    expect(chat).toMatchObject({ firstName: 'E', lastName: 'Five' });
    expect(chat.identifiers.map((i) => i.value).sort()).toEqual(['+447911000105', 'e@x.com']);
  });

  it('after a refused batch every key is looked up: a key saved meanwhile for a later batch sends nothing back', async () => {
    const { logger, lines } = memoryLogger();
    const rows = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map(
      (n, i) => `${n},Row,07911 00010${i + 1},${n.toLowerCase()}@x.com`,
    );
    const upload = await createImport(db, {
      businessId,
      fileName: 'c.csv',
      filePath: await tempFile(`${HEAD}${rows.join('\n')}\n`),
    });
    await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
    const status = await runImport(db, upload.id, {
      batchSize: 2,
      logger,
      // After the first batch, two chats save E's phone (third batch) and G's email (fourth batch).
      onProgress: async (done) => {
        if (done !== 2) return;
        for (const [kind, value] of [
          ['phone', '+447911000105'],
          ['email', 'g@x.com'],
        ] as const) {
          const c = await db.prisma.contact.create({ data: { businessId, firstName: 'Chat', lastName: kind } });
          await db.prisma.identifier.create({ data: { businessId, kind, value, contactId: c.id } });
        }
      },
    });
    expect(status.status).toBe('completed');
    expect(await importReport(db, businessId, upload.id)).toMatchObject({ created: 6, updated: 2, failed: 0 });
    // The third batch was refused and matched again; the fourth looked G's email up and found the chat's contact.
    const retried = lines.filter((l) => l.code === '23505' || l.reason === '23505');
    expect(retried).toHaveLength(1);
    expect(lines.filter((l) => /every key is looked up from now on/.test(l.msg))).toHaveLength(1);
    expect(await contactsOf(db, businessId)).toHaveLength(8);
  });

  it('a business holding more identifiers than the filter may read: every key is looked up, and matches', async () => {
    // 10 contacts (20 identifiers) against a 1-row import: above the 4 identifiers a row left the filter may read.
    for (let i = 0; i < 10; i++) {
      const c = await db.prisma.contact.create({ data: { businessId, firstName: `P${i}`, lastName: 'X' } });
      await db.prisma.identifier.createMany({
        data: [
          { businessId, kind: 'phone', value: `+4479110002${String(i).padStart(2, '0')}`, contactId: c.id },
          { businessId, kind: 'email', value: `p${i}@x.com`, contactId: c.id },
        ],
      });
    }
    const { logger, lines } = memoryLogger();
    const { report } = await importCsv(db, businessId, `${HEAD}Pia,New,07911 000207,\n`, { logger });
    expect(report).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(lines.filter((l) => /retrying|again/.test(l.msg))).toHaveLength(0);
    const p7 = (await contactsOf(db, businessId)).find((c) => c.identifiers.some((i) => i.value === 'p7@x.com'))!;
    expect(p7).toMatchObject({ firstName: 'Pia', lastName: 'New' });
  });

  it('an archived contact and a user created before the import are found (they are in the filter)', async () => {
    const c = await db.prisma.contact.create({
      data: { businessId, firstName: 'Old', lastName: 'Archived', status: 'archived' },
    });
    await db.prisma.identifier.create({ data: { businessId, kind: 'email', value: 'old@x.com', contactId: c.id } });
    const { logger, lines } = memoryLogger();
    const { report } = await importCsv(
      db,
      businessId,
      `${HEAD}New,Name,,old@x.com\nAd,Min,,admin@acme.test\nFresh,One,07911 000301,fresh@x.com\nFresh,Two,07911 000302,\n`,
      { logger, batchSize: 2 },
    );
    expect(report).toMatchObject({ created: 2, updated: 1, failed: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ row: 3, code: 'IDENTIFIER_TAKEN' })]);
    expect(lines.filter((l) => /retrying|again/.test(l.msg))).toHaveLength(0);
    expect(await db.prisma.contact.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({
      firstName: 'New',
      status: 'archived',
    });
  });

  it('the filter holds every phone and email of the business, read over several pages, and no more than the budget', async () => {
    // 10,500 contacts with a phone and an email: 21,000 identifiers, three pages of 10,000 across both kinds (more
    // emails than a page: reading them ordered by kind as text, not as the index orders it, lost every phone).
    const { businessId: otherId } = await business(db, 'other');
    for (const id of [businessId, otherId]) {
      await db.query(
        `INSERT INTO "Contact" (id, "businessId", status, channel, "firstName", "lastName")
         SELECT gen_random_uuid(), $1, 'active', 'import', 'A', 'B' FROM generate_series(1, 10500)`,
        [id],
      );
      const prefix = id === businessId ? '' : 'x';
      await db.query(
        `INSERT INTO "Identifier" ("businessId", kind, value, "contactId")
         SELECT $1, 'phone', '+447' || lpad((row_number() over ())::text, 9, '0'), id FROM "Contact" WHERE "businessId" = $1`,
        [id],
      );
      await db.query(
        `INSERT INTO "Identifier" ("businessId", kind, value, "contactId")
         SELECT $1, 'email', $2 || 'c' || (row_number() over ()) || '@x.com', id FROM "Contact" WHERE "businessId" = $1`,
        [id, prefix],
      );
    }
    const filter = await loadKeyFilter(db.query, businessId, 0, 30_000);
    expect(filter).toBeDefined();
    let missing = 0;
    for (let i = 1; i <= 10_500; i++) {
      if (!filter!.mayHave(`p:+447${String(i).padStart(9, '0')}`)) missing++;
      if (!filter!.mayHave(`e:c${i}@x.com`)) missing++;
    }
    expect(missing).toBe(0);
    // The admin's email is in it too; the other business's emails are not (but for the filter's ~1 % mistakes).
    expect(filter!.mayHave('e:admin@acme.test')).toBe(true);
    let others = 0;
    for (let i = 1; i <= 10_500; i++) if (filter!.mayHave(`e:xc${i}@x.com`)) others++;
    expect(others).toBeLessThan(300);
    // Beyond the budget it gives up: the import then looks every key up.
    expect(await loadKeyFilter(db.query, businessId, 0, 21_000)).toBeUndefined();
  });
});
