import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../support/db.ts';

// The identifier rule lives in the database itself: UNIQUE (businessId, kind, value) and one holder per row.
describe(`identifier uniqueness enforced by ${testDbKind()}`, () => {
  let db: Database;
  let businessId: string;
  let otherBusinessId: string;
  let contactIds: string[];

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 20 });
    const b = await db.prisma.business.create({ data: { name: 'One', slug: 'one', country: 'GB' } });
    const o = await db.prisma.business.create({ data: { name: 'Two', slug: 'two', country: 'GB' } });
    businessId = b.id;
    otherBusinessId = o.id;
    const contacts = await Promise.all(
      Array.from({ length: 21 }, (_, i) =>
        db.prisma.contact.create({ data: { businessId, firstName: `C${i}`, lastName: 'X' } }),
      ),
    );
    contactIds = contacts.map((c) => c.id);
  });
  afterAll(async () => db.close());

  it('refuses a raw INSERT that bypasses the service', async () => {
    await db.query(
      `INSERT INTO "Identifier" ("businessId", kind, value, "contactId") VALUES ($1, 'phone', '+447911000001', $2)`,
      [businessId, contactIds[0]],
    );
    await expect(
      db.query(
        `INSERT INTO "Identifier" ("businessId", kind, value, "contactId") VALUES ($1, 'phone', '+447911000001', $2)`,
        [businessId, contactIds[1]],
      ),
    ).rejects.toThrow(/unique|duplicate/i);
    // …also when the holder is a user instead of a contact.
    const user = await db.prisma.user.create({
      data: { businessId, role: 'agent', firstName: 'A', lastName: 'B', passwordHash: 'x' },
    });
    await expect(
      db.query(
        `INSERT INTO "Identifier" ("businessId", kind, value, "userId") VALUES ($1, 'phone', '+447911000001', $2)`,
        [businessId, user.id],
      ),
    ).rejects.toThrow(/unique|duplicate/i);
  });

  it('allows the same phone in another business', async () => {
    const c = await db.prisma.contact.create({ data: { businessId: otherBusinessId, firstName: 'O', lastName: 'X' } });
    await db.prisma.identifier.create({
      data: { businessId: otherBusinessId, kind: 'phone', value: '+447911000001', contactId: c.id },
    });
    expect(await db.prisma.identifier.count({ where: { value: '+447911000001' } })).toBe(2);
  });

  it('an identifier has exactly one holder', async () => {
    await expect(
      db.query(`INSERT INTO "Identifier" ("businessId", kind, value) VALUES ($1, 'email', 'nobody@example.com')`, [
        businessId,
      ]),
    ).rejects.toThrow(/Identifier_one_holder|check/i);
  });

  it('20 concurrent inserts of one phone: exactly one wins', async () => {
    const results = await Promise.allSettled(
      contactIds
        .slice(1, 21)
        .map((contactId) =>
          db.prisma.identifier.create({ data: { businessId, kind: 'phone', value: '+447700900123', contactId } }),
        ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const r of lost) expect((r.reason as { code?: string }).code).toBe('P2002');
    expect(await db.prisma.identifier.count({ where: { businessId, value: '+447700900123' } })).toBe(1);
  });

  it('a holder has one phone and one email; each holder index keeps only its own holders (partial)', async () => {
    const [contactId] = contactIds.slice(-1);
    const insert = (kind: string, value: string, holder: 'contactId' | 'userId', id: string) =>
      db.query(`INSERT INTO "Identifier" ("businessId", kind, value, "${holder}") VALUES ($1, $2, $3, $4)`, [
        businessId,
        kind,
        value,
        id,
      ]);
    await insert('email', 'last@example.com', 'contactId', contactId!);
    await expect(insert('email', 'last2@example.com', 'contactId', contactId!)).rejects.toThrow(
      /Identifier_contactId_kind_key/,
    );
    const user = await db.prisma.user.create({
      data: { businessId, role: 'agent', firstName: 'U', lastName: 'V', passwordHash: 'x' },
    });
    await insert('email', 'agent@example.com', 'userId', user.id);
    await expect(insert('email', 'agent2@example.com', 'userId', user.id)).rejects.toThrow(
      /Identifier_userId_kind_key/,
    );
    const indexes = await db.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Identifier' AND indexname LIKE '%Id_kind_key'`,
    );
    expect(Object.fromEntries(indexes.map((i) => [i.indexname, /WHERE (.*)$/.exec(i.indexdef)?.[1]]))).toEqual({
      Identifier_contactId_kind_key: '("contactId" IS NOT NULL)',
      Identifier_userId_kind_key: '("userId" IS NOT NULL)',
    });
  });
});
