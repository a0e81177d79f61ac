// The durable send queue: BroadcastRecipient rows. A recipient is claimed (`sending`, with the instance and the
// time) and committed before its send, then marked `sent` or `failed`. A crash between the two leaves it
// `sending`; it is then marked `unknown` — at most once, never sent twice. Several instances claim with
// FOR UPDATE SKIP LOCKED, as the durable timers do, so each recipient is sent by one of them.
import { Prisma, type Database } from '../../prisma/index.ts';
import { queueRecipients } from './audience.ts';

export interface ClaimedRecipient {
  id: string;
  broadcastId: string;
  contactId: string;
  channel: string;
  message: string;
  contactStatus: 'guest' | 'active' | 'archived';
  optOut: boolean;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  businessName: string | null;
  phone: string | null;
  email: string | null;
  /** the Bot Framework ConversationReference, for a send on that channel */
  reference: Record<string, unknown> | null;
}

/**
 * Claims up to `limit` queued recipients of the oldest broadcast that is sending and has some. `whatsapp`: claim
 * WhatsApp recipients (true) or those of every other channel (false).
 */
export async function claimRecipients(
  db: Database,
  opts: ClaimOptions & { cursors?: Map<string, string> },
): Promise<ClaimedRecipient[]> {
  // Broadcast by broadcast, oldest first: each claim then reads the (broadcastId, status, id) index in order
  // instead of sorting every queued recipient of every broadcast. `cursors` keeps where this sender's last claim
  // ended in each broadcast, so a claim does not walk over the index entries its earlier claims left behind
  // (dead until vacuumed: without it, claiming 100,000 recipients grew quadratic); a claim that finds nothing
  // after its cursor looks once more from the start, for recipients another instance gave back.
  const sending = await db.prisma.broadcast.findMany({
    where: { status: 'sending' },
    orderBy: { scheduledAt: 'asc' },
    select: { id: true },
    take: 50,
  });
  for (const b of sending) {
    const after = opts.cursors?.get(b.id);
    let claimed = await claimFrom(db, b.id, opts, after);
    if (claimed.length === 0 && after) claimed = await claimFrom(db, b.id, opts, undefined);
    if (claimed.length) {
      opts.cursors?.set(
        b.id,
        claimed.reduce((max, r) => (r.id > max ? r.id : max), claimed[0]!.id),
      );
      return claimed;
    }
    opts.cursors?.delete(b.id);
  }
  return [];
}

interface ClaimOptions {
  instanceId: string;
  whatsapp: boolean;
  limit: number;
  now: Date;
}

async function claimFrom(
  db: Database,
  broadcastId: string,
  opts: ClaimOptions,
  after: string | undefined,
): Promise<ClaimedRecipient[]> {
  const lane = opts.whatsapp ? Prisma.sql`r.channel = 'whatsapp'` : Prisma.sql`r.channel <> 'whatsapp'`;
  const from = after ? Prisma.sql`AND r.id > ${after}::uuid` : Prisma.empty;
  return db.prisma.$queryRaw<ClaimedRecipient[]>`
    WITH picked AS (
      SELECT r.id FROM "BroadcastRecipient" r
      WHERE r."broadcastId" = ${broadcastId}::uuid AND r.status = 'queued' AND ${lane} ${from}
      ORDER BY r.id
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE "BroadcastRecipient" r SET status = 'sending', "claimedBy" = ${opts.instanceId},
        "claimedAt" = ${opts.now}, "updatedAt" = ${opts.now}
      FROM picked WHERE r.id = picked.id
      RETURNING r.id, r."broadcastId", r."contactId", r.channel, r."conversationId"
    )
    SELECT cl.id, cl."broadcastId", cl."contactId", cl.channel, b.message,
      c.status::text AS "contactStatus", c."broadcastOptOut" AS "optOut",
      c."firstName", c."middleName", c."lastName", c."businessName",
      (SELECT value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'phone') AS phone,
      (SELECT value FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email') AS email,
      v.reference
    FROM claimed cl
    JOIN "Broadcast" b ON b.id = cl."broadcastId"
    JOIN "Contact" c ON c.id = cl."contactId"
    LEFT JOIN "Conversation" v ON v.id = cl."conversationId"`;
}

export type Outcome = { id: string; status: 'sent' } | { id: string; status: 'failed' | 'skipped'; reason: string };

