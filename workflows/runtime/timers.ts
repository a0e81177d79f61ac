// Durable timers: rows in "DurableTimer", owned by the host, not by XState (statelyai/xstate#5331).
// Scheduled and cancelled inside the conversation's transaction, with the step's other writes (step-write.ts); fired
// by the runtime's poller, which marks a timer fired in the same transaction that delivers its event, so it is
// delivered exactly once.
import { z } from 'zod';
import type { Database, Sql } from '../../prisma/index.ts';

export const timerEventSchema = z.enum(['handover.timeout', 'inactivity.timeout']);

export interface DueTimer {
  id: string;
  conversationId: string;
  event: string;
  key: string;
  dueAt: Date;
}

/**
 * Claims up to `limit` timers due by `now` that nobody claimed or whose claim is older than `leaseMs`: marked claimed
 * by `instanceId`, so that instances polling at once share the due timers instead of queueing on the same
 * conversations. Each claim shares the batch out so that neither the timers falling due now nor a backlog waits for
 * the other (however late, a timer fires late rather than never):
 * - up to half to the fresh ones, due in the last `freshMs` (and since `startedAt`): on time while they need no more;
 * - up to a quarter to the overdue ones, due before `startedAt` (when this instance came up: they fell due while
 *   Baton was down or starting): they drain with a quarter of the capacity at least, and with all that the others
 *   leave;
 * - the rest to those due since `startedAt` that slipped past `freshMs` (Baton ran behind), then to the oldest.
 * Without `startedAt`: half fresh, the rest the oldest.
 * A timer whose conversation still has effects to carry out (the outbox: a crash's leftovers, a retry's backoff, a
 * reply under way) waits for them, so that what an earlier event sent goes out before what the timer's event sends.
 * A claim only divides the work: a timer is fired once because `takeTimer` marks it fired in the transaction that
 * delivers its event.
 */
export async function claimDueTimers(
  db: Database,
  c: { now: Date; instanceId: string; limit: number; leaseMs: number; freshMs?: number; startedAt?: Date },
): Promise<DueTimer[]> {
  const started = c.startedAt ?? null;
  const fresh = new Date(Math.max(c.now.getTime() - (c.freshMs ?? 2000), started?.getTime() ?? -Infinity));
  const lanes: { from: Date | null; before: Date | null; share: number }[] = [
    { from: fresh, before: null, share: Math.ceil(c.limit / 2) },
    ...(started ? [{ from: null, before: started, share: Math.ceil(c.limit / 4) }] : []),
    ...(started ? [{ from: started, before: null, share: c.limit }] : []),
    { from: null, before: null, share: c.limit },
  ];
  const claimed: DueTimer[] = [];
  for (const lane of lanes) {
    const room = Math.min(lane.share, c.limit - claimed.length);
    if (room <= 0) break;
    claimed.push(...(await claimBetween(db, c, lane.from, lane.before, room)));
  }
  // in the lanes' order (the fresh ones fire first), each lane's oldest first
  return claimed;
}

/** The timer's conversation has no effect left to carry out (a DurableTimer row's condition, unaliased). */
const NOTHING_LEFT_TO_DO = `NOT EXISTS (SELECT 1 FROM "OutboxEffect" o
                WHERE o."conversationId" = "DurableTimer"."conversationId" AND o."doneAt" IS NULL)`;

