// A step's writes, in one statement (data-modifying CTEs): the snapshot, the messages it stores, its timers, its
// outbox rows, the outbox effect it is the outcome of. One round trip instead of one per row, all of them or none.
// The statement is built for the step (its rows as parameters), so its text varies with what the step writes.
import { newRowId, type Sql } from '../../prisma/index.ts';
import type { ConversationStatus, TimerEventType } from '../conversation/index.ts';
import type { Claim, ClaimedEffect, EffectOutcome } from './outbox.ts';
import type { NewMessage } from './store.ts';

/** A timer the step (re)schedules or cancels; at most one per key (the last the step asked for: timerWrites). */
export type TimerWrite =
  { kind: 'schedule'; key: string; event: TimerEventType; dueAt: Date } | { kind: 'cancel'; key: string; at: Date };

export interface StepWrite {
  conversationId: string;
  /** the row's version when it was locked: the snapshot is saved only if it still is */
  version: number;
  /** the step's persisted snapshot, as JSON */
  snapshot: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  at: Date;
  lastActivityAt?: Date | undefined;
  /** a date: it closed now; null: it was reopened */
  closedAt?: Date | null | undefined;
  /** a date: it started waiting for a human now; null: it no longer waits */
  waitingSince?: Date | null | undefined;
  /** the latest reference the channel gave, when it changed */
  reference?: Record<string, unknown> | undefined;
  messages: NewMessage[];
  timers: TimerWrite[];
  /** the step's outbox rows, in order (they take their seq in this order), claimed by `claim` */
  outbox: ClaimedEffect[];
  claim: Claim;
  /** the outbox effect this step is the outcome of: marked done, if it is not yet */
  effectDone?: { id: string; outcome: EffectOutcome } | undefined;
  /** a customer's message's channel id: whether the channel handed it over before is reported (`redelivered`) */
  redeliveryOf?: string | undefined;
}

export interface StepWritten {
  /** false: nothing was written (the row not at `version`, a redelivery, the effect done already) */
  saved: boolean;
  /** the conversation's contact as saved (a merge of contacts moves conversations without a new version) */
  contactId: string | null;
  /** false: the effect was done already (its outcome was applied) */
  effectDone: boolean;
  /** the channel had handed the customer's message over before (it was stepped then) */
  redelivered: boolean;
  /** the names of the agents who wrote the step's messages, by id */
  agents: Map<string, { firstName: string; lastName: string }>;
}

/**
 * The timer writes of a step's effects, one per key, the last the step asked for: a statement cannot change one row
 * twice. The same outcome as each in turn: a cancel after a schedule leaves the timer cancelled (never fired), a
 * schedule after a cancel leaves it pending at its new due time.
 */
export function timerWrites(writes: TimerWrite[]): TimerWrite[] {
  const byKey = new Map<string, TimerWrite>();
  for (const w of writes) {
    byKey.delete(w.key);
    byKey.set(w.key, w);
  }
  return [...byKey.values()];
}

const iso = (d: Date) => d.toISOString();

/** The distinct agents who wrote the step's messages, in order of their first message. */
function agentIdsOf(w: StepWrite): string[] {
  return [...new Set(w.messages.flatMap((m) => (m.agentId ? [m.agentId] : [])))];
}

/**
 * What a step's statement text depends on (stepStatement): which guards and writes it has and how many rows of
 * each. Everything else is a parameter.
 */
export function stepShape(w: StepWrite, agents: number): string {
  let timers = '';
  for (const t of w.timers) timers += t.kind === 'schedule' ? 's' : 'c';
  return `${w.redeliveryOf !== undefined ? 'r' : ''}${w.effectDone ? 'e' : ''}|${w.messages.length}|${timers}|${w.outbox.length}|${agents}`;
}

/**
 * The step's statement and its parameters (`ids`: the new timer rows' ids). Built in full for a shape not seen yet:
 * writeStep then keeps its text per shape and fills only the parameters (stepParams, the same values in the same
 * order: test/workflows/runtime/step-write.test.ts).
 */
