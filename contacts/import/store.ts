// The import's SQL: loading what a batch needs to match, and writing a batch, through the raw driver (COPY for new
// rows, one statement per table per batch). Each batch runs in one transaction with its progress.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as turn } from 'node:timers/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { pgTransaction, type Database } from '../../prisma/index.ts';
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
import { CopyBuffer, copyField, copyText } from './copy-text.ts';
import { CONTACT_COLUMNS, type ContactColumn } from './fields.ts';
import { newId } from './ids.ts';
import { KeyFilter } from './key-filter.ts';
import { runSteps, runStepsYielding, type Steps } from './steps.ts';
import { agentNameKey, agentNameLookup, type RowError } from './row.ts';

export type Query = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/** A transaction on the raw driver: statements, and COPY for bulk inserts (the fastest way in on both databases). */
export interface Tx {
  query: Query;
  /** Copies rows already encoded as COPY text (copyText, or CopyBuffer's bytes); nothing when there are none. */
  copy(table: string, columns: readonly string[], text: CopyData): Promise<void>;
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
    copy: async (table, columns, text) => {
      const t = performance.now();
      try {
        await tx.copy(table, columns, text);
      } finally {
        addTiming(timings, `COPY ${table}`, t);
      }
    },
  };
}

const q = (c: string) => `"${c}"`;

/**
 * A text[] parameter written as PostgreSQL's array literal, in one string. The drivers' own conversion of a JS array
 * built it element by element (~0.8 KB of garbage a row for a batch's lookup); phones and emails rarely hold a
 * character that needs escaping.
 */
