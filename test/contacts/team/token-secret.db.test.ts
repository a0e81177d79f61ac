// The key that signs tokens when BATON_TOKEN_SECRET is unset: made once and kept, the same for every caller — also
// for instances starting at the same moment on one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedTokenSecret } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';

describe(`the stored token key on ${testDbKind()}`, () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('is made once, random and long enough, and read back the same by every caller', async () => {
    await db.query(`DELETE FROM "ServerSecret"`);
    // several instances starting at once (on PostgreSQL, racing on separate connections)
    const first = await Promise.all(Array.from({ length: 8 }, () => storedTokenSecret(db)));
    expect(new Set(first).size).toBe(1);
    expect(first[0]!.length).toBeGreaterThanOrEqual(32);
    expect(await storedTokenSecret(db)).toBe(first[0]);
    expect(await db.query(`SELECT name FROM "ServerSecret"`)).toEqual([{ name: 'token-secret' }]);
    // another database would make another key
    await db.query(`DELETE FROM "ServerSecret"`);
    expect(await storedTokenSecret(db)).not.toBe(first[0]);
  });
});
