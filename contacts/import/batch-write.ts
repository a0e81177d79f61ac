// Writing a batch's plan in the caller's transaction: COPY for new rows, one statement per table for the rest, the
// job's progress last (its batch is rolled back when another runner moved the job on).
import type { Database } from '../../prisma/index.ts';
import { CONTACT_COLUMNS_COPIED, type BatchPlan } from './batch-plan.ts';
import { CONTACT_COLUMNS } from './fields.ts';
import { loweringFrom, PROBED, type Lowering } from './search-text.ts';
import { quoted as q, type Query, type Tx } from './transaction.ts';

/**
 * Whether this connection may write a batch without PostgreSQL's per-row foreign key checks (see writeContacts):
 * always on PGlite, and on a PostgreSQL server when Baton's database user is a superuser (setting
 * session_replication_role needs it); otherwise every key is checked by PostgreSQL as usual.
 */
export async function canSkipKeyChecks(db: Database): Promise<boolean> {
  if (db.driver.kind === 'pglite') return true;
  const [r] = await db.query<{ on: boolean }>(`SELECT current_setting('is_superuser') = 'on' AS on`);
  return r?.on === true;
}

/**
 * How far the import may write Contact.searchText itself (search-text.ts), with the search-text triggers off for its
 * statements: the characters the database's lower() lowers as JavaScript does. Null (the triggers keep it, as for
 * every other writer) when they differ on some ASCII character.
 */
export async function databaseLowering(db: Database): Promise<Lowering | null> {
  const rows = await db.query<{ lowered: string }>(
    `SELECT lower(c) AS lowered FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n) ORDER BY n`,
    [PROBED],
  );
  return loweringFrom(rows.map((r) => r.lowered));
}

/** A key the batch refers to is gone (deleted meanwhile): PostgreSQL's foreign key code, so the batch is retried. */
class MissingKeyError extends Error {
  readonly code = '23503';
}

/**
 * Runs a batch's plan in the caller's transaction. `tagIds` (tag key → id) is filled as tags are created.
 * `skipKeyChecks` (canSkipKeyChecks): see writeContacts.
 */
export async function executePlan(
  tx: Tx,
  plan: BatchPlan,
  tagIds: Map<string, string>,
  skipKeyChecks: boolean,
): Promise<void> {
  if (!plan.dryRun) await writeContacts(tx, plan, tagIds, skipKeyChecks);
  await tx.copy('ImportRowError', ['id', 'jobId', 'row', 'column', 'code', 'message', 'cells'], plan.errors);
  const p = plan.progress;
  const moved = await tx.query(
    `UPDATE "ImportJob" SET "processedRows" = $2, created = created + $3, updated = updated + $4,
       unchanged = unchanged + $5, skipped = skipped + $6, failed = failed + $7, "updatedAt" = now()
     WHERE id = $1 AND "processedRows" = $8 AND status = 'running' RETURNING id`,
    [plan.jobId, p.processedRows, p.created, p.updated, p.unchanged, p.skipped, p.failed, plan.from],
  );
  // Another runner (a second instance resuming the same job) got here first: this batch is rolled back.
  if (moved.length === 0) throw new SupersededError();
}

/** Locks rows of `table` by id as a foreign key check would (FOR KEY SHARE); throws if one of them is gone. */
async function lockKeys(query: Query, table: 'Business' | 'User' | 'Tag', ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await query(`SELECT id FROM ${q(table)} WHERE id = ANY($1::uuid[]) FOR KEY SHARE`, [ids]);
  if (rows.length !== ids.length) throw new MissingKeyError(`a ${table.toLowerCase()} this batch refers to is gone`);
}

export class SupersededError extends Error {
  constructor() {
    super('another runner has moved this import on');
    this.name = 'SupersededError';
  }
}

/**
 * With `skipKeyChecks`, PostgreSQL's foreign key triggers are off for this transaction (session_replication_role =
 * replica, the way pg_restore loads data) and the batch takes their place: it locks (FOR KEY SHARE, the lock a key
 * check takes) and checks once each row its new rows refer to — the business, the assigned users, the tags — instead of
 * once per inserted row. The contacts its identifiers and tag links refer to are created in this transaction or locked
 * FOR UPDATE by it already. Measured: ~4 µs less per key per row; the import is ~30 % faster on PGlite.
 *
 * With `plan.searchTextByWriter` (the run's databaseLowering), the search-text triggers are off for this transaction's statements
 * (baton.search_text_by_writer, migration *_contact_search_text_by_writer) and the batch writes Contact.searchText
 * itself, as contact_search_text() makes it: in the COPY of new contacts (computed by search-text.ts; those with a
 * character the database may lower otherwise, by the database in one UPDATE once their identifiers are in), and in the UPDATE of changed contacts, from their
 * names and email. The import changes an email only on a contact it creates or updates, so no other contact's text
 * moves. Without it, the triggers overwrite what the batch brings.
 */