export function stepStatement(w: StepWrite, ids: () => string = newRowId): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const $ = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conv = $(w.conversationId);
  const ctes: string[] = [];
  const guards: string[] = [];
  if (w.redeliveryOf !== undefined) {
    ctes.push(`seen AS (SELECT 1 FROM "Message"
      WHERE "conversationId" = ${conv}::uuid AND "channelMessageId" = ${$(w.redeliveryOf)} AND direction = 'inbound'
      LIMIT 1)`);
    guards.push('NOT EXISTS (SELECT 1 FROM seen)');
  }
  const effect = w.effectDone && $(w.effectDone.id);
  if (effect) {
    ctes.push(`pending AS (SELECT 1 FROM "OutboxEffect" WHERE id = ${effect}::uuid AND "doneAt" IS NULL)`);
    guards.push('EXISTS (SELECT 1 FROM pending)');
  }
  ctes.push(`saved AS (UPDATE "Conversation" SET
      snapshot = ${$(w.snapshot)}::jsonb,
      status = ${$(w.status)}::text::"ConversationStatus",
      version = version + 1,
      "assignedAgentId" = ${$(w.assignedAgentId)}::uuid,
      "updatedAt" = ${$(iso(w.at))}::timestamptz,
      "lastActivityAt" = COALESCE(${$(w.lastActivityAt ? iso(w.lastActivityAt) : null)}::timestamptz, "lastActivityAt"),
      "closedAt" = CASE WHEN ${$(w.closedAt !== undefined)}::boolean
        THEN ${$(w.closedAt ? iso(w.closedAt) : null)}::timestamptz ELSE "closedAt" END,
      "waitingSince" = CASE WHEN ${$(w.waitingSince !== undefined)}::boolean
        THEN ${$(w.waitingSince ? iso(w.waitingSince) : null)}::timestamptz ELSE "waitingSince" END,
      reference = COALESCE(${$(w.reference === undefined ? null : JSON.stringify(w.reference))}::jsonb, reference)
    WHERE ${[`id = ${conv}::uuid`, `version = ${$(w.version)}::int`, ...guards].join(' AND ')}
    RETURNING "contactId"::text AS "contactId")`);
  const ifSaved = 'EXISTS (SELECT 1 FROM saved)';
  if (w.effectDone)
    ctes.push(`done AS (UPDATE "OutboxEffect"
      SET "doneAt" = ${$(iso(w.at))}::timestamptz, outcome = ${$(w.effectDone.outcome)}, "claimedUntil" = NULL
      WHERE id = ${effect}::uuid AND "doneAt" IS NULL AND ${ifSaved} RETURNING 1)`);
  if (w.messages.length > 0) {
    const rows = w.messages.map(
      (m) =>
        `(${$(m.id)}::uuid, ${conv}::uuid, ${$(m.direction)}::text::"MessageDirection", ${$(m.author)}::text::"MessageAuthor",
          ${$(m.agentId)}::uuid, ${$(m.text)}, ${$(m.channelMessageId)}, ${$(iso(m.createdAt))}::timestamptz)`,
    );
    ctes.push(`messages AS (INSERT INTO "Message"
      (id, "conversationId", direction, author, "agentId", text, "channelMessageId", "createdAt")
      SELECT * FROM (VALUES ${rows.join(', ')}) m WHERE ${ifSaved})`);
  }
  for (const [i, t] of w.timers.entries()) {
    if (t.kind === 'schedule')
      ctes.push(`timer${i} AS (INSERT INTO "DurableTimer" (id, "conversationId", event, key, "dueAt")
        SELECT ${$(ids())}::uuid, ${conv}::uuid, ${$(t.event)}, ${$(t.key)}, ${$(iso(t.dueAt))}::timestamptz
        WHERE ${ifSaved}
        ON CONFLICT ("conversationId", key) DO UPDATE SET event = EXCLUDED.event, "dueAt" = EXCLUDED."dueAt",
          "claimedAt" = NULL, "claimedBy" = NULL, "firedAt" = NULL, "cancelledAt" = NULL)`);
    else
      ctes.push(`timer${i} AS (UPDATE "DurableTimer" SET "cancelledAt" = ${$(iso(t.at))}::timestamptz
        WHERE "conversationId" = ${conv}::uuid AND key = ${$(t.key)} AND "firedAt" IS NULL AND "cancelledAt" IS NULL
          AND ${ifSaved})`);
  }
  if (w.outbox.length > 0) {
    const claimAt = $(iso(w.claim.at));
    const by = $(w.claim.by);
    const until = $(iso(w.claim.until));
    const rows = w.outbox.map(
      (e) =>
        `(${$(e.id)}::uuid, ${conv}::uuid, ${$(e.job.kind)}, ${$(JSON.stringify(e.job))}::jsonb, 1, ${claimAt}::timestamptz,
          ${by}, ${until}::timestamptz, ${claimAt}::timestamptz)`,
    );
    // rows take their seq in this order
    ctes.push(`outbox AS (INSERT INTO "OutboxEffect"
      (id, "conversationId", kind, payload, attempts, "availableAt", "claimedBy", "claimedUntil", "createdAt")
      SELECT * FROM (VALUES ${rows.join(', ')}) o WHERE ${ifSaved})`);
  }

  const agentIds = agentIdsOf(w);
  const agents =
    agentIds.length > 0
      ? `(SELECT json_agg(json_build_object('id', u.id::text, 'firstName', u."firstName", 'lastName', u."lastName"))
          FROM "User" u WHERE u.id IN (${agentIds.map((id) => `${$(id)}::uuid`).join(', ')}))`
      : 'NULL::json';
  const text = `WITH ${ctes.join(',\n')}
     SELECT (SELECT "contactId" FROM saved) AS "contactId",
       ${w.effectDone ? 'EXISTS (SELECT 1 FROM done)' : 'true'} AS done,
       ${w.redeliveryOf !== undefined ? 'EXISTS (SELECT 1 FROM seen)' : 'false'} AS redelivered,
       ${agents} AS agents`;
  return { text, params };
}