export function textArray(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  for (const v of values) {
    if (NEEDS_ESCAPE.test(v)) return `{${values.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  }
  return `{"${values.join('","')}"}`;
}
const NEEDS_ESCAPE = /["\\]/;

/** What Tx.copy takes: COPY text, as a string or as UTF-8 bytes. */
export type CopyData = string | Uint8Array<ArrayBuffer>;
const NO_ROWS = new Uint8Array(0);

const copySql = (table: string, columns: readonly string[]) =>
  `COPY ${q(table)} (${columns.map(q).join(', ')}) FROM STDIN`;

/**
 * The data of a PGlite `COPY … FROM '/dev/blob'`. PGlite reads a blob only through `arrayBuffer()` (and reads the whole
 * buffer): handed as such, the bytes are copied once, to a buffer of their exact length (or not at all when they fill
 * theirs), where a `Blob` copied them twice (into the Blob, then out of it) — ~40 MB less at the peak of a 100k import.
 * Relies on PGlite 0.5's handling of `blob`; every import test on PGlite goes through it.
 */
function copyBlob(text: CopyData): Blob {
  const exact =
    typeof text === 'string'
      ? new TextEncoder().encode(text).buffer
      : text.byteOffset === 0 && text.byteLength === text.buffer.byteLength
        ? text.buffer
        : new Uint8Array(text).buffer;
  return { arrayBuffer: () => Promise.resolve(exact) } as Pick<Blob, 'arrayBuffer'> as Blob;
}

/** Runs `fn` in one transaction on the raw driver (PGlite: its exclusive transaction; pg: one pooled client). */
export async function inTransaction<T>(
  db: Database,
  fn: (tx: Tx) => Promise<T>,
  timings?: StatementTimings,
): Promise<T> {
  const driver = db.driver;
  if (driver.kind === 'pglite') {
    // PGlite runs each statement on this thread and answers through promises alone, with no I/O: a chain of its
    // statements never lets the event loop turn. So the loop turns before each one: the server's timers, requests and
    // chats go on between them (their statements wait for this transaction). Without it a 100k-row import held the
    // loop for 11 s: the reader's batches arrive as worker messages, and the whole import ran inside one message event.
    return driver.pglite.transaction(async (t) =>
      fn(
        timed(
          {
            query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => {
              await turn();
              return (await t.query<R>(text, params)).rows;
            },
            copy: async (table, columns, text) => {
              if (text.length === 0) return;
              await turn();
              await t.query(copySql(table, columns).replace('STDIN', "'/dev/blob'"), [], { blob: copyBlob(text) });
            },
          },
          timings,
        ),
      ),
    );
  }
  return pgTransaction(driver.pool, (client) =>
    fn(
      timed(
        {
          query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
            (await client.query<R>(text, params)).rows,
          copy: async (table, columns, text) => {
            if (text.length === 0) return;
            const chunk = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
            await pipeline(Readable.from([chunk]), client.query(copyFrom(copySql(table, columns))));
          },
        },
        timings,
      ),
    ),
  );
}

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
  dryRun: boolean;
}

/**
 * What a batch writes, as data only (COPY text, JSON, arrays): made on this thread before its transaction, so the
 * next batch can be matched (and its entities changed) while this one is written.
 */
export interface BatchPlan {
  jobId: string;
  businessId: string;
  dryRun: boolean;
  from: number;
  progress: BatchWrite['progress'];
  contacts: Uint8Array<ArrayBuffer>;
  /** Updated contacts as one JSON array for json_to_recordset, or null. */
  updates: string | null;
  /** Identifiers replaced (contact id, kind): deleted before the new ones go in. */
  drop: { ids: string[]; kinds: string[] };
  identifiers: Uint8Array<ArrayBuffer>;
  /** Tags linked by this batch: key → name (created when missing). */
  tagNames: Map<string, string>;
  links: { id: string; key: string }[];
  /** Users the batch's contacts are assigned to. */
  agents: string[];
  audit: Uint8Array<ArrayBuffer>;
  errors: string;
}

/** Encodes one batch's writes: contacts, identifiers, tags, audit events, row errors and the job's progress. No I/O. */
export function planBatch(w: BatchWrite): BatchPlan {
  return runSteps(planSteps(w));
}

/** planBatch, letting the event loop turn every `every` contacts (while another batch's statements wait to be sent). */
export function planBatchYielding(w: BatchWrite, every: number): Promise<BatchPlan> {
  return runStepsYielding(planSteps(w), every);
}

function* planSteps(w: BatchWrite): Steps<BatchPlan> {
  const plan: BatchPlan = {
    jobId: w.jobId,
    businessId: w.businessId,
    dryRun: w.dryRun,
    from: w.from,
    progress: w.progress,
    contacts: NO_ROWS,
    updates: null,
    drop: { ids: [], kinds: [] },
    identifiers: NO_ROWS,
    tagNames: new Map(),
    links: [],
    agents: [],
    audit: NO_ROWS,
    errors: copyText(w.errors.map((e) => [newId(), w.jobId, e.row, e.column, e.code, e.message, e.cells])),
  };
  if (w.dryRun) return plan;
  const created = w.entities.filter((e) => e.isNew);
  const updated = w.entities.filter((e) => !e.isNew && Object.keys(w.changes.get(e) ?? {}).length > 0);
  const cols = CONTACT_COLUMNS;
  const actor = copyField(w.actorId);
  // The parts of a line that are the same for the whole batch.
  const business = `\t${w.businessId}\t`;
  const auditMiddle = `\t${w.businessId}\timport\t${actor}\tcontact\t`;
  // Sized ahead: a prepared row's text is known, plus its line's ids (a contact's 36 + 36 + status and channel; an audit
  // event's 5 × 36 + kinds, ~190 bytes); other lines are guessed generously. A buffer short of room doubles.
  let contactBytes = 0;
  let auditBytes = 0;
  for (const e of created) {
    const pre = e.source?.prepared;
    contactBytes += pre ? pre.created - pre.fields + 112 : 2048;
    auditBytes += pre ? pre.cells - pre.created + 224 : 2048;
  }
  auditBytes += updated.length * 2048;
  const contacts = new CopyBuffer(contactBytes);
  const identifiers = new CopyBuffer((created.length + updated.length) * 2 * 160);
  const audit = new CopyBuffer(auditBytes);
  const agents = new Set<string>();
  for (const e of [...created, ...updated]) {
    yield;
    const pre = e.source?.prepared;
    if (e.assignedAgentId) agents.add(e.assignedAgentId);
    // New rows go in by COPY; ids are time-ordered (UUIDv7), so each index grows at its right edge. Times are left to
    // the columns' defaults (now(): the transaction's start, one for the whole batch), parsed by nobody. A contact
    // made from one row alone: its line is the row's prepared text after the id.
    if (e.isNew && pre) {
      contacts.text(e.id);
      contacts.text(business);
      contacts.text(e.status);
      contacts.text('\timport\t\\N\t');
      contacts.bytes(pre.bytes, pre.fields, pre.created);
      contacts.text('\n');
    } else if (e.isNew) {
      contacts.row([e.id, w.businessId, e.status, 'import', e.assignedAgentId, ...cols.map((c) => e.fields[c])]);
    }

    // Identifiers: drop the ones replaced, then insert the new ones (deletes first, so swaps inside a batch work).
    for (const kind of ['phone', 'email'] as const) {
      const value = e[kind];
      const was = e.before?.[kind] ?? null;
      if (value === was) continue;
      if (was) {
        plan.drop.ids.push(e.id);
        plan.drop.kinds.push(kind);
      }
      if (value) {
        identifiers.text(w.businessId);
        identifiers.text('\t');
        identifiers.text(kind);
        identifiers.text('\t');
        identifiers.text(copyField(value));
        identifiers.text('\t');
        identifiers.text(e.id);
        identifiers.text('\n');
      }
    }

    // Tags: only those the contact lacked are linked (the contacts are new, or locked and re-checked).
    for (const key of e.tagKeys) {
      if (e.before?.tagKeys.has(key)) continue;
      plan.links.push({ id: e.id, key });
      if (!plan.tagNames.has(key)) plan.tagNames.set(key, e.tagNames.get(key) ?? key);
    }

    // One audit event per contact written, with the batch: who (the import's user), what (fields, old → new), when.
    if (pre) {
      audit.text(newId());
      audit.text(auditMiddle);
      audit.text(e.id);
      audit.text('\tcreated\t');
      audit.bytes(pre.bytes, pre.created, pre.cells);
      audit.text('\n');
    } else {
      audit.row([
        newId(),
        w.businessId,
        'import',
        w.actorId,
        'contact',
        e.id,
        e.isNew ? 'created' : 'updated',
        JSON.stringify(w.changes.get(e) ?? {}),
      ]);
    }
  }
  plan.contacts = contacts.done();
  if (updated.length > 0) {
    plan.updates = JSON.stringify(
      updated.map((e) => ({ id: e.id, status: e.status, agent: e.assignedAgentId, ...e.fields })),
    );
  }
  plan.identifiers = identifiers.done();
  plan.audit = audit.done();
  plan.agents = [...agents];
  return plan;
}

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
 */
async function writeContacts(
  tx: Tx,
  plan: BatchPlan,
  tagIds: Map<string, string>,
  skipKeyChecks: boolean,
): Promise<void> {
  const { query } = tx;
  const cols = CONTACT_COLUMNS;
  if (skipKeyChecks) {
    await query(`SET LOCAL session_replication_role = replica`);
    await lockKeys(query, 'Business', [plan.businessId]);
    await lockKeys(query, 'User', plan.agents);
  }
  await tx.copy('Contact', ['id', 'businessId', 'status', 'channel', 'assignedAgentId', ...cols], plan.contacts);
  if (plan.updates !== null) {
    // One JSON document per statement (json_to_recordset) for the few updated rows.
    const recordType = `id uuid, status text, agent uuid, ${cols.map((c) => `${q(c)} text`).join(', ')}`;
    await query(
      `UPDATE "Contact" AS c SET status = u.status::"ContactStatus", "assignedAgentId" = u.agent,
         ${cols.map((col) => `${q(col)} = u.${q(col)}`).join(', ')}, "updatedAt" = now()
       FROM json_to_recordset($2::json) AS u(${recordType})
       WHERE c.id = u.id AND c."businessId" = $1`,
      [plan.businessId, plan.updates],
    );
  }
  if (plan.drop.ids.length > 0) {
    await query(
      `DELETE FROM "Identifier" i USING unnest($1::uuid[], $2::text[]) AS u(id, kind)
       WHERE i."contactId" = u.id AND i.kind::text = u.kind`,
      [plan.drop.ids, plan.drop.kinds],
    );
  }
  await tx.copy('Identifier', ['businessId', 'kind', 'value', 'contactId'], plan.identifiers);

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
  await tx.copy('ContactTag', ['contactId', 'tagId'], copyText(plan.links.map((l) => [l.id, tagIds.get(l.key)!])));
  await tx.copy(
    'AuditEvent',
    ['id', 'businessId', 'actorType', 'actorId', 'entityType', 'entityId', 'action', 'changes'],
    plan.audit,
  );
}
