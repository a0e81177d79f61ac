// The import's SQL: loading what a batch needs to match, and writing a batch, through the raw driver (COPY for new
// rows, one statement per table per batch). Each batch runs in one transaction with its progress.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../prisma/index.ts';
import { snapshot, type ContactStatus, type Entity, type MatchState } from './batch.ts';
import { copyField, copyText, type CopyRow, type CopyValue } from './copy-text.ts';
import { CONTACT_COLUMNS, type ContactColumn } from './fields.ts';
import { newId } from './ids.ts';
import type { RowError } from './row.ts';

export type Query = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/** A transaction on the raw driver: statements, and COPY for bulk inserts (the fastest way in on both databases). */
export interface Tx {
  query: Query;
  copy(table: string, columns: readonly string[], rows: readonly CopyRow[]): Promise<void>;
}

/** Time spent per kind of statement ("INSERT Contact" → ms), when a caller wants to see where a batch's time goes. */
export type StatementTimings = Map<string, number>;

/** Adds the time since `start` (performance.now()) to `label`. */
export const addTiming = (timings: StatementTimings | undefined, label: string, start: number) =>
  timings?.set(label, (timings.get(label) ?? 0) + performance.now() - start);

const statementLabel = (text: string) => {
  const m = /^\s*(\w+)\s+(?:INTO\s+|FROM\s+)?"?(\w+)"?/i.exec(text);
  return m ? `${m[1]!.toUpperCase()} ${m[2]}` : text.slice(0, 30);
};

function timed(tx: Tx, timings: StatementTimings | undefined): Tx {
  if (!timings) return tx;
  return {
    query: async <R extends Record<string, unknown>>(text: string, params?: unknown[]) => {
      const t = performance.now();
      try {
        return await tx.query<R>(text, params);
      } finally {
        addTiming(timings, statementLabel(text), t);
      }
    },
    copy: async (table, columns, rows) => {
      const t = performance.now();
      try {
        await tx.copy(table, columns, rows);
      } finally {
        addTiming(timings, `COPY ${table}`, t);
      }
    },
  };
}

const q = (c: string) => `"${c}"`;

const copySql = (table: string, columns: readonly string[]) =>
  `COPY ${q(table)} (${columns.map(q).join(', ')}) FROM STDIN`;