/** stepStatement's parameters alone, in its order. */
export function stepParams(w: StepWrite, agentIds: string[], ids: () => string): unknown[] {
  const at = iso(w.at);
  const params: unknown[] = [w.conversationId];
  if (w.redeliveryOf !== undefined) params.push(w.redeliveryOf);
  if (w.effectDone) params.push(w.effectDone.id);
  params.push(
    w.snapshot,
    w.status,
    w.assignedAgentId,
    at,
    w.lastActivityAt ? iso(w.lastActivityAt) : null,
    w.closedAt !== undefined,
    w.closedAt ? iso(w.closedAt) : null,
    w.waitingSince !== undefined,
    w.waitingSince ? iso(w.waitingSince) : null,
    w.reference === undefined ? null : JSON.stringify(w.reference),
    w.version,
  );
  if (w.effectDone) params.push(at, w.effectDone.outcome);
  for (const m of w.messages)
    params.push(m.id, m.direction, m.author, m.agentId, m.text, m.channelMessageId, iso(m.createdAt));
  for (const t of w.timers) {
    if (t.kind === 'schedule') params.push(ids(), t.event, t.key, iso(t.dueAt));
    else params.push(iso(t.at), t.key);
  }
  if (w.outbox.length > 0) {
    params.push(iso(w.claim.at), w.claim.by, iso(w.claim.until));
    for (const e of w.outbox) params.push(e.id, e.job.kind, JSON.stringify(e.job));
  }
  for (const id of agentIds) params.push(id);
  return params;
}

/** Statement texts by shape (stepShape): a few dozen shapes occur; beyond this many, the oldest is forgotten. */
const SHAPES = 256;
const statements = new Map<string, string>();

/**
 * Writes the step, if the row is still at `version`, the customer's message was not handed over before and the effect
 * it is the outcome of is not done yet: the snapshot's UPDATE checks all three (each a CTE read in the statement's
 * snapshot; after a concurrent update PostgreSQL re-checks the version on the row as it is then), and every other
 * write reads the UPDATE's result. Nothing is written otherwise, so the statement is safe outside a transaction too.
 * The statement's text is built once per shape (the same string each time, so its prepared statement is found at
 * once); its parameters per step.
 */
export async function writeStep(db: Sql, w: StepWrite): Promise<StepWritten> {
  const agentIds = agentIdsOf(w);
  const shape = stepShape(w, agentIds.length);
  let text = statements.get(shape);
  let params: unknown[];
  if (text === undefined) {
    ({ text, params } = stepStatement(w));
    if (statements.size >= SHAPES) statements.delete(statements.keys().next().value as string);
    statements.set(shape, text);
  } else {
    params = stepParams(w, agentIds, newRowId);
  }
  const rows = await db.query<{
    contactId: string | null;
    done: boolean;
    redelivered: boolean;
    agents: { id: string; firstName: string; lastName: string }[] | null;
  }>(text, params, { prepare: true });
  const row = rows[0];
  if (!row) throw new Error('a step was written without a result');
  return {
    saved: row.contactId !== null,
    contactId: row.contactId,
    effectDone: row.done,
    redelivered: row.redelivered,
    agents: new Map((row.agents ?? []).map((a) => [a.id, { firstName: a.firstName, lastName: a.lastName }])),
  };
}
