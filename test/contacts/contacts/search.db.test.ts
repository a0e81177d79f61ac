// Contact search: every kind of search finds the right contacts, and its query is served by an index (EXPLAIN),
// on PGlite and on PostgreSQL alike. The benchmark (npm run bench -- search) measures the speed at 1M contacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillContacts } from '../../../bench/search/fill.ts';
import { createBusiness, listContacts } from '../../../contacts/index.ts';
import { contactPageSql, containsPattern } from '../../../contacts/contacts/queries.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';

const N = 3000;
let db: Database;
let businessId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const { business } = await createBusiness(db, {
    name: 'Search',
    slug: 'search',
    country: 'GB',
    admin: { email: 'admin@search.test', password: 'correct horse battery' },
  });
  businessId = business.id;
  await fillContacts(db, businessId, N);
}, 120_000);
afterAll(async () => {
  await db.close();
});

/** The plan of one statement with sequential scans priced out: which index (if any) can serve it. */
async function planOf(text: string, params: unknown[]): Promise<string> {
  const explain = `EXPLAIN (COSTS OFF) ${text}`;
  if (db.driver.kind === 'pglite') {
    const pglite = db.driver.pglite;
    return pglite.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(explain, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }
  const client = await db.driver.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(explain, params);
    await client.query('COMMIT');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

const page = (search: string | undefined, tagId: string | null = null) =>
  contactPageSql(businessId, { status: 'active', search, limit: 50 }, tagId, null);

describe(`contact search on ${testDbKind()}`, () => {
  it('the import-style fill ended with statistics (ANALYZE)', async () => {
    const [row] = await db.query<{ analyzed: boolean }>(
      `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'Contact'`,
    );
    expect(row?.analyzed).toBe(true);
  });

  it('first page and cursor: the (businessId, status, createdAt, id) index, no sort', async () => {
    const { text, params } = contactPageSql(businessId, { status: 'active', limit: 50 }, null, {
      createdAt: new Date('2026-01-01T00:30:00Z'),
      id: '00000000-0000-4000-8000-000000000000',
    });
    const plan = await planOf(text, params);
    expect(plan).toContain('Contact_businessId_status_createdAt_id_idx');
    expect(plan).not.toMatch(/Sort/);
  });

  it('a name fragment: the trigram index on the names; an email fragment: the one on emails', async () => {
    const plan = await planOf(page('mith').text, page('mith').params);
    expect(plan).toContain('Contact_names_trgm_idx');
    expect(plan).toContain('Identifier_email_trgm_idx');
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('phone digits: the trigram index on phones', async () => {
    const { text, params } = page('911 123');
    const plan = await planOf(text, params);
    expect(plan).toContain('Identifier_phone_trgm_idx');
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('a tag: ContactTag by its keys', async () => {
    const [tag] = await db.query<{ id: string }>(`SELECT id FROM "Tag" WHERE "businessId" = $1 AND "nameKey" = 'vip'`, [
      businessId,
    ]);
    const { text, params } = page(undefined, tag!.id);
    const plan = await planOf(text, params);
    expect(plan).toMatch(/ContactTag_(pkey|tagId_idx)/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('finds by last name, by first and last name, by email fragment, by any 4+ digits of a phone, by tag', async () => {
    const [sample] = await db.query<{ id: string; first: string; last: string; email: string; phone: string }>(
      `SELECT c.id, c."firstName" AS first, c."lastName" AS last, e.value AS email, p.value AS phone
       FROM "Contact" c JOIN "Identifier" e ON e."contactId" = c.id AND e.kind = 'email'
       JOIN "Identifier" p ON p."contactId" = c.id AND p.kind = 'phone'
       WHERE c."businessId" = $1 AND c.status = 'active' ORDER BY c."createdAt" DESC LIMIT 1`,
      [businessId],
    );
    const s = sample!;
    const ids = async (q: Parameters<typeof listContacts>[2]) =>
      (await listContacts(db, businessId, { ...q, limit: 200 })).items.map((c) => c.id);
    expect(await ids({ search: s.last.toUpperCase() })).toContain(s.id);
    expect(await ids({ search: `${s.first} ${s.last.slice(1, 5)}` })).toContain(s.id);
    const local = s.email.split('@')[0]!;
    expect(await ids({ search: `${local.slice(-6)}@` })).toEqual([s.id]);
    expect(await ids({ search: s.phone.slice(-4) })).toContain(s.id);
    expect(await ids({ search: s.phone.slice(3, 10) })).toEqual([s.id]);
    // every result really holds the fragment
    const byName = await listContacts(db, businessId, { search: s.last, limit: 200 });
    for (const c of byName.items)
      expect(`${c.firstName} ${c.lastName} ${c.email}`.toLowerCase()).toContain(s.last.toLowerCase());
    const vip = await listContacts(db, businessId, { tag: 'VIP', limit: 200 });
    expect(vip.items.length).toBe(Math.floor((N - 7) / 1000) + 1);
    for (const c of vip.items) expect(c.tags.map((t) => t.name)).toContain('VIP');
  });

  it('LIKE wildcards in a search match themselves', async () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
    expect((await listContacts(db, businessId, { search: '%' })).items).toEqual([]);
    expect((await listContacts(db, businessId, { search: '_' })).items).toEqual([]);
  });

  it('walking every page by cursor returns every active contact once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let last = Infinity;
    do {
      const p = await listContacts(db, businessId, { limit: 200, cursor });
      for (const c of p.items) {
        expect(new Date(c.createdAt).getTime()).toBeLessThanOrEqual(last);
        last = new Date(c.createdAt).getTime();
        seen.push(c.id);
      }
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(N - Math.floor(N / 50));
  });
});
