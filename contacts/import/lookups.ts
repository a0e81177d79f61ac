// What a batch is matched against, loaded from the database: the business's agents, the holders of its phones and
// emails, the key filter of every identifier held, and a re-check of the contacts a batch read ahead relied on.
import {
  emailKey,
  phoneKey,
  sameSnapshot,
  snapshot,
  type ContactStatus,
  type Entity,
  type MatchState,
  type Snapshot,
} from './batch.ts';
import { CONTACT_COLUMNS, type ContactColumn } from './fields.ts';
import { KeyFilter } from './key-filter.ts';
import { agentNameKey, agentNameLookup } from './row.ts';
import { quoted as q, textArray, type Query } from './transaction.ts';

/** Active users' emails → id: who a row may assign its contact to. */
export async function loadAgents(query: Query, businessId: string): Promise<Map<string, string>> {
  const rows = await query<{ value: string; userId: string }>(
    `SELECT i.value, i."userId" FROM "Identifier" i JOIN "User" u ON u.id = i."userId"
     WHERE i."businessId" = $1 AND i.kind = 'email' AND u.active`,
    [businessId],
  );
  const agents = new Map(rows.map((r) => [r.value, r.userId]));
  // By name too ("Sam Baker", or "Sam" when no other active user has that first name): a name two users share
  // matches neither, and the row is refused as AGENT_NOT_FOUND rather than given to the wrong person.
  const users = await query<{ id: string; firstName: string; lastName: string }>(
    `SELECT id, "firstName", "lastName" FROM "User" WHERE "businessId" = $1 AND active`,
    [businessId],
  );
  const byName = new Map<string, string | null>();
  const add = (name: string, id: string) => {
    const key = agentNameKey(name);
    if (key === '') return;
    const seen = byName.get(key);
    byName.set(key, seen === undefined || seen === id ? id : null);
  };
  for (const u of users) add(`${u.firstName} ${u.lastName}`, u.id);
  const fullNames = new Set(byName.keys());
  for (const u of users)
    if (!fullNames.has(agentNameKey(u.firstName)) || u.lastName.trim() === '') add(u.firstName, u.id);
  for (const [key, id] of byName) if (id) agents.set(agentNameLookup(key), id);
  return agents;
}

type ContactRow = Record<ContactColumn, string | null> & {
  id: string;
  status: ContactStatus;
  assignedAgentId: string | null;
};

/**
 * Adds to `state.holders` whoever holds the batch's phones and emails (users, and contacts with their fields,
 * identifiers and tags). Keys already known (earlier rows of a dry run, or the batch before, still being written)
 * are kept. `lock`: the contacts are locked for the transaction (FOR UPDATE); without it (a batch read ahead,
 * outside any transaction) they are re-checked under the lock before the batch is written (`sameAsLoaded`).
 */
export async function loadHolders(
  query: Query,
  businessId: string,
  phones: string[],
  emails: string[],
  state: MatchState,
  lock = true,
): Promise<void> {
  if (phones.length === 0 && emails.length === 0) return;
  // Every lookup is one probe of a unique index per value (LATERAL … LIMIT 1), whatever the planner's statistics say:
  // while an import fills a table they lag behind it, and a plan chosen for an empty table (read all of the business's
  // identifiers, then hash-join) made each batch slower than the one before.
  const ids = await query<{ kind: string; value: string; contactId: string | null; userId: string | null }>(
    `SELECT k.kind, i.value, i."contactId", i."userId"
     FROM (SELECT 'phone'::"IdentifierKind" AS kind, v AS value FROM unnest($2::text[]) AS v
           UNION ALL SELECT 'email'::"IdentifierKind", v FROM unnest($3::text[]) AS v) AS k
     CROSS JOIN LATERAL (
       SELECT value, "contactId", "userId" FROM "Identifier"
       WHERE "businessId" = $1 AND kind = k.kind AND value = k.value LIMIT 1
     ) i`,
    [businessId, textArray(phones), textArray(emails)],
  );
  const contactIds = new Set<string>();
  for (const r of ids) {
    const key = r.kind === 'phone' ? phoneKey(r.value) : emailKey(r.value);
    if (state.holders.has(key)) continue;
    if (r.userId) state.holders.set(key, { kind: 'user' });
    else if (r.contactId) contactIds.add(r.contactId);
  }
  if (contactIds.size === 0) return;
  for (const e of (await loadContacts(query, [...contactIds], lock)).values()) {
    e.before = snapshot(e);
    for (const key of [e.phone && phoneKey(e.phone), e.email && emailKey(e.email)]) {
      if (key && !state.holders.has(key)) state.holders.set(key, { kind: 'contact', entity: e });
    }
  }
}