/** Runs `fn` in one transaction on the raw driver (PGlite: its exclusive transaction; pg: one pooled client). */
export async function inTransaction<T>(
  db: Database,
  fn: (tx: Tx) => Promise<T>,
  timings?: StatementTimings,
): Promise<T> {
  const driver = db.driver;
  if (driver.kind === 'pglite') {
    return driver.pglite.transaction(async (t) =>
      fn(
        timed(
          {
            query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
              (await t.query<R>(text, params)).rows,
            copy: async (table, columns, rows) => {
              if (rows.length === 0) return;
              await t.query(copySql(table, columns).replace('STDIN', "'/dev/blob'"), [], {
                blob: new Blob([copyText(rows)]),
              });
            },
          },
          timings,
        ),
      ),
    );
  }
  const client = await driver.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(
      timed(
        {
          query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
            (await client.query<R>(text, params)).rows,
          copy: async (table, columns, rows) => {
            if (rows.length === 0) return;
            await pipeline(Readable.from([copyText(rows)]), client.query(copyFrom(copySql(table, columns))));
          },
        },
        timings,
      ),
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
  // Every lookup is one probe of a unique index per value (LATERAL … LIMIT 1), whatever the planner's statistics say:
  // while an import fills a table they lag behind it, and a plan chosen for an empty table (read all of the business's
  // identifiers, then hash-join) made each batch slower than the one before.
  const ids = await query<{ kind: string; value: string; contactId: string | null; userId: string | null }>(
    `SELECT k.kind, i.value, i."contactId", i."userId"
     FROM unnest($2::text[], $3::text[]) AS k(kind, value)
     CROSS JOIN LATERAL (
       SELECT value, "contactId", "userId" FROM "Identifier"
       WHERE "businessId" = $1 AND kind = k.kind::"IdentifierKind" AND value = k.value LIMIT 1
     ) i`,
    [businessId, [...phones.map(() => 'phone'), ...emails.map(() => 'email')], [...phones, ...emails]],
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
    `SELECT c.* FROM unnest($1::uuid[]) AS k(id) CROSS JOIN LATERAL (
       SELECT id, status::text AS status, "assignedAgentId", ${CONTACT_COLUMNS.map(q).join(', ')}
       FROM "Contact" WHERE id = k.id FOR UPDATE
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
  /** The transaction's time: every row the batch writes carries it. */
  now: Date;
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
export async function writeBatch(tx: Tx, w: BatchWrite): Promise<void> {
  if (!w.dryRun) await writeContacts(tx, w);
  await tx.copy(
    'ImportRowError',
    ['id', 'jobId', 'row', 'column', 'code', 'message', 'cells'],
    w.errors.map((e) => [newId(), w.jobId, e.row, e.column, e.code, e.message, e.cells]),
  );
  const p = w.progress;
  const moved = await tx.query(
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

async function writeContacts(tx: Tx, w: BatchWrite): Promise<void> {
  const { query } = tx;
  const now = w.now.toISOString();
  const created = w.entities.filter((e) => e.isNew);
  const updated = w.entities.filter((e) => !e.isNew && Object.keys(w.changes.get(e) ?? {}).length > 0);
  const cols = CONTACT_COLUMNS;

  // New rows go in by COPY; ids are time-ordered (UUIDv7), so each index grows at its right edge.
  await tx.copy(
    'Contact',
    ['id', 'businessId', 'status', 'channel', 'assignedAgentId', ...cols, 'createdAt', 'updatedAt'],
    created.map((e): CopyRow => {
      // A contact made from one row alone: its line is the row's prepared text between the id and the times.
      const pre = e.source?.prepared;
      if (pre) return `${e.id}\t${w.businessId}\t${e.status}\timport\t\\N\t${pre.fields}\t${now}\t${now}`;
      return [e.id, w.businessId, e.status, 'import', e.assignedAgentId, ...cols.map((c) => e.fields[c]), now, now];
    }),
  );
  if (updated.length > 0) {
    // One JSON document per statement (json_to_recordset) for the few updated rows.
    const recordType = `id uuid, status text, agent uuid, ${cols.map((c) => `${q(c)} text`).join(', ')}`;
    await query(
      `UPDATE "Contact" AS c SET status = u.status::"ContactStatus", "assignedAgentId" = u.agent,
         ${cols.map((col) => `${q(col)} = u.${q(col)}`).join(', ')}, "updatedAt" = $3
       FROM json_to_recordset($2::json) AS u(${recordType})
       WHERE c.id = u.id AND c."businessId" = $1`,
      [
        w.businessId,
        JSON.stringify(updated.map((e) => ({ id: e.id, status: e.status, agent: e.assignedAgentId, ...e.fields }))),
        now,
      ],
    );
  }

  // Identifiers: drop the ones replaced, then insert the new ones (deletes first, so swaps inside a batch work).
  const drop: { id: string; kind: string }[] = [];
  const add: CopyValue[][] = [];
  for (const e of [...created, ...updated]) {
    for (const kind of ['phone', 'email'] as const) {
      const value = e[kind];
      const was = e.before?.[kind] ?? null;
      if (value === was) continue;
      if (was) drop.push({ id: e.id, kind });
      if (value) add.push([newId(), w.businessId, kind, value, e.id, now]);
    }
  }
  if (drop.length > 0) {
    await query(
      `DELETE FROM "Identifier" i USING unnest($1::uuid[], $2::text[]) AS u(id, kind)
       WHERE i."contactId" = u.id AND i.kind::text = u.kind`,
      [drop.map((d) => d.id), drop.map((d) => d.kind)],
    );
  }
  await tx.copy('Identifier', ['id', 'businessId', 'kind', 'value', 'contactId', 'createdAt'], add);

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
  // The contacts are locked (new, or loaded FOR UPDATE) and only tags they lacked are linked: no link exists yet.
  await tx.copy(
    'ContactTag',
    ['contactId', 'tagId', 'createdAt'],
    links.map((l) => [l.id, w.tagIds.get(l.key)!, now]),
  );

  // One audit event per contact written, with the batch: who (the import's user), what (fields, old → new), when.
  const actor = copyField(w.actorId);
  await tx.copy(
    'AuditEvent',
    ['id', 'businessId', 'actorType', 'actorId', 'entityType', 'entityId', 'action', 'changes', 'createdAt'],
    [...created, ...updated].map((e): CopyRow => {
      const pre = e.source?.prepared;
      if (pre)
        return `${newId()}\t${w.businessId}\timport\t${actor}\tcontact\t${e.id}\tcreated\t${pre.created}\t${now}`;
      return [
        newId(),
        w.businessId,
        'import',
        w.actorId,
        'contact',
        e.id,
        e.isNew ? 'created' : 'updated',
        JSON.stringify(w.changes.get(e) ?? {}),
        now,
      ];
    }),
  );
}
