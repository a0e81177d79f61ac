// The lookup's text[] parameters are written as array literals by the import itself (textArray): each value must
// reach the database exactly as it was, whatever characters it holds.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction, textArray } from '../../../contacts/import/transaction.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const roundTrip = (values: string[]) =>
  inTransaction(db, async (tx) =>
    (
      await tx.query<{ v: string }>('SELECT u.v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY u.n', [
        textArray(values),
      ])
    ).map((r) => r.v),
  );

it('reaches the database value for value: plain, quoted, backslashed, braces, commas, spaces, NULL-like, unicode', async () => {
  const plain = ['+447911123456', 'jane@example.com', '+12125550123'];
  expect(await roundTrip(plain)).toEqual(plain);
  const odd = ['a"b', 'back\\slash', '{x,y}', ' spaced ', 'NULL', '', 'ünïcödé ✓', '\\"', 'tab\there'];
  expect(await roundTrip([...plain, ...odd])).toEqual([...plain, ...odd]);
  expect(await roundTrip([])).toEqual([]);
});
