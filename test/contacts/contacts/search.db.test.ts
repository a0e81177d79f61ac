// Contact search: every kind of search finds the right contacts, and its query is served by an index (EXPLAIN),
// on PGlite and on PostgreSQL alike. The benchmark (npm run bench -- search) measures the speed at 1M contacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_LAST, fillContacts } from '../../../bench/search/fill.ts';
import {
  archiveContact,
  createBusiness,
  createContact,
  createTag,
  listContacts,
  restoreContact,
  setContactTags,
  updateContact,
} from '../../../contacts/index.ts';
import { contactPageSql, containsPattern, pageCardsSql, phoneDigits } from '../../../contacts/contacts/queries.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { databaseLowering } from '../../../contacts/import/batch-write.ts';
import { importCsv } from '../import/helpers.ts';

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

const page = (search: string | undefined, tagId: string | null = null, window?: number) =>
  contactPageSql(businessId, { status: 'active', search, limit: 50 }, tagId, null, window);

async function tagId(nameKey: string): Promise<string> {
  const [tag] = await db.query<{ id: string }>(`SELECT id FROM "Tag" WHERE "businessId" = $1 AND "nameKey" = $2`, [
    businessId,
    nameKey,
  ]);
  return tag!.id;
}

/** Contacts whose searchText is not what the triggers' function makes of their names and email now. */
async function staleSearchTexts(): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Contact" c WHERE c."searchText" IS DISTINCT FROM contact_search_text(c."firstName",
       c."middleName", c."lastName", c."businessName",
       (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email'))`,
  );
  return row!.n;
}

