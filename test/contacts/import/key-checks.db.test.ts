// A batch written without PostgreSQL's per-row foreign key checks (PGlite, or a superuser on PostgreSQL) checks and
// locks the rows it refers to itself: a tag deleted since an earlier batch sends the batch back, and nothing points to
// a missing row. Without the privilege (an ordinary database user), PostgreSQL checks every key as usual.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changes, type Entity } from '../../../contacts/import/batch.ts';
import { CONTACT_COLUMNS } from '../../../contacts/import/fields.ts';
import { newId } from '../../../contacts/import/ids.ts';
import { createImport, startImport } from '../../../contacts/import/index.ts';
import { planBatch } from '../../../contacts/import/batch-plan.ts';
import { canSkipKeyChecks, executePlan } from '../../../contacts/import/batch-write.ts';
import { inTransaction } from '../../../contacts/import/transaction.ts';
import { openDatabase, type Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { business, contactsOf, importCsv, tempFile } from './helpers.ts';

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

function newContact(first: string, tag: string): Entity {
  const fields = Object.fromEntries(CONTACT_COLUMNS.map((c) => [c, null])) as Entity['fields'];
  return {
    id: newId(),
    isNew: true,
    status: 'active',
    fields: { ...fields, firstName: first, lastName: 'Doe' },
    assignedAgentId: null,
    phone: null,
    email: `${first.toLowerCase()}@x.com`,
    tagKeys: new Set([tag.toLowerCase()]),
    tagNames: new Map([[tag.toLowerCase(), tag]]),
    before: undefined,
  };
}

/** The plan of a batch that creates one contact. */
const planOne = (contact: Entity, businessId: string, jobId: string) =>
  planBatch({
    from: 0,
    businessId,
    jobId,
    actorId: null,
    entities: [contact],
    changes: new Map([[contact, changes(contact)]]),
    errors: [],
    progress: { processedRows: 1, created: 1, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
    dryRun: false,
  });

describe('foreign keys of a batch', () => {
  it('a tag id kept from an earlier batch and deleted since: the batch is refused whole, then written with the tag again', async () => {
    // The test database user is a superuser on PostgreSQL, and PGlite always is: the batch does the checking.
    expect(await canSkipKeyChecks(db)).toBe(true);
    const upload = await createImport(db, {
      businessId,
      fileName: 'c.csv',
      filePath: await tempFile(`${HEAD}Jane,Doe,,jane@x.com,VIP\n`),
    });
    await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
    const jane = newContact('Jane', 'VIP');
    const plan = planOne(jane, businessId, upload.id);
    // The id an earlier batch got for "vip", whose tag an admin has deleted since.
    const tagIds = new Map([['vip', newId()]]);
    await expect(inTransaction(db, (tx) => executePlan(tx, plan, tagIds, true))).rejects.toMatchObject({
      code: '23503',
    });
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(0);
    expect(await db.prisma.identifier.count({ where: { businessId, contactId: { not: null } } })).toBe(0);

    // The import's retry reads the tag ids again.
    tagIds.clear();
    await inTransaction(db, (tx) => executePlan(tx, plan, tagIds, true));
    const [saved] = await contactsOf(db, businessId);
    expect(saved!.tags.map((t) => t.tag.name)).toEqual(['VIP']);
    const dangling = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ContactTag" ct LEFT JOIN "Tag" t ON t.id = ct."tagId"
       LEFT JOIN "Contact" c ON c.id = ct."contactId" WHERE t.id IS NULL OR c.id IS NULL`,
    );
    expect(dangling[0]!.n).toBe(0);
  });

  it('a business that is gone: nothing is written', async () => {
    const jane = newContact('Jane', 'VIP');
    const plan = planOne(jane, newId(), newId());
    await expect(inTransaction(db, (tx) => executePlan(tx, plan, new Map(), true))).rejects.toMatchObject({
      code: '23503',
    });
    expect(await db.prisma.contact.count()).toBe(0);
  });

  it.skipIf(testDbKind() === 'pglite')(
    'an ordinary (not superuser) PostgreSQL user imports with every key checked by PostgreSQL',
    async () => {
      if (db.driver.kind !== 'postgres') throw new Error('needs PostgreSQL');
      const role = `baton_plain_${randomBytes(4).toString('hex')}`;
      const url = new URL(String(db.driver.pool.options.connectionString));
      await db.query(`CREATE ROLE ${role} LOGIN`);
      await db.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
      url.username = role;
      const plain = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 3 });
      try {
        expect(await canSkipKeyChecks(plain)).toBe(false);
        const csv = `${HEAD}Jane,Doe,07911 123456,jane@x.com,VIP\nJohn,Roe,,john@x.com,"VIP,London"\nJane,Doe,,jane@x.com,Old\nZoë,Ẓ,,zoe@x.com,\nZoë,Ångström,,zoe@x.com,\n`;
        const { status, report } = await importCsv(plain, businessId, csv, { batchSize: 1 });
        expect(status.status).toBe('completed');
        expect(report).toMatchObject({ created: 3, updated: 2, failed: 0 });
        // Contact.searchText, written by the import (identifiers after their contacts here; Ẓ lowered by the
        // database), is what the triggers' function makes of the names and email.
        const stale = await db.query(
          `SELECT id FROM "Contact" c WHERE c."searchText" IS DISTINCT FROM contact_search_text(c."firstName",
             c."middleName", c."lastName", c."businessName",
             (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email'))`,
        );
        expect(stale).toEqual([]);
        const contacts = await contactsOf(db, businessId);
        expect(
          contacts
            .find((c) => c.firstName === 'John')!
            .tags.map((t) => t.tag.name)
            .sort(),
        ).toEqual(['London', 'VIP']);
      } finally {
        await plain.close();
        await db.query(`DROP OWNED BY ${role}`);
        await db.query(`DROP ROLE ${role}`);
      }
    },
  );
});
