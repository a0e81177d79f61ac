// Reading contacts: the card beside a chat, and the searchable, paginated list.
import { z } from 'zod';
import { lineText, plainString } from '../text/index.ts';
import type { Contact, Database } from '../../prisma/index.ts';
import { addressOf } from './contact-fields.ts';
import { isGuestEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { parseOrThrow } from '../shared/validation.ts';

export interface ContactCard {
  id: string;
  status: 'guest' | 'active' | 'archived';
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  /** "Jane Smith"; the guest's pseudonym; "Name unknown (Guest Rapid Wren)" for a contact saved without a real name */
  displayName: string;
  /** saved from a chat without a real name: the names still hold the guest's pseudonym until someone fills them in */
  nameUnknown: boolean;
  businessName: string | null;
  /** null for a guest's pseudonymous email */
  email: string | null;
  phone: string | null;
  tags: { id: string; name: string }[];
  assignedAgent: { id: string; name: string } | null;
  notes: string | null;
  /** answered STOP to a broadcast (or an agent set it): skipped by broadcasts */
  broadcastOptOut: boolean;
  channel: string;
  address: Address;
  billingAddress: Address;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type Address = ReturnType<typeof addressOf>;

/** What a card is made of: the contact's columns, its email and phone, its tags and its agent (cardSql's rows). */
type CardRow = Pick<
  Contact,
  | 'id'
  | 'status'
  | 'firstName'
  | 'middleName'
  | 'lastName'
  | 'nameUnknown'
  | 'businessName'
  | 'addressLine1'
  | 'addressLine2'
  | 'addressCity'
  | 'addressRegion'
  | 'addressPostalCode'
  | 'addressCountry'
  | 'billingAddressLine1'
  | 'billingAddressLine2'
  | 'billingAddressCity'
  | 'billingAddressRegion'
  | 'billingAddressPostalCode'
  | 'billingAddressCountry'
  | 'channel'
  | 'notes'
  | 'broadcastOptOut'
  | 'archivedAt'
  | 'createdAt'
  | 'updatedAt'
> & {
  email: string | null;
  phone: string | null;
  /** null when the contact has no tags */
  tags: { id: string; name: string }[] | null;
  assignedAgent: { id: string; firstName: string; lastName: string } | null;
};

/**
 * The cards of the contacts `from` names (a FROM clause whose rows are `c`, the Contact table), in one statement: each
 * part by its key — the email and phone by ("contactId", kind), one value each; the tags by ContactTag's primary key,
 * each name by Tag's; the agent by User's. Prisma's `include` took four statements and most of a list page's time;
 * a join of ContactTag and Tag per contact was planned as a hash of every tag of the business, built again for each
 * contact (docs/performance.md).
 */
export const cardSql = (from: string) => `SELECT c.id, c.status, c."firstName", c."middleName", c."lastName",
    c."nameUnknown", c."businessName", c."addressLine1", c."addressLine2", c."addressCity", c."addressRegion",
    c."addressPostalCode", c."addressCountry", c."billingAddressLine1", c."billingAddressLine2", c."billingAddressCity",
    c."billingAddressRegion", c."billingAddressPostalCode", c."billingAddressCountry", c.channel, c.notes,
    c."broadcastOptOut", c."archivedAt", c."createdAt", c."updatedAt",
    (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email') AS email,
    (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'phone') AS phone,
    (SELECT json_agg(json_build_object('id', ct."tagId", 'name', (SELECT t.name FROM "Tag" t WHERE t.id = ct."tagId")))
      FROM "ContactTag" ct WHERE ct."contactId" = c.id) AS tags,
    (SELECT json_build_object('id', u.id, 'firstName', u."firstName", 'lastName', u."lastName") FROM "User" u
      WHERE u.id = c."assignedAgentId") AS "assignedAgent"
  ${from}`;

/**
 * One statement that finds a page and reads its cards: the page's statement (contactPageSql) as a CTE of its own
 * (MATERIALIZED: planned as it is alone, so its plan is the one EXPLAIN shows and tests check), its rows' cards
 * newest first. One round trip instead of two, and no list of ids sent back. `fullOnly` (the window's statement,
 * `recent`): no rows, and no cards read, unless the page statement found more than `limit` — fewer are thrown away
 * for the indexes' statement.
 */
export function pageCardsSql(page: Sql, limit: number, fullOnly = false): Sql {
  const full = fullOnly ? `WHERE (SELECT count(*) FROM page) > ${Math.trunc(limit)}` : '';
  return {
    text: `WITH page AS MATERIALIZED (${page.text})
    ${cardSql(`FROM page JOIN "Contact" c ON c.id = page.id ${full}`)} ORDER BY c."createdAt" DESC, c.id DESC`,
    params: page.params,
  };
}

export function displayName(c: {
  firstName: string | null;
  middleName?: string | null;
  lastName: string | null;
  nameUnknown?: boolean;
}): string {
  const name = [c.firstName, c.middleName, c.lastName].filter(Boolean).join(' ') || '(no name)';
  return c.nameUnknown ? `Name unknown (${name})` : name;
}

function toCard(c: CardRow): ContactCard {
  const email = c.email;
  return {
    id: c.id,
    status: c.status,
    firstName: c.firstName,
    middleName: c.middleName,
    lastName: c.lastName,
    displayName: displayName(c),
    nameUnknown: c.nameUnknown,
    businessName: c.businessName,
    email: email && isGuestEmail(email) ? null : email,
    phone: c.phone,
    tags: (c.tags ?? []).sort((a, b) => a.name.localeCompare(b.name)),
    assignedAgent: c.assignedAgent
      ? { id: c.assignedAgent.id, name: `${c.assignedAgent.firstName} ${c.assignedAgent.lastName}`.trim() }
      : null,
    notes: c.notes,
    broadcastOptOut: c.broadcastOptOut,
    channel: c.channel,
    address: addressOf('address', c),
    billingAddress: addressOf('billingAddress', c),
    archivedAt: c.archivedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The contact panel for the agents' console. NOT_FOUND for an unknown id or another business's contact. */
export async function getContactCard(db: Database, businessId: string, contactId: string): Promise<ContactCard> {
  if (!z.uuid().safeParse(contactId).success) throw new DomainError('NOT_FOUND', 'no such contact');
  const [c] = await db.query<CardRow>(cardSql(`FROM "Contact" c WHERE c.id = $1 AND c."businessId" = $2`), [
    contactId,
    businessId,
  ]);
  if (!c) throw new DomainError('NOT_FOUND', 'no such contact');
  return toCard(c);
}

export const listContactsQuery = z.object({
  search: lineText(200).optional(),
  tag: lineText(100).optional(),
  status: z.enum(['active', 'archived', 'guest']).default('active'),
  cursor: plainString().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListContactsQuery = z.input<typeof listContactsQuery>;

export interface ContactPage {
  items: ContactCard[];
  /** pass as `cursor` for the next page; null on the last */
  nextCursor: string | null;
}

const encodeCursor = (c: { createdAt: Date; id: string }) =>
  Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) {
    throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this API returned', 'cursor');
  }
  return { createdAt, id };
}

/** The digits of a search that looks like a phone fragment ("7911 123", "+44 7911", "(0)7911-123"), else null. */
export function phoneDigits(search: string): string | null {
  if (!/^[\d\s+()./-]+$/.test(search)) return null;
  const digits = search.replace(/\D/g, '');
  return digits.length >= 3 ? digits.replace(/^0+/, '') || null : null;
}

/** A LIKE pattern matching `text` anywhere: its own `%`, `_` and `\\` match themselves. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** How many of the newest contacts (from the cursor on) a filtered page walks in order before it asks the indexes. */
export const RECENT_WINDOW = 20_000;

type Sql = { text: string; params: unknown[] };

export interface ContactPageSql {
  /**
   * The page as the planner likes it: with no filter, along the (businessId, status, createdAt, id) index; with
   * filters, either that same walk testing each contact (when it expects many matches) or the filters' indexes and a
   * sort (when it expects few). Run as is when the plan is the latter or there is no filter.
   */
  indexed: Sql;
  /**
   * With filters: the page among the RECENT_WINDOW newest contacts (from the cursor), walked newest first and tested
   * one by one — the planner's walk, bounded. When it finds `limit + 1`, they are exactly the page's (every contact
   * outside the window is older than those inside).
   */
  recent: Sql | null;
  /** With filters: the page by the filters' indexes, then sorted, whatever the planner expects (after `recent`). */
  matches: Sql | null;
}

/**
 * The SQL that finds one page of contact ids, newest first, and its parameters (`window`: RECENT_WINDOW, smaller in
 * tests). Every filter has an index (prisma/schema.prisma): words the trigram index on Contact.searchText (names,
 * business name and email, lower-cased, kept by triggers), phone digits the trigram index on phones (`kind` is a
 * literal so that the planner can use the partial index), tags ContactTag's keys (a tag alone: its tag order index,
 * tagPageSql), and the order and cursor (createdAt, id) the btree on (businessId, status, createdAt, id). Pure, so that tests can EXPLAIN exactly what runs; how listContacts chooses
 * between the statements: see ContactPageSql and docs/performance.md.
 */
export function contactPageSql(
  businessId: string,
  q: { status: 'active' | 'archived' | 'guest'; search?: string | undefined; limit: number },
  tagId: string | null,
  cursor: { createdAt: Date; id: string } | null,
  window = RECENT_WINDOW,
): ContactPageSql {
  if (tagId && !q.search) return { indexed: tagPageSql(tagId, q, cursor), recent: null, matches: null };
  const params: unknown[] = [businessId, q.status];
  const param = (v: unknown) => `$${params.push(v)}`;
  const where = [`c."businessId" = $1`, `c.status = $2::"ContactStatus"`];
  if (cursor) {
    where.push(
      `(c."createdAt", c.id) < (${param(cursor.createdAt.toISOString())}::timestamptz, ${param(cursor.id)}::uuid)`,
    );
  }
  // Each filter twice: as a set the planner may join (the indexes' way), and as a test of one contact, which the
  // window's walk makes row by row, stopping at a page (a tag as a join would read the whole window to hash it).
  const filters: string[] = [];
  const tests: string[] = [];
  if (q.search) {
    const digits = phoneDigits(q.search);
    if (digits) {
      const pattern = param(containsPattern(digits));
      filters.push(
        `c.id IN (SELECT i."contactId" FROM "Identifier" i
          WHERE i."businessId" = $1 AND i.kind = 'phone' AND i.value LIKE ${pattern})`,
      );
      // a contact has at most one phone ("Identifier_contactId_kind_key")
      tests.push(
        `(SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'phone') LIKE ${pattern}`,
      );
    } else {
      // Every word must match one of the names or the email: a word holds no whitespace, so it matches searchText
      // (those fields one space apart, lower-cased as ILIKE would) exactly when it matches one of them.
      for (const word of q.search.split(/\s+/).filter(Boolean)) {
        const test = `c."searchText" LIKE lower(${param(containsPattern(word))})`;
        filters.push(test);
        tests.push(test);
      }
    }
  }
  if (tagId) {
    const tag = param(tagId);
    filters.push(`EXISTS (SELECT 1 FROM "ContactTag" t WHERE t."contactId" = c.id AND t."tagId" = ${tag}::uuid)`);
    tests.push(`(SELECT true FROM "ContactTag" t WHERE t."contactId" = c.id AND t."tagId" = ${tag}::uuid) IS NOT NULL`);
  }
  const limit = param(q.limit + 1);
  const order = `ORDER BY c."createdAt" DESC, c.id DESC`;
  const all = [...where, ...filters].join(' AND ');
  const indexed = { text: `SELECT c.id FROM "Contact" c WHERE ${all} ${order} LIMIT ${limit}`, params };
  if (filters.length === 0) return { indexed, recent: null, matches: null };
  // OFFSET 0 keeps each subquery a plan of its own: the window is walked along the index and stops at its end; the
  // matches, wanted unordered, come from the filters' indexes.
  const recent = {
    text: `SELECT c.id FROM (SELECT c.id, c."createdAt", c."searchText" FROM "Contact" c WHERE ${where.join(' AND ')}
      ${order} LIMIT ${Math.trunc(window)} OFFSET 0) c WHERE ${tests.join(' AND ')} ${order} LIMIT ${limit}`,
    params,
  };
  const matches = {
    text: `SELECT c.id FROM (SELECT c.id, c."createdAt" FROM "Contact" c WHERE ${all} OFFSET 0) c ${order} LIMIT ${limit}`,
    params,
  };
  return { indexed, recent, matches };
}

/**
 * A tag alone: the page walked along ContactTag's (tagId, contactStatus, contactCreatedAt, contactId) index, which
 * holds the contact list's order (its contacts' status and createdAt, kept by triggers): a page's entries and no more,
 * however many contacts hold the tag. `tagId` is the business's (listContacts looked it up by business).
 */
function tagPageSql(
  tagId: string,
  q: { status: 'active' | 'archived' | 'guest'; limit: number },
  cursor: { createdAt: Date; id: string } | null,
): Sql {
  const params: unknown[] = [tagId, q.status];
  const param = (v: unknown) => `$${params.push(v)}`;
  const where = [`t."tagId" = $1::uuid`, `t."contactStatus" = $2::"ContactStatus"`];
  if (cursor) {
    where.push(
      `(t."contactCreatedAt", t."contactId") < (${param(cursor.createdAt.toISOString())}::timestamptz, ${param(cursor.id)}::uuid)`,
    );
  }
  return {
    text: `SELECT t."contactId" AS id FROM "ContactTag" t WHERE ${where.join(' AND ')}
      ORDER BY t."contactCreatedAt" DESC, t."contactId" DESC LIMIT ${param(q.limit + 1)}`,
    params,
  };
}

/** Whether the planner means to walk the contact list's order index for this statement (rather than sort matches). */
async function walksInOrder(db: Database, sql: Sql): Promise<boolean> {
  const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.params);
  const plan = JSON.stringify(row?.['QUERY PLAN'] ?? '');
  return !plan.includes('"Node Type":"Sort"') && !plan.includes('"Node Type": "Sort"');
}

/** A tag's id from its id or its name; null when the business has no such tag. */
async function tagIdOf(db: Database, businessId: string, tag: string): Promise<string | null> {
  const byId = z.uuid().safeParse(tag).success;
  const [found] = await db.query<{ id: string }>(
    byId
      ? `SELECT id FROM "Tag" WHERE id = $2::uuid AND "businessId" = $1`
      : `SELECT id FROM "Tag" WHERE "businessId" = $1 AND "nameKey" = $2`,
    [businessId, byId ? tag : tag.toLowerCase()],
  );
  return found?.id ?? null;
}

/**
 * Newest first, keyset-paginated. `search` matches name, business name and email fragments (every word must
 * match), or — when it looks like a number — the phone's digits. `tag` is a tag id or name.
 * The page's ids (contactPageSql, on the driver), then their cards. With filters, the planner's estimate decides (an
 * EXPLAIN, ~0.3 ms): few matches expected, from the filters' indexes, then sorted; many, the newest contacts walked in
 * order and tested, at most RECENT_WINDOW of them, then the indexes if the window held less than a page — so that a
 * wrong estimate costs a bounded walk, never a walk through every contact.
 */
export async function listContacts(
  db: Database,
  businessId: string,
  query: ListContactsQuery = {},
): Promise<ContactPage> {
  const q = parseOrThrow(listContactsQuery, query);
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  let tagId: string | null = null;
  if (q.tag) {
    tagId = await tagIdOf(db, businessId, q.tag);
    if (!tagId) return { items: [], nextCursor: null };
  }
  const { indexed, recent, matches } = contactPageSql(businessId, q, tagId, cursor);
  const cardsOf = (sql: Sql, fullOnly = false) => {
    const { text, params } = pageCardsSql(sql, q.limit, fullOnly);
    return db.query<CardRow>(text, params);
  };
  let rows: CardRow[];
  if (recent && matches && (await walksInOrder(db, indexed))) {
    // Many matches expected: the newest contacts in order, bounded; the indexes when the window held too few.
    rows = await cardsOf(recent, true);
    if (rows.length <= q.limit) rows = await cardsOf(matches);
  } else {
    rows = await cardsOf(indexed);
  }
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(toCard), nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}
