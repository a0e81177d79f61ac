// The import's SQL: loading what a batch needs to match, and writing a batch, through the raw driver
// (json_to_recordset or unnest: one statement per table per batch). Each batch runs in one transaction with its progress.
import type { Database } from '../../prisma/index.ts';
import { snapshot, type ContactStatus, type Entity, type MatchState } from './batch.ts';
import { CONTACT_COLUMNS, type ContactColumn } from './fields.ts';
import type { RowError } from './row.ts';

export type Query = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/** Runs `fn` in one transaction on the raw driver (PGlite: its exclusive transaction; pg: one pooled client). */
export async function inTransaction<T>(db: Database, fn: (q: Query) => Promise<T>): Promise<T> {
  const driver = db.driver;
  if (driver.kind === 'pglite') {
    return driver.pglite.transaction(async (tx) =>
      fn(
        async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
          (await tx.query<R>(text, params)).rows,
      ),
    );
  }
  const client = await driver.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(
      async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
        (await client.query<R>(text, params)).rows,
    );
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

const q = (c: string) => `"${c}"`;

/** Active users' emails → id: who a row may assign its contact to. */
export async function loadAgents(query: Query, businessId: string): Promise<Map<string, string>> {
  const rows = await query<{ value: string; userId: string }>(
    `SELECT i.value, i."userId" FROM "Identifier" i JOIN "User" u ON u.id = i."userId"
     WHERE i."businessId" = $1 AND i.kind = 'email' AND u.active`,
    [businessId],
  );
  return new Map(rows.map((r) => [r.value, r.userId]));
}

type ContactRow = Record<ContactColumn, string | null> & {
  id: string;
  status: ContactStatus;
  assignedAgentId: string | null;
};

/**
 * Adds to `state.holders` whoever holds the batch's phones and emails (users, and contacts with their fields,
 * identifiers and tags, locked for the transaction). Keys already known (earlier rows of a dry run) are kept.
 */
export async function loadHolders(
  query: Query,
  businessId: string,
  phones: string[],
  emails: string[],
  state: MatchState,
): Promise<void> {
  const ids = await query<{ kind: string; value: string; contactId: string | null; userId: string | null }>(
    `SELECT kind::text AS kind, value, "contactId", "userId" FROM "Identifier"
     WHERE "businessId" = $1 AND ((kind = 'phone' AND value = ANY($2::text[])) OR (kind = 'email' AND value = ANY($3::text[])))`,
    [businessId, phones, emails],
  );
  const contactIds = new Set<string>();
  for (const r of ids) {
    const key = `${r.kind === 'phone' ? 'p' : 'e'}:${r.value}`;
    if (state.holders.has(key)) continue;
    if (r.userId) state.holders.set(key, { kind: 'user' });
    else if (r.contactId) contactIds.add(r.contactId);
  }
  if (contactIds.size === 0) return;
  const list = [...contactIds];
  const contacts = await query<ContactRow>(
    `SELECT id, status::text AS status, "assignedAgentId", ${CONTACT_COLUMNS.map(q).join(', ')}
     FROM "Contact" WHERE id = ANY($1::uuid[]) FOR UPDATE`,
    [list],
  );
  const idents = await query<{ contactId: string; kind: string; value: string }>(
    `SELECT "contactId", kind::text AS kind, value FROM "Identifier" WHERE "contactId" = ANY($1::uuid[])`,
    [list],
  );
  const tags = await query<{ contactId: string; nameKey: string; name: string }>(
    `SELECT ct."contactId", t."nameKey", t.name FROM "ContactTag" ct JOIN "Tag" t ON t.id = ct."tagId"
     WHERE ct."contactId" = ANY($1::uuid[])`,
    [list],
  );
  const byId = new Map<string, Entity>();
  for (const c of contacts) {
    const fields = Object.fromEntries(CONTACT_COLUMNS.map((col) => [col, c[col]])) as Entity['fields'];
    const e: Entity = {
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
    };
    byId.set(c.id, e);
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
  for (const e of byId.values()) {
    e.before = snapshot(e);
    for (const key of [e.phone && `p:${e.phone}`, e.email && `e:${e.email}`]) {
      if (key && !state.holders.has(key)) state.holders.set(key, { kind: 'contact', entity: e });
    }
  }
}

export interface BatchWrite {
  businessId: string;
  jobId: string;
  /** The user who ran the import (null when run from the command line). */
  actorId: string | null;
  entities: Entity[];
  changes: Map<Entity, Record<string, unknown>>;
  errors: (RowError & { cells: string })[];
  /** The job's processedRows before this batch: the write goes through only if nobody else moved it. */
  from: number;
  progress: {
    processedRows: number;
    created: number;
    updated: number;
    unchanged: number;
    skipped: number;
    failed: number;
  };
  /** Tag key → id, filled as tags are created; shared across batches. */
  tagIds: Map<string, string>;
  dryRun: boolean;
}

/** Writes one batch: contacts, identifiers, tags, audit events, row errors and the job's progress. */
export async function writeBatch(query: Query, w: BatchWrite): Promise<void> {
  if (!w.dryRun) await writeContacts(query, w);
  if (w.errors.length > 0) {
    await query(
      `INSERT INTO "ImportRowError" (id, "jobId", row, "column", code, message, cells)
       SELECT gen_random_uuid(), $1, u.row, u.col, u.code, u.message, u.cells::jsonb
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(row, col, code, message, cells)`,
      [
        w.jobId,
        w.errors.map((e) => e.row),
        w.errors.map((e) => e.column),
        w.errors.map((e) => e.code),
        w.errors.map((e) => e.message),
        w.errors.map((e) => e.cells),
      ],
    );
  }
  const p = w.progress;
  const moved = await query(
    `UPDATE "ImportJob" SET "processedRows" = $2, created = created + $3, updated = updated + $4,
       unchanged = unchanged + $5, skipped = skipped + $6, failed = failed + $7, "updatedAt" = now()
     WHERE id = $1 AND "processedRows" = $8 AND status = 'running' RETURNING id`,
    [w.jobId, p.processedRows, p.created, p.updated, p.unchanged, p.skipped, p.failed, w.from],
  );
  // Another runner (a second instance resuming the same job) got here first: this batch is rolled back.
  if (moved.length === 0) throw new SupersededError();
}

export class SupersededError extends Error {
  constructor() {
    super('another runner has moved this import on');
    this.name = 'SupersededError';
  }
}

async function writeContacts(query: Query, w: BatchWrite): Promise<void> {
  const created = w.entities.filter((e) => e.isNew);
  const updated = w.entities.filter((e) => !e.isNew && Object.keys(w.changes.get(e) ?? {}).length > 0);
  const cols = CONTACT_COLUMNS;
  // One JSON document per statement (json_to_recordset): no per-element array escaping on either side.
  const recordType = `id uuid, status text, agent uuid, ${cols.map((c) => `${q(c)} text`).join(', ')}`;
  const records = (list: Entity[]) =>
    JSON.stringify(list.map((e) => ({ id: e.id, status: e.status, agent: e.assignedAgentId, ...e.fields })));

  if (created.length > 0) {
    await query(
      `INSERT INTO "Contact" (id, "businessId", status, channel, "assignedAgentId", ${cols.map(q).join(', ')}, "createdAt", "updatedAt")
       SELECT u.id, $1, u.status::"ContactStatus", 'import', u.agent, ${cols.map((c) => `u.${q(c)}`).join(', ')}, now(), now()
       FROM json_to_recordset($2::json) AS u(${recordType})`,
      [w.businessId, records(created)],
    );
  }
  if (updated.length > 0) {
    await query(
      `UPDATE "Contact" AS c SET status = u.status::"ContactStatus", "assignedAgentId" = u.agent,
         ${cols.map((col) => `${q(col)} = u.${q(col)}`).join(', ')}, "updatedAt" = now()
       FROM json_to_recordset($2::json) AS u(${recordType})
       WHERE c.id = u.id AND c."businessId" = $1`,
      [w.businessId, records(updated)],
    );
  }

  // Identifiers: drop the ones replaced, then insert the new ones (deletes first, so swaps inside a batch work).
  const drop: { id: string; kind: string }[] = [];
  const add: { id: string; kind: string; value: string }[] = [];
  for (const e of [...created, ...updated]) {
    for (const kind of ['phone', 'email'] as const) {
      const now = e[kind];
      const was = e.before?.[kind] ?? null;
      if (now === was) continue;
      if (was) drop.push({ id: e.id, kind });
      if (now) add.push({ id: e.id, kind, value: now });
    }
  }
  if (drop.length > 0) {
    await query(
      `DELETE FROM "Identifier" i USING unnest($1::uuid[], $2::text[]) AS u(id, kind)
       WHERE i."contactId" = u.id AND i.kind::text = u.kind`,
      [drop.map((d) => d.id), drop.map((d) => d.kind)],
    );
  }
  if (add.length > 0) {
    await query(
      `INSERT INTO "Identifier" (id, "businessId", kind, value, "contactId", "createdAt")
       SELECT gen_random_uuid(), $1, u.kind::"IdentifierKind", u.value, u.id, now()
       FROM json_to_recordset($2::json) AS u(id uuid, kind text, value text)`,
      [w.businessId, JSON.stringify(add)],
    );
  }

  // Tags: create the missing ones, then link.
  const links: { id: string; key: string }[] = [];
  const wanted = new Map<string, string>();
  for (const e of [...created, ...updated]) {
    for (const key of e.tagKeys) {
      if (e.before?.tagKeys.has(key)) continue;
      links.push({ id: e.id, key });
      if (!w.tagIds.has(key) && !wanted.has(key)) wanted.set(key, e.tagNames.get(key) ?? key);
    }
  }
  if (wanted.size > 0) {
    const keys = [...wanted.keys()];
    await query(
      `INSERT INTO "Tag" (id, "businessId", name, "nameKey", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, u.name, u.key, now(), now() FROM unnest($2::text[], $3::text[]) AS u(name, key)
       ON CONFLICT ("businessId", "nameKey") DO NOTHING`,
      [w.businessId, keys.map((k) => wanted.get(k)), keys],
    );
    const rows = await query<{ id: string; nameKey: string }>(
      `SELECT id, "nameKey" FROM "Tag" WHERE "businessId" = $1 AND "nameKey" = ANY($2::text[])`,
      [w.businessId, keys],
    );
    for (const r of rows) w.tagIds.set(r.nameKey, r.id);
  }
  if (links.length > 0) {
    await query(
      `INSERT INTO "ContactTag" ("contactId", "tagId", "createdAt")
       SELECT u.cid, u.tid, now() FROM json_to_recordset($1::json) AS u(cid uuid, tid uuid) ON CONFLICT DO NOTHING`,
      [JSON.stringify(links.map((l) => ({ cid: l.id, tid: w.tagIds.get(l.key) })))],
    );
  }

  // One audit event per contact written, with the batch.
  const audited = [...created, ...updated];
  if (audited.length > 0) {
    await query(
      `INSERT INTO "AuditEvent" (id, "businessId", "actorType", "actorId", "entityType", "entityId", action, changes, "createdAt")
       SELECT gen_random_uuid(), $1, 'import', $2, 'contact', u.id, u.action, u.changes, now()
       FROM json_to_recordset($3::json) AS u(id uuid, action text, changes jsonb)`,
      [
        w.businessId,
        w.actorId,
        JSON.stringify(
          audited.map((e) => ({ id: e.id, action: e.isNew ? 'created' : 'updated', changes: w.changes.get(e) ?? {} })),
        ),
      ],
    );
  }
}