/** Tag links whose copy of their contact's status and createdAt (the tag order) is not the contact's. */
async function staleTagOrders(): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "ContactTag" t LEFT JOIN "Contact" c ON c.id = t."contactId"
     WHERE t."contactStatus" IS DISTINCT FROM c.status OR t."contactCreatedAt" IS DISTINCT FROM c."createdAt"`,
  );
  return row!.n;
}

describe(`contact search on ${testDbKind()}`, () => {
  it('the import-style fill ended with statistics (ANALYZE) and wrote searchText as the triggers would', async () => {
    const [row] = await db.query<{ analyzed: boolean }>(
      `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'Contact'`,
    );
    expect(row?.analyzed).toBe(true);
    expect(await staleSearchTexts()).toBe(0);
  });

  it('first page and cursor: the (businessId, status, createdAt, id) index, no sort', async () => {
    const { indexed, recent, matches } = contactPageSql(businessId, { status: 'active', limit: 50 }, null, {
      createdAt: new Date('2026-01-01T00:30:00Z'),
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(recent).toBeNull();
    expect(matches).toBeNull();
    const plan = await planOf(indexed.text, indexed.params);
    expect(plan).toContain('Contact_businessId_status_createdAt_id_idx');
    expect(plan).not.toMatch(/Sort/);
  });

  it('words: the newest contacts walked in order (no sort), or the trigram index on searchText', async () => {
    for (const search of ['mith', 'james smith', '@gmail']) {
      const { recent, matches } = page(search);
      const walk = await planOf(recent!.text, recent!.params);
      expect(walk).toMatch(/Index Scan Backward using "Contact_businessId_status_createdAt_id_idx"/);
      expect(walk).not.toMatch(/Sort|Seq Scan/);
      const found = await planOf(matches!.text, matches!.params);
      expect(found).toContain('Contact_searchText_trgm_idx');
      expect(found).not.toMatch(/Seq Scan/);
    }
    // A tag with words, phone digits: tested contact by contact along the walk (no join that would read the whole
    // window).
    for (const sql of [page('a', await tagId('t1')).recent!, page('7911').recent!]) {
      const walk = await planOf(sql.text, sql.params);
      expect(walk).toMatch(/Index (Only )?Scan Backward using "Contact_businessId_status_createdAt_id_idx"/);
      expect(walk).not.toMatch(/Sort|Hash|Seq Scan/);
    }
    // Two words: one scan of the trigram index holding both.
    const { matches } = page('james smith');
    expect(await planOf(matches!.text, matches!.params)).toMatch(
      /Index Cond: \(\("searchText" ~~ '%james%'::text\) AND \("searchText" ~~ '%smith%'::text\)\)/,
    );
  });

  it('phone digits: the trigram index on phones', async () => {
    const { matches } = page('911 123');
    const plan = await planOf(matches!.text, matches!.params);
    expect(plan).toContain('Identifier_phone_trgm_idx');
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("a tag alone: ContactTag's tag order index only; a tag on many contacts one walk of it, no sort, also from a cursor", async () => {
    const cursors = [null, { createdAt: new Date('2026-01-01T00:30:00Z'), id: '00000000-0000-4000-8000-000000000000' }];
    const planOfTag = async (id: string, cursor: (typeof cursors)[number]) => {
      const { indexed, recent, matches } = contactPageSql(businessId, { status: 'active', limit: 50 }, id, cursor);
      expect(recent).toBeNull();
      expect(matches).toBeNull();
      const plan = await planOf(indexed.text, indexed.params);
      expect(plan).toContain('ContactTag_tagId_contactStatus_contactCreatedAt_contactId_idx');
      expect(plan).not.toMatch(/Seq Scan|"Contact"/);
      return plan;
    };
    // A small tag (VIP: a few contacts here) may be read whole and sorted: that is a few rows.
    for (const cursor of cursors) await planOfTag(await tagId('vip'), cursor);
    // A tag on every contact: the walk, stopping at a page.
    const [everyone] = await db.query<{ id: string }>(
      `INSERT INTO "Tag" (id, "businessId", name, "nameKey", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'Everyone', 'everyone', now()) RETURNING id`,
      [businessId],
    );
    await db.query(
      `INSERT INTO "ContactTag" ("contactId", "tagId") SELECT id, $2 FROM "Contact" WHERE "businessId" = $1`,
      [businessId, everyone!.id],
    );
    await db.query('ANALYZE "ContactTag"');
    try {
      for (const cursor of cursors) {
        const plan = await planOfTag(everyone!.id, cursor);
        expect(plan).toMatch(
          /Index (Only )?Scan Backward using "ContactTag_tagId_contactStatus_contactCreatedAt_contactId_idx"/,
        );
        expect(plan).not.toMatch(/Sort/);
      }
    } finally {
      await db.query(`DELETE FROM "Tag" WHERE id = $1`, [everyone!.id]);
      await db.query('ANALYZE "ContactTag"');
    }
    // With words: the contacts' filters, the tag by ContactTag's keys.
    const { matches } = page('a', await tagId('vip'));
    const plan = await planOf(matches!.text, matches!.params);
    expect(plan).toMatch(/ContactTag_(pkey|tagId_contactStatus_contactCreatedAt_contactId_idx)/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("a page's cards in the same statement: the page's own plan, then every card by its keys", async () => {
    const first = contactPageSql(businessId, { status: 'active', limit: 50 }, null, null).indexed;
    const plan = await planOf(pageCardsSql(first, 50).text, first.params);
    // the page as planned alone (a CTE of its own), then one key lookup per part of a card
    expect(plan).toMatch(
      /CTE page[\s\S]*Index (Only )?Scan Backward using "Contact_businessId_status_createdAt_id_idx"/,
    );
    for (const key of ['Contact_pkey', 'Identifier_contactId_kind_key', 'ContactTag_pkey']) expect(plan).toContain(key);
    expect(plan).not.toMatch(/Seq Scan on "(Contact|Identifier|ContactTag)"/);
    // and the same cards, in the page's order, as the statement alone finds
    const ids = (await db.query<{ id: string }>(first.text, first.params)).map((r) => r.id);
    const cards = await db.query<{ id: string }>(pageCardsSql(first, 50).text, first.params);
    expect(cards.map((c) => c.id)).toEqual(ids);
    // The window's statement (fullOnly) reads no cards unless it found more than a page.
    const rare = page('zzzz', null, 100).recent!;
    expect(await db.query(pageCardsSql(rare, 50, true).text, rare.params)).toEqual([]);
    const common = page('a', null, 5000).recent!;
    expect(await db.query(pageCardsSql(common, 50, true).text, common.params)).toHaveLength(51);
    expect(await db.query(pageCardsSql(common, 51, true).text, common.params)).toHaveLength(0);
  });

  it('every kind of search finds exactly the contacts that hold the words, newest first, by every route', async () => {
    type Row = {
      id: string;
      at: Date;
      first: string | null;
      last: string | null;
      business: string | null;
      email: string | null;
      phone: string | null;
      tags: string[];
    };
    const all = await db.query<Row>(
      `SELECT c.id, c."createdAt" AS at, c."firstName" AS first, c."lastName" AS last, c."businessName" AS business,
         (SELECT value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email') AS email,
         (SELECT value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'phone') AS phone,
         ARRAY(SELECT tg."nameKey" FROM "ContactTag" t JOIN "Tag" tg ON tg.id = t."tagId" WHERE t."contactId" = c.id) AS tags
       FROM "Contact" c WHERE c."businessId" = $1 AND c.status = 'active'`,
      [businessId],
    );
    const newestFirst = (a: Row, b: Row) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    all.sort(newestFirst);
    // What search meant before searchText: every word in a name or the business name (ILIKE) or the email.
    const holds = (c: Row, search: string) => {
      const digits = phoneDigits(search);
      if (digits) return (c.phone ?? '').includes(digits);
      return search
        .split(/\s+/)
        .filter(Boolean)
        .every(
          (w) =>
            [c.first, c.last, c.business].some((x) => x?.toLowerCase().includes(w.toLowerCase())) ||
            (c.email ?? '').includes(w.toLowerCase()),
        );
    };
    const rare = all.find((c) => c.last && !COMMON_LAST.includes(c.last))!;
    const sample = all.find((c) => c.email && c.phone && c.first && c.last)!;
    const cases: { search?: string; tag?: string }[] = [
      { search: 'Smith' },
      { search: 'sMiTh' },
      { search: 'mit' },
      { search: rare.last! },
      { search: `${sample.first} ${sample.last}` },
      { search: `${sample.last!.slice(1, 4)}   ${sample.first!.slice(0, 3).toUpperCase()}` },
      { search: sample.email!.split('@')[0]!.slice(-7) },
      { search: '@gmail' },
      { search: 'hotmail.co.uk' },
      { search: 'acme ltd' },
      { search: sample.phone!.slice(-4) },
      { search: 'zzzz' },
      { tag: 'vip' },
      { tag: 't1' },
      { tag: 't2', search: 'a' },
    ];
    const idsOf = async (sql: { text: string; params: unknown[] }) =>
      (await db.query<{ id: string }>(sql.text, sql.params)).map((r) => r.id);
    for (const c of cases) {
      const expected = all.filter((x) => (!c.search || holds(x, c.search)) && (!c.tag || x.tags.includes(c.tag)));
      // listContacts, every page by cursor
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const p = await listContacts(db, businessId, { ...c, limit: 50, cursor });
        seen.push(...p.items.map((i) => i.id));
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, JSON.stringify(c)).toEqual(expected.map((x) => x.id));
      // each statement alone: the first page, also with a window smaller than the business
      const first = expected.slice(0, 51).map((x) => x.id);
      for (const window of [20, 500, 5000]) {
        const sql = page(c.search, c.tag ? await tagId(c.tag) : null, window);
        expect(await idsOf(sql.indexed), JSON.stringify(c)).toEqual(first);
        if (!sql.recent) continue; // a tag alone: one statement
        expect(await idsOf(sql.matches!), JSON.stringify(c)).toEqual(first);
        const recent = await idsOf(sql.recent);
        // the window's matches: the page itself when they fill it, else only those among the `window` newest
        const inWindow = all
          .slice(0, window)
          .filter((x) => first.includes(x.id))
          .map((x) => x.id);
        expect(recent, JSON.stringify(c)).toEqual(recent.length === 51 ? first : inWindow);
      }
    }
  });

  it('the triggers keep searchText through every write: new contacts, names, emails added, changed, moved, removed', async () => {
    const a = await createContact(
      db,
      businessId,
      { firstName: 'Zebedee', lastName: 'Quaxley', email: 'zeb@Quax.test' },
      { type: 'system' },
    );
    const b = await createContact(
      db,
      businessId,
      { firstName: 'Ottoline', lastName: 'Pemberly', phone: '07911 000321' },
      { type: 'system' },
    );
    const find = async (search: string) => (await listContacts(db, businessId, { search })).items.map((c) => c.id);
    expect(await find('quaxley zeb@quax')).toEqual([a.id]);
    await updateContact(db, businessId, a.id, { lastName: 'Quinby', businessName: 'Hoolio' }, { type: 'system' });
    expect(await find('quaxley')).toEqual([]);
    expect(await find('QUINBY hoolio zeb@')).toEqual([a.id]);
    await updateContact(db, businessId, a.id, { email: 'z.q@elsewhere.test' }, { type: 'system' });
    expect(await find('zeb@')).toEqual([]);
    expect(await find('elsewhere')).toEqual([a.id]);
    await updateContact(db, businessId, b.id, { email: 'otto@line.test' }, { type: 'system' });
    expect(await find('otto@line')).toEqual([b.id]);
    await db.query(`DELETE FROM "Identifier" WHERE "contactId" = $1 AND value = 'otto@line.test'`, [b.id]);
    await db.query(`UPDATE "Identifier" SET "contactId" = $1 WHERE "contactId" = $2 AND kind = 'email'`, [b.id, a.id]);
    expect(await find('elsewhere')).toEqual([b.id]);
    expect(await find('otto@line')).toEqual([]);
    await updateContact(db, businessId, b.id, { email: null }, { type: 'system' });
    expect(await find('elsewhere')).toEqual([]);
    expect(await staleSearchTexts()).toBe(0);
  });

  it('an import (COPY, foreign key triggers skipped) keeps searchText too: new contacts and updated ones', async () => {
    const first = 'First Name,Last Name,E-mail Address\nImogen,Farthingale,imo@farthing.test\nUlric,Vantongeren,\n';
    expect((await importCsv(db, businessId, first)).status.status).toBe('completed');
    const find = async (search: string) => (await listContacts(db, businessId, { search })).items.length;
    expect(await find('farthingale imo@farthing')).toBe(1);
    const second =
      'First Name,Last Name,E-mail Address\nImogen,Farthingale-Hall,imo@farthing.test\nUlric,Vantongeren,ulric@vt.test\n';
    expect((await importCsv(db, businessId, second)).status.status).toBe('completed');
    expect(await find('farthingale-hall')).toBe(1);
    expect(await find('vantongeren ulric@vt')).toBe(1);
    expect(await staleSearchTexts()).toBe(0);
  });

  it('an import writes searchText itself exactly as the trigger would: new, renamed, re-emailed, beyond ASCII', async () => {
    // The import writes the text with the triggers off (baton.search_text_by_writer): only if the database lowers
    // ASCII as JavaScript does, which both databases here do; the rest of the rows below is lowered by the database.
    const lowering = await databaseLowering(db);
    expect(lowering).not.toBeNull();
    expect(lowering![0x41]).toBe(1);
    const mapping = {
      First: 'firstName',
      Middle: 'middleName',
      Last: 'lastName',
      Company: 'businessName',
      Email: 'email',
      Phone: 'phone',
    } as const;
    const csv = (rows: string[]) => `First,Middle,Last,Company,Email,Phone\n${rows.join('\n')}\n`;
    const first = csv([
      'Wilhelmina,Q,Trelawney,Trelawney & Sons,Wil.T@Trel.test,07911 000401',
      'Éloïse,,Ångström,,eloise@angst.test,07911 000402',
      'İpek,,STRAẞE,ΣΟΦΊΑ Ltd,,07911 000403',
      ',,Nameless,,,07911 000404',
      'Barnaby,,Quill,,,07911 000405',
      'Cordelia,,Vex,,cordelia@vex.test,07911 000406',
    ]);
    const r1 = await importCsv(db, businessId, first, { mapping });
    expect(r1.status.status).toBe('completed');
    expect(r1.report, JSON.stringify(r1.report)).toMatchObject({ failed: 0 });
    expect(r1.status.created).toBe(6);
    expect(await staleSearchTexts()).toBe(0);
    // Matched by phone: names changed, an email added, an email changed, an email moved to a contact the file
    // creates (freed by Cordelia in the same file), a name beyond ASCII.
    const second = csv([
      'Wilhelmina,,Trelawney-Smythe,,wil.t@trel.test,07911 000401',
      'Éloïse,,Ångström,,eloise@new.test,07911 000402',
      'Ipek,,Straße,,ipek@strasse.test,07911 000403',
      'Barnaby,,Quill,,barnaby@quill.test,07911 000405',
      'Cordelia,,Vex,,cv@vex.test,07911 000406',
      'Dorian,,Vex,,cordelia@vex.test,07911 000407',
    ]);
    const r2 = await importCsv(db, businessId, second, { mapping, batchSize: 2 });
    expect(r2.status.status).toBe('completed');
    expect([r2.status.created, r2.status.updated]).toEqual([1, 5]);
    expect(await staleSearchTexts()).toBe(0);
    const find = async (search: string) => (await listContacts(db, businessId, { search })).items.length;
    expect(await find('trelawney-smythe wil.t@trel')).toBe(1);
    expect(await find('barnaby@quill')).toBe(1);
    expect(await find('dorian cordelia@vex')).toBe(1);
    // The setting lasted only the import's transactions: a write after it is kept by the triggers again.
    const [setting] = await db.query<{ v: string | null }>(
      `SELECT current_setting('baton.search_text_by_writer', true) AS v`,
    );
    expect(setting?.v ?? '').not.toBe('on');
    await db.query(`UPDATE "Contact" SET "lastName" = 'Quillon' WHERE "businessId" = $1 AND "lastName" = 'Quill'`, [
      businessId,
    ]);
    expect(await find('quillon barnaby@quill')).toBe(1);
    expect(await staleSearchTexts()).toBe(0);
  });

  it("the triggers keep a tag link's copy of its contact's status and createdAt: tagged, archived, restored, moved, imported", async () => {
    expect(await staleTagOrders()).toBe(0); // the fill wrote them itself
    const system = { type: 'system' } as const;
    const tag = await createTag(db, businessId, 'Order test', system);
    const c = await createContact(
      db,
      businessId,
      { firstName: 'Tobias', lastName: 'Tagwell', phone: '07911 000501' },
      system,
    );
    const d = await createContact(
      db,
      businessId,
      { firstName: 'Una', lastName: 'Tagwell', phone: '07911 000502' },
      system,
    );
    const listed = async (status?: 'archived') =>
      (await listContacts(db, businessId, { tag: tag.id, status })).items.map((x) => x.id);
    await setContactTags(db, businessId, c.id, [tag.id], system); // Prisma's createMany: the trigger fills them
    await setContactTags(db, businessId, d.id, [tag.id], system);
    expect(await listed()).toEqual([d.id, c.id]);
    expect(await staleTagOrders()).toBe(0);
    await archiveContact(db, businessId, c.id, system);
    expect(await staleTagOrders()).toBe(0);
    expect(await listed()).toEqual([d.id]);
    expect(await listed('archived')).toEqual([c.id]);
    await restoreContact(db, businessId, c.id, system);
    expect(await listed()).toEqual([d.id, c.id]);
    await db.query(`UPDATE "Contact" SET "createdAt" = "createdAt" + interval '1 day' WHERE id = $1`, [c.id]);
    expect(await listed()).toEqual([c.id, d.id]);
    // a link moved to another contact takes the new one's
    const e = await createContact(
      db,
      businessId,
      { firstName: 'Vera', lastName: 'Tagwell', phone: '07911 000503' },
      system,
    );
    await archiveContact(db, businessId, e.id, system);
    await db.query(`UPDATE "ContactTag" SET "contactId" = $1 WHERE "contactId" = $2 AND "tagId" = $3`, [
      e.id,
      d.id,
      tag.id,
    ]);
    expect(await staleTagOrders()).toBe(0);
    expect(await listed()).toEqual([c.id]);
    expect(await listed('archived')).toEqual([e.id]);
    // an import's links: new contacts and existing ones (matched by phone), with the import's own statement
    const csv =
      'First Name,Last Name,Mobile Phone,Tags\nTobias,Tagwell,07911 000501,"Order test, Imported"\n' +
      'Wanda,Tagwell,07911 000504,Order test\n';
    expect((await importCsv(db, businessId, csv)).status.status).toBe('completed');
    expect(await staleTagOrders()).toBe(0);
    const wanda = (await listContacts(db, businessId, { search: 'wanda tagwell' })).items[0]!;
    expect(await listed()).toEqual([c.id, wanda.id]); // c a day ahead (above)
    expect((await listContacts(db, businessId, { tag: 'imported' })).items.map((x) => x.id)).toEqual([c.id]);
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
    const [active] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Contact" WHERE "businessId" = $1 AND status = 'active'`,
      [businessId],
    );
    expect(seen.length).toBe(active!.n);
  });
});
