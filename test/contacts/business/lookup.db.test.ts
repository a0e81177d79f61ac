import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusiness, createBusinessLookup, updateBusiness } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';

describe(`the cached business lookup on ${testDbKind()}`, () => {
  let db: Database;
  let first: { id: string; adminId: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    const a = await createBusiness(db, {
      name: 'First',
      slug: 'first',
      country: 'GB',
      admin: { email: 'a@first.test', password: 'long-enough-password' },
    });
    first = { id: a.business.id, adminId: a.admin.id };
    await createBusiness(db, {
      name: 'Second',
      slug: 'second',
      country: 'FR',
      admin: { email: 'a@second.test', password: 'long-enough-password' },
    });
  });
  afterAll(async () => db.close());

  it('finds by slug, by id, and the default (first created) when no slug is named', async () => {
    const lookup = createBusinessLookup(db, { ttlMs: 0 });
    expect(await lookup.bySlug('second')).toMatchObject({ name: 'Second', country: 'FR' });
    expect(await lookup.bySlug()).toMatchObject({ id: first.id, slug: 'first' });
    expect(await lookup.byId(first.id)).toMatchObject({ slug: 'first' });
    await expect(lookup.bySlug('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'business' });
  });

  it('reuses an answer until it is ttlMs old, and never keeps a failure', async () => {
    let clock = 0;
    const lookup = createBusinessLookup(db, { ttlMs: 10_000, now: () => clock });
    expect((await lookup.byId(first.id)).name).toBe('First');
    await updateBusiness(db, first.id, { name: 'Renamed' }, { type: 'user', userId: first.adminId });
    expect((await lookup.byId(first.id)).name).toBe('First');
    clock = 10_000;
    expect((await lookup.byId(first.id)).name).toBe('Renamed');

    await expect(lookup.bySlug('third')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await createBusiness(db, {
      name: 'Third',
      slug: 'third',
      country: 'GB',
      admin: { email: 'a@third.test', password: 'long-enough-password' },
    });
    expect((await lookup.bySlug('third')).name).toBe('Third');
  });
});