async function writeContacts(
  tx: Tx,
  plan: BatchPlan,
  tagIds: Map<string, string>,
  skipKeyChecks: boolean,
): Promise<void> {
  const { query } = tx;
  const cols = CONTACT_COLUMNS;
  if (plan.searchTextByWriter) await query(`SET LOCAL baton.search_text_by_writer = on`);
  if (skipKeyChecks) {
    await query(`SET LOCAL session_replication_role = replica`);
    await lockKeys(query, 'Business', [plan.businessId]);
    await lockKeys(query, 'User', plan.agents);
  }
  const writeIdentifiers = async () => {
    if (plan.drop.ids.length > 0) {
      await query(
        `DELETE FROM "Identifier" i USING unnest($1::uuid[], $2::text[]) AS u(id, kind)
         WHERE i."contactId" = u.id AND i.kind::text = u.kind`,
        [plan.drop.ids, plan.drop.kinds],
      );
    }
    await tx.copy('Identifier', ['businessId', 'kind', 'value', 'contactId'], plan.identifiers);
  };
  // Without key checks, the identifiers go first: when the triggers keep a new contact's search text
  // (Contact.searchText), it then takes its email as the contact is written, instead of the identifiers' trigger
  // writing every new contact a second time (~100 µs a contact: its trigram index entries again). With key checks
  // they must follow their contacts.
  if (skipKeyChecks) await writeIdentifiers();
  await tx.copy('Contact', CONTACT_COLUMNS_COPIED, plan.contacts);
  if (plan.updates !== null) {
    // One JSON document per statement (json_to_recordset) for the few updated rows.
    const recordType = `id uuid, status text, agent uuid, email text, ${cols.map((c) => `${q(c)} text`).join(', ')}`;
    await query(
      `UPDATE "Contact" AS c SET status = u.status::"ContactStatus", "assignedAgentId" = u.agent,
         ${cols.map((col) => `${q(col)} = u.${q(col)}`).join(', ')}, "updatedAt" = now(),
         "searchText" = contact_search_text(u."firstName", u."middleName", u."lastName", u."businessName", u.email)
       FROM json_to_recordset($2::json) AS u(${recordType})
       WHERE c.id = u.id AND c."businessId" = $1`,
      [plan.businessId, plan.updates],
    );
  }
  if (!skipKeyChecks) await writeIdentifiers();
  if (plan.searchTextByWriter && plan.searchTextLater.length > 0) {
    // New contacts whose text holds a character not known to lower alike: the database's lower(), with their email.
    await query(
      `UPDATE "Contact" c SET "searchText" = contact_search_text(c."firstName", c."middleName", c."lastName",
         c."businessName", (SELECT i.value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email'))
       WHERE c.id = ANY($1::uuid[])`,
      [plan.searchTextLater],
    );
  }

  // Tags: create the missing ones, then link.
  const keys = [...plan.tagNames.keys()].filter((k) => !tagIds.has(k));
  if (keys.length > 0) {
    await query(
      `INSERT INTO "Tag" (id, "businessId", name, "nameKey", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, u.name, u.key, now(), now() FROM unnest($2::text[], $3::text[]) AS u(name, key)
       ON CONFLICT ("businessId", "nameKey") DO NOTHING`,
      [plan.businessId, keys.map((k) => plan.tagNames.get(k)), keys],
    );
    const rows = await query<{ id: string; nameKey: string }>(
      `SELECT id, "nameKey" FROM "Tag" WHERE "businessId" = $1 AND "nameKey" = ANY($2::text[])`,
      [plan.businessId, keys],
    );
    for (const r of rows) tagIds.set(r.nameKey, r.id);
  }
  // Tag ids are kept from batch to batch: one deleted meanwhile sends the batch back (its ids are then read again).
  if (skipKeyChecks) await lockKeys(query, 'Tag', [...new Set(plan.links.map((l) => tagIds.get(l.key)!))]);
  // With their contacts' status and createdAt (ContactTag's copy for the tag order, migration *_contact_tag_order),
  // joined here in one statement: else the table's trigger looks each link's contact up, a plpgsql call a row.
  if (plan.links.length > 0) {
    await query(
      `INSERT INTO "ContactTag" ("contactId", "tagId", "contactStatus", "contactCreatedAt")
       SELECT l.contact, l.tag, c.status, c."createdAt" FROM unnest($1::uuid[], $2::uuid[]) AS l(contact, tag)
         LEFT JOIN "Contact" c ON c.id = l.contact`,
      [plan.links.map((l) => l.id), plan.links.map((l) => tagIds.get(l.key)!)],
    );
  }
  await tx.copy(
    'AuditEvent',
    ['id', 'businessId', 'actorType', 'actorId', 'entityType', 'entityId', 'action', 'changes'],
    plan.audit,
  );
}