/** Identifiers read per statement while filling a KeyFilter. */
const FILTER_PAGE = 10_000;

/**
 * A filter of every phone and email the business holds now (contacts' and users'), with room for `adding` more keys;
 * undefined when the business holds more than `budget`: reading them all would cost more than the lookups it saves.
 * Read in pages in the primary key's order (businessId, kind, value), so no statement holds many at once.
 */
export async function loadKeyFilter(
  query: Query,
  businessId: string,
  adding: number,
  budget: number,
): Promise<KeyFilter | undefined> {
  // Counted up to the budget only (an index-only scan that stops there).
  const [counted] = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM "Identifier" WHERE "businessId" = $1 LIMIT $2) AS held`,
    [businessId, budget + 1],
  );
  const held = counted?.n ?? 0;
  if (held > budget) return undefined;
  const filter = new KeyFilter(held + adding);
  let after: { kind: string; value: string } | undefined;
  for (;;) {
    // Ordered by the enum itself (the index's order, as the row comparison compares): `kind::text AS kind` here
    // made ORDER BY sort by the text, so pages skipped keys, and every page was sorted instead of read in order.
    const rows = await query<{ kind: string; value: string }>(
      `SELECT kind, value FROM "Identifier"
       WHERE "businessId" = $1 ${after ? `AND (kind, value) > ($3::"IdentifierKind", $4)` : ''}
       ORDER BY kind, value LIMIT $2`,
      after ? [businessId, FILTER_PAGE, after.kind, after.value] : [businessId, FILTER_PAGE],
    );
    for (const r of rows) filter.add(r.kind === 'phone' ? phoneKey(r.value) : emailKey(r.value));
    if (rows.length < FILTER_PAGE) return filter;
    after = rows[rows.length - 1];
  }
}

/** Contacts by id with their fields, identifiers and tags (locked FOR UPDATE when `lock`). */
async function loadContacts(query: Query, list: string[], lock: boolean): Promise<Map<string, Entity>> {
  const contacts = await query<ContactRow>(
    `SELECT c.* FROM unnest($1::uuid[]) AS k(id) CROSS JOIN LATERAL (
       SELECT id, status::text AS status, "assignedAgentId", ${CONTACT_COLUMNS.map(q).join(', ')}
       FROM "Contact" WHERE id = k.id ${lock ? 'FOR UPDATE' : ''}
     ) c`,
    [list],
  );
  const idents = await query<{ contactId: string; kind: string; value: string }>(
    `SELECT i.* FROM unnest($1::uuid[]) AS k(id) CROSS JOIN LATERAL (
       SELECT "contactId", kind::text AS kind, value FROM "Identifier" WHERE "contactId" = k.id
     ) i`,
    [list],
  );
  const tags = await query<{ contactId: string; nameKey: string; name: string }>(
    `SELECT l.* FROM unnest($1::uuid[]) AS k(id) CROSS JOIN LATERAL (
       SELECT ct."contactId", t."nameKey", t.name FROM "ContactTag" ct JOIN "Tag" t ON t.id = ct."tagId"
       WHERE ct."contactId" = k.id
     ) l`,
    [list],
  );
  const byId = new Map<string, Entity>();
  for (const c of contacts) {
    const fields = Object.fromEntries(CONTACT_COLUMNS.map((col) => [col, c[col]])) as Entity['fields'];
    byId.set(c.id, {
      id: c.id,
      isNew: false,
      status: c.status,
      fields,
      assignedAgentId: c.assignedAgentId,
      phone: null,
      email: null,
      tagKeys: new Set(),
      tagNames: new Map(),
      before: undefined,
    });
  }
  for (const i of idents) {
    const e = byId.get(i.contactId);
    if (!e) continue;
    if (i.kind === 'phone') e.phone = i.value;
    else e.email = i.value;
  }
  for (const t of tags) {
    const e = byId.get(t.contactId);
    if (!e) continue;
    e.tagKeys.add(t.nameKey);
    e.tagNames.set(t.nameKey, t.name);
  }
  return byId;
}

/**
 * Locks the existing contacts a batch read ahead matched, and tells whether each is still as it was loaded (`before`:
 * fields, status, agent, identifiers and tags). False: someone changed one meanwhile.
 */
export async function sameAsLoaded(
  query: Query,
  contacts: readonly { id: string; before: Snapshot }[],
): Promise<boolean> {
  if (contacts.length === 0) return true;
  const loaded = await loadContacts(
    query,
    contacts.map((c) => c.id),
    true,
  );
  return contacts.every((c) => {
    const current = loaded.get(c.id);
    return current !== undefined && sameSnapshot(snapshot(current), c.before);
  });
}
