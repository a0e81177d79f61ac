// The runtime's transactional outbox ("OutboxEffect"): the effects of a step that leave the database, written in
// the step's transaction, claimed with a lease (FOR UPDATE SKIP LOCKED across instances, like the timers), and
// marked done once — in the same transaction as the event they produce, when they produce one.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database, Sql } from '../../prisma/index.ts';
import { naturalBatch, type NaturalBatch } from './natural-batch.ts';

const jobSchema = z.discriminatedUnion('kind', [
  /** a stored message to send on the conversation's channel; its id is the delivery's key */
  z.object({
    kind: z.literal('deliver'),
    messageId: z.string(),
    text: z.string(),
    author: z.enum(['ai', 'agent', 'system']),
    /** an agent's message: who wrote it (the customer sees their first name); absent in jobs written before */
    agentId: z.string().nullable().default(null),
  }),
  z.object({
    kind: z.literal('ai.reply'),
    text: z.string(),
    lang: z.enum(['en', 'es']),
    locale: z.string().optional(),
    /** a person will reply (after the capture): the agent offers no handover */
    awaitingTeam: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('ai.extract'),
    text: z.string(),
    knownPhone: z.string().nullable(),
    locale: z.string().optional(),
  }),
  z.object({
    kind: z.literal('details.save'),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    /** the name a guest gave */
    name: z.object({ firstName: z.string(), lastName: z.string().nullable() }).nullable().default(null),
    /** the values this chat saved before, which the customer corrects */
    replaces: z
      .object({ email: z.string().nullable(), phone: z.string().nullable() })
      .default({ email: null, phone: null }),
  }),
]);

export type OutboxJob = z.infer<typeof jobSchema>;

export interface ClaimedEffect {
  id: string;
  conversationId: string;
  /** claims so far, this one included */
  attempts: number;
  /** when the step that wrote it committed */
  createdAt: Date;
  job: OutboxJob;
}

export type EffectOutcome = 'done' | 'gave_up' | 'undeliverable';

export interface Claim {
  by: string;
  /** now */
  at: Date;
  /** the lease's end */
  until: Date;
}

/** A step's jobs as outbox rows, in order, already claimed by the instance that carries them out right after the
 * commit (`claim`); written with the step (step-write.ts). */
export function newEffects(conversationId: string, jobs: OutboxJob[], claim: Claim): ClaimedEffect[] {
  return jobs.map((job) => ({ id: randomUUID(), conversationId, attempts: 1, createdAt: claim.at, job }));
}

type DoneMark = { id: string; outcome: EffectOutcome; at: Date };

/** The done marks of a database, each batch one statement (`UPDATE … FROM unnest(…)`). */
const doneMarks = new WeakMap<Sql, NaturalBatch<DoneMark, boolean>>();

async function markDone(db: Sql, marks: DoneMark[]): Promise<boolean[]> {
  const done = await db.query<{ id: string }>(
    `UPDATE "OutboxEffect" e SET "doneAt" = d.at, outcome = d.outcome, "claimedUntil" = NULL
     FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS d(id, outcome, at)
     WHERE e.id = d.id AND e."doneAt" IS NULL RETURNING e.id::text AS id`,
    [marks.map((m) => m.id), marks.map((m) => m.outcome), marks.map((m) => m.at.toISOString())],
    { prepare: true },
  );
  const marked = new Set(done.map((r) => r.id));
  // the same effect twice in one batch: the first mark wins, as it would one after the other
  const seen = new Set<string>();
  return marks.map(({ id }) => {
    const first = !seen.has(id);
    seen.add(id);
    return first && marked.has(id);
  });
}

/**
 * Marks the effect done; false when it already was (another attempt finished it). SQL on the driver: it runs for
 * every delivery. Concurrent marks (other conversations' deliveries) share one statement: sent at once when none is
 * in flight, else with the others waiting when it returns (naturalBatch). A mark lost in a crash before its
 * statement committed leaves the effect claimed: the worker carries it out again when the claim's lease ends, as after
 * a crash between the delivery and its mark.
 */
