// Sample sheets written from hand-made and foreign layouts (fixtures/layouts), imported end to end with the mapping
// Baton suggests: dry run, then the real run. Names, phones (the mobile wins, the other kept in notes), address cells
// split, tags, and the assigned agent by email or by name.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { business, contactsOf, importCsv } from './helpers.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const cases = [
  {
    file: 'hand-made-en.csv',
    country: 'GB',
    first: 'Jane',
    last: 'Doe',
    phone: '+447911123456',
    other: '+442079460958',
    city: 'London',
    postalCode: 'SW1A 1AA',
    tags: ['Bakery', 'VIP'],
  },
  {
    file: 'de.csv',
    country: 'DE',
    first: 'Jürgen',
    last: 'Müller',
    phone: '+4915123456789',
    other: '+49301234567',
    city: 'Berlin',
    postalCode: '10115',
    tags: ['Berlin', 'Stammkunde'],
  },
  {
    file: 'fr.csv',
    country: 'FR',
    first: 'Élodie',
    last: 'Durand',
    phone: '+33612345678',
    other: '+33142685300',
    city: 'Paris',
    postalCode: '75002',
    tags: ['Fidèle'],
  },
  {
    file: 'es.csv',
    country: 'ES',
    first: 'Lucía',
    last: 'García López',
    phone: '+34612345678',
    other: '+34912345678',
    city: 'Madrid',
    postalCode: '28013',
    tags: ['Madrid', 'Mayorista'],
  },
  {
    file: 'it.csv',
    country: 'IT',
    first: 'Giulia',
    last: 'Rossi',
    phone: '+393123456789',
    other: '+390612345678',
    city: 'Roma',
    postalCode: '00184',
    tags: ['Ristoranti'],
  },
  {
    file: 'pt.csv',
    country: 'BR',
    first: 'João',
    last: 'Silva',
    phone: '+5511912345678',
    other: '+551131234567',
    city: 'São Paulo',
    postalCode: '01310-100',
    tags: ['Atacado'],
  },
  {
    file: 'nl.csv',
    country: 'NL',
    first: 'Daan',
    last: 'Berg',
    phone: '+31612345678',
    other: '+31201234567',
    city: 'Amsterdam',
    postalCode: '1012 LG',
    tags: ['Horeca'],
  },
];

describe(`sheets in everyday layouts on ${testDbKind()}`, () => {
  for (const c of cases) {
    it(`${c.file} (business in ${c.country})`, async () => {
      const { businessId } = await business(db, c.file.replace(/\W+/g, '-').toLowerCase(), c.country);
      const sam = await createUser(
        db,
        businessId,
        { role: 'agent', firstName: 'Sam', lastName: 'Baker', email: 'sam@shop.test', password: 'a-long-password' },
        { type: 'system' },
      );
      const csv = await readFile(path.join(import.meta.dirname, 'fixtures', 'layouts', c.file));
      const rows = csv.toString().trim().split('\n').length - 1;

      const dry = await importCsv(db, businessId, csv, { dryRun: true });
      expect(dry.upload.missing).toEqual([]);
      expect(dry.report).toMatchObject({ created: rows, failed: 0, errors: [] });
      expect(await contactsOf(db, businessId)).toEqual([]);

      const { report } = await importCsv(db, businessId, csv);
      expect(report).toMatchObject({ created: rows, failed: 0, errors: [] });
      const saved = await contactsOf(db, businessId);
      const one = saved.find((s) => s.firstName === c.first)!;
      expect(one).toMatchObject({
        lastName: c.last,
        addressCity: c.city,
        addressPostalCode: c.postalCode,
        assignedAgentId: sam.id,
      });
      expect(one.identifiers.find((i) => i.kind === 'phone')?.value).toBe(c.phone);
      expect(one.notes).toContain(c.other);
      expect(one.businessName).toBeTruthy();
      expect(one.tags.map((t) => t.tag.name).sort()).toEqual(c.tags);
    });
  }

  it('the second row of the hand-made sheet: no mobile, so its home phone is the phone; address kept whole', async () => {
    const { businessId } = await business(db, 'hand-made-2', 'GB');
    await createUser(
      db,
      businessId,
      { role: 'agent', firstName: 'Sam', lastName: 'Baker', email: 'sam@shop.test', password: 'a-long-password' },
      { type: 'system' },
    );
    const csv = await readFile(path.join(import.meta.dirname, 'fixtures', 'layouts', 'hand-made-en.csv'));
    await importCsv(db, businessId, csv);
    const tom = (await contactsOf(db, businessId)).find((s) => s.firstName === 'Tom')!;
    expect(tom).toMatchObject({ lastName: 'Hill', addressLine1: 'Flat 2 Rose Court', addressCity: null });
    expect(tom.identifiers.map((i) => i.value).sort()).toEqual(['+441614960000', 'tom@example.com']);
  });

  it('an agent name two users share is refused for its row, naming the column', async () => {
    const { businessId } = await business(db, 'two-sams', 'GB');
    for (const email of ['sam@shop.test', 'sam.b@shop.test'])
      await createUser(
        db,
        businessId,
        { role: 'agent', firstName: 'Sam', lastName: 'Baker', email, password: 'a-long-password' },
        { type: 'system' },
      );
    const { report } = await importCsv(
      db,
      businessId,
      'name,surname,email,assigned agent\nAl,Ray,al@x.test,Sam Baker\n',
    );
    expect(report).toMatchObject({ created: 0, failed: 1 });
    expect(report.errors[0]).toMatchObject({ column: 'assigned agent', code: 'AGENT_NOT_FOUND' });
  });
});