/** Records the outcomes of claimed recipients (only those still `sending`: a cancel does not undo a send). */
export async function recordOutcomes(db: Database, outcomes: Outcome[], now: Date): Promise<void> {
  const sent = outcomes.filter((o) => o.status === 'sent').map((o) => o.id);
  if (sent.length) {
    await db.prisma.broadcastRecipient.updateMany({
      where: { id: { in: sent }, status: 'sending' },
      data: { status: 'sent', sentAt: now, updatedAt: now },
    });
  }
  for (const o of outcomes) {
    if (o.status === 'sent') continue;
    await db.prisma.broadcastRecipient.updateMany({
      where: { id: o.id, status: 'sending' },
      data: { status: o.status, reason: o.reason.slice(0, 500), updatedAt: now },
    });
  }
}

/** Claimed recipients this instance will not send after all (it is stopping): queued again. */
export async function releaseClaims(db: Database, ids: string[], now: Date): Promise<void> {
  await db.prisma.broadcastRecipient.updateMany({
    where: { id: { in: ids }, status: 'sending' },
    data: { status: 'queued', claimedBy: null, claimedAt: null, updatedAt: now },
  });
}

export const INTERRUPTED_REASON = 'interrupted by a restart: it may or may not have been sent, and is not sent again';

/**
 * Sends interrupted by a crash become `unknown`: those claimed before `staleBefore` (any instance), and those of
 * `deadInstances` (instances known to be gone, e.g. this host's earlier process) whenever they were claimed.
 */
export async function markInterrupted(
  db: Database,
  opts: { staleBefore: Date; deadInstances: string[]; now: Date },
): Promise<number> {
  const { count } = await db.prisma.broadcastRecipient.updateMany({
    where: {
      status: 'sending',
      OR: [{ claimedAt: { lt: opts.staleBefore } }, { claimedBy: { in: opts.deadInstances } }],
    },
    data: { status: 'unknown', reason: INTERRUPTED_REASON, updatedAt: opts.now },
  });
  return count;
}

/** The instances holding `sending` recipients now (to find those whose process is gone). */
export async function sendingInstances(db: Database): Promise<string[]> {
  const rows = await db.prisma.broadcastRecipient.findMany({
    where: { status: 'sending' },
    distinct: ['claimedBy'],
    select: { claimedBy: true },
  });
  return rows.map((r) => r.claimedBy).filter((x): x is string => !!x);
}

/**
 * Queues the recipients of one broadcast that has fallen due, taken with FOR UPDATE SKIP LOCKED so that one
 * instance does it. Returns the id it queued, or null when none was due.
 */
export async function queueNextDue(db: Database, opts: { now: Date; whatsapp: boolean }): Promise<string | null> {
  return db.prisma.$transaction(
    async (tx) => {
      const due = await tx.$queryRaw<{ id: string; businessId: string; tagIds: string[]; matchAll: boolean }[]>`
        SELECT id, "businessId", "tagIds", "matchAll" FROM "Broadcast"
        WHERE status = 'scheduled' AND "scheduledAt" <= ${opts.now}
        ORDER BY "scheduledAt" LIMIT 1 FOR UPDATE SKIP LOCKED`;
      const b = due[0];
      if (!b) return null;
      await queueRecipients(
        tx,
        b.id,
        { businessId: b.businessId, tagIds: b.tagIds, matchAll: b.matchAll },
        opts.whatsapp,
        opts.now,
      );
      await tx.broadcast.update({ where: { id: b.id }, data: { status: 'sending', queuedAt: opts.now } });
      return b.id;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/**
 * Whether a pass has anything to do: a broadcast sending, or one scheduled that has fallen due. One prepared
 * statement on the driver, so an idle pass costs next to nothing (each second, next to the messages: through Prisma
 * the pass's four statements cost ~0.5 ms of CPU each on PostgreSQL and 1.5–2.8 ms on PGlite).
 */
export async function hasWork(db: Database, now: Date): Promise<boolean> {
  const rows = await db.query<{ work: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM "Broadcast" WHERE status = 'sending'
       OR (status = 'scheduled' AND "scheduledAt" <= $1::timestamptz)) AS work`,
    [now.toISOString()],
    { prepare: true },
  );
  return rows[0]?.work === true;
}

/** Broadcasts that are sending and have nothing queued or in flight become `completed`. */
export async function completeFinished(db: Database, now: Date): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Broadcast" b SET status = 'completed', "finishedAt" = ${now}, "updatedAt" = ${now}
    WHERE b.status = 'sending' AND NOT EXISTS (
      SELECT 1 FROM "BroadcastRecipient" r WHERE r."broadcastId" = b.id AND r.status IN ('queued', 'sending'))
    RETURNING b.id`;
  return rows.map((r) => r.id);
}