export async function completeEffect(db: Sql, id: string, outcome: EffectOutcome, now: Date): Promise<boolean> {
  let batch = doneMarks.get(db);
  if (!batch) {
    batch = naturalBatch((marks: DoneMark[]) => markDone(db, marks));
    doneMarks.set(db, batch);
  }
  return batch.add({ id, outcome, at: now });
}

/** Gives effects back, to be carried out again from `availableAt` (a retry's backoff). */
export async function releaseEffects(
  db: Database,
  ids: string[],
  retry: {
    availableAt: Date;
    error?: string;
    /** the claim did not try it: not counted as an attempt */ uncount?: boolean;
  },
) {
  if (ids.length === 0) return;
  await db.prisma.outboxEffect.updateMany({
    where: { id: { in: ids }, doneAt: null },
    data: {
      claimedBy: null,
      claimedUntil: null,
      availableAt: retry.availableAt,
      ...(retry.uncount ? { attempts: { decrement: 1 } } : {}),
      ...(retry.error ? { lastError: retry.error.slice(0, 1000) } : {}),
    },
  });
}

/**
 * Claims effects that are due and not claimed (or whose claim's lease ran out), the oldest first and only the first
 * pending one of each conversation, so a conversation's effects are carried out in order. Deliveries on the channels
 * in `notServedHere` are left to an instance that runs them (WhatsApp's lease holder).
 */
export async function claimDueEffects(
  db: Database,
  c: Claim & { limit: number; notServedHere?: string[] },
): Promise<ClaimedEffect[]> {
  // On the driver, prepared: the worker asks every second, next to the messages (through Prisma this statement cost
  // ~0.5 ms of CPU a call on PostgreSQL and 1.5–2.8 ms on PGlite, against 0.1–0.25 ms here)
  const rows = await db.query<{
    id: string;
    conversationId: string;
    attempts: number;
    createdAt: Date | string;
    payload: unknown;
  }>(
    `UPDATE "OutboxEffect" SET "claimedBy" = $1, "claimedUntil" = $2::timestamptz, attempts = attempts + 1
    WHERE id IN (
      SELECT e.id FROM "OutboxEffect" e
      WHERE e."doneAt" IS NULL AND e."availableAt" <= $3::timestamptz
        AND (e."claimedUntil" IS NULL OR e."claimedUntil" < $3::timestamptz)
        AND NOT EXISTS (
          SELECT 1 FROM "OutboxEffect" o
          WHERE o."conversationId" = e."conversationId" AND o."doneAt" IS NULL AND o.seq < e.seq)
        AND NOT (cardinality($4::text[]) > 0 AND e.kind = 'deliver' AND EXISTS (
          SELECT 1 FROM "Conversation" c WHERE c.id = e."conversationId" AND c.channel = ANY($4::text[])))
      ORDER BY e.seq LIMIT $5
      FOR UPDATE SKIP LOCKED)
    RETURNING id::text AS id, "conversationId"::text AS "conversationId", attempts, "createdAt", payload`,
    [c.by, c.until.toISOString(), c.at.toISOString(), c.notServedHere ?? [], c.limit],
    { prepare: true },
  );
  return rows.map(({ payload, createdAt, ...r }) => ({
    ...r,
    createdAt: new Date(createdAt),
    job: jobSchema.parse(payload),
  }));
}

/** Instances holding claims on pending effects (to find those of an instance that is gone). */
export async function claimants(db: Database): Promise<string[]> {
  const rows = await db.prisma.outboxEffect.findMany({
    where: { doneAt: null, claimedBy: { not: null } },
    distinct: ['claimedBy'],
    select: { claimedBy: true },
  });
  return rows.flatMap((r) => (r.claimedBy ? [r.claimedBy] : []));
}

/** Gives back the claims of `instances`; with `claimedUntilBefore`, only the claims whose lease ends before it. */
export async function releaseClaimsOf(
  db: Database,
  instances: string[],
  opts: { claimedUntilBefore?: Date } = {},
): Promise<number> {
  if (instances.length === 0) return 0;
  const released = await db.prisma.outboxEffect.updateMany({
    where: {
      doneAt: null,
      claimedBy: { in: instances },
      ...(opts.claimedUntilBefore ? { claimedUntil: { lt: opts.claimedUntilBefore } } : {}),
    },
    data: { claimedBy: null, claimedUntil: null },
  });
  return released.count;
}