async function claimBetween(
  db: Database,
  c: { now: Date; instanceId: string; leaseMs: number },
  from: Date | null,
  before: Date | null,
  limit: number,
): Promise<DueTimer[]> {
  const expired = new Date(c.now.getTime() - c.leaseMs);
  const rows = await db.query<{ id: string; conversationId: string; event: string; key: string; dueAt: Date | string }>(
    `UPDATE "DurableTimer" t SET "claimedAt" = $1, "claimedBy" = $2
     FROM (SELECT id FROM "DurableTimer"
           WHERE "firedAt" IS NULL AND "cancelledAt" IS NULL AND "dueAt" <= $1
             AND ($5::timestamptz IS NULL OR "dueAt" >= $5) AND ($6::timestamptz IS NULL OR "dueAt" < $6)
             AND ("claimedAt" IS NULL OR "claimedAt" < $3)
             AND ${NOTHING_LEFT_TO_DO}
           ORDER BY "dueAt" LIMIT $4 FOR UPDATE SKIP LOCKED) due
     WHERE t.id = due.id
     RETURNING t.id::text AS id, t."conversationId"::text AS "conversationId", t.event, t.key, t."dueAt" AS "dueAt"`,
    [
      c.now.toISOString(),
      c.instanceId,
      expired.toISOString(),
      limit,
      from?.toISOString() ?? null,
      before?.toISOString() ?? null,
    ],
  );
  return rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt) })).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** The instances holding claims on timers due by `now` (other than `instanceId`): to release those known gone. */
export async function claimHolders(db: Database, now: Date, instanceId: string): Promise<string[]> {
  const rows = await db.query<{ claimedBy: string }>(
    `SELECT DISTINCT "claimedBy" FROM "DurableTimer"
     WHERE "firedAt" IS NULL AND "cancelledAt" IS NULL AND "dueAt" <= $1 AND "claimedBy" IS NOT NULL AND "claimedBy" <> $2`,
    [now.toISOString(), instanceId],
  );
  return rows.map((r) => r.claimedBy);
}

/** Releases the claims of instances known to be gone (their process ended): their timers need not wait for the lease. */
export async function releaseClaims(db: Database, instanceIds: string[]): Promise<void> {
  if (instanceIds.length === 0) return;
  await db.query(
    `UPDATE "DurableTimer" SET "claimedAt" = NULL, "claimedBy" = NULL
     WHERE "firedAt" IS NULL AND "cancelledAt" IS NULL AND "claimedBy" = ANY($1::text[])`,
    [instanceIds],
  );
}

/**
 * The due time of the next timer a claim could take (pending, unclaimed or its claim older than `leaseMs`, its
 * conversation with nothing left to carry out), to arm a local wake-up; at or before `now`: there is one to fire
 * already.
 */
export async function nextDueAt(db: Database, now: Date, leaseMs: number): Promise<Date | null> {
  const rows = await db.query<{ dueAt: Date | string }>(
    `SELECT "dueAt" FROM "DurableTimer"
     WHERE "firedAt" IS NULL AND "cancelledAt" IS NULL AND ("claimedAt" IS NULL OR "claimedAt" < $1)
       AND ${NOTHING_LEFT_TO_DO}
     ORDER BY "dueAt" LIMIT 1`,
    [new Date(now.getTime() - leaseMs).toISOString()],
  );
  const at = rows[0]?.dueAt;
  return at === undefined ? null : new Date(at);
}

/**
 * Inside the conversation's transaction (its row already locked): takes the timer if it is still pending and
 * not locked by another instance (FOR UPDATE SKIP LOCKED), and marks it fired, in one statement. False: someone
 * else fired or cancelled it, and the event must not be delivered.
 */
export async function takeTimer(tx: Sql, t: { id: string; now: Date; instanceId: string }): Promise<boolean> {
  const at = t.now.toISOString();
  const rows = await tx.query<{ id: string }>(
    `UPDATE "DurableTimer" SET "claimedAt" = $1::timestamptz, "claimedBy" = $2, "firedAt" = $1::timestamptz
     WHERE id = (SELECT id FROM "DurableTimer"
                 WHERE id = $3::uuid AND "firedAt" IS NULL AND "cancelledAt" IS NULL
                 FOR UPDATE SKIP LOCKED)
     RETURNING id::text AS id`,
    [at, t.instanceId, t.id],
  );
  return rows.length === 1;
}

/** A timer whose event Baton does not know: never fired. */
export async function cancelTimerById(db: Database, id: string, now: Date): Promise<void> {
  await db.prisma.durableTimer.update({ where: { id }, data: { cancelledAt: now } });
}
