// Durable timers: rows in "DurableTimer", owned by the host, not by XState (statelyai/xstate#5331).
// Scheduled and cancelled inside the conversation's transaction; fired by the runtime's poller, which
// marks a timer fired in the same transaction that delivers its event, so it is delivered exactly once.
import { z } from 'zod';
import type { Database, Prisma } from '../../prisma/index.ts';
import type { TimerEventType } from '../conversation/index.ts';

type Tx = Prisma.TransactionClient;

export const timerEventSchema = z.enum(['handover.timeout', 'inactivity.timeout']);

/** (Re)schedules the conversation's timer `key`: a new due time, and not fired, claimed or cancelled. */
export async function scheduleTimer(
  tx: Tx,
  t: { conversationId: string; key: string; event: TimerEventType; dueAt: Date },
): Promise<void> {
  const pending = {
    event: t.event,
    dueAt: t.dueAt,
    claimedAt: null,
    claimedBy: null,
    firedAt: null,
    cancelledAt: null,
  };
  await tx.durableTimer.upsert({
    where: { conversationId_key: { conversationId: t.conversationId, key: t.key } },
    create: { conversationId: t.conversationId, key: t.key, event: t.event, dueAt: t.dueAt },
    update: pending,
  });
}

export async function cancelTimer(tx: Tx, t: { conversationId: string; key: string; now: Date }): Promise<void> {
  await tx.durableTimer.updateMany({
    where: { conversationId: t.conversationId, key: t.key, firedAt: null, cancelledAt: null },
    data: { cancelledAt: t.now },
  });
}

export interface DueTimer {
  id: string;
  conversationId: string;
  event: string;
  key: string;
  dueAt: Date;
}

/** Timers due by `now` and neither fired nor cancelled, oldest first (however late: fired late rather than never). */
export async function dueTimers(db: Database, now: Date, limit = 50): Promise<DueTimer[]> {
  return db.prisma.durableTimer.findMany({
    where: { firedAt: null, cancelledAt: null, dueAt: { lte: now } },
    orderBy: { dueAt: 'asc' },
    take: limit,
    select: { id: true, conversationId: true, event: true, key: true, dueAt: true },
  });
}

/** The next due time of a pending timer, to arm a local wake-up. */
export async function nextDueAt(db: Database): Promise<Date | null> {
  const t = await db.prisma.durableTimer.findFirst({
    where: { firedAt: null, cancelledAt: null },
    orderBy: { dueAt: 'asc' },
    select: { dueAt: true },
  });
  return t?.dueAt ?? null;
}

/**
 * Inside the conversation's transaction (its row already locked): takes the timer if it is still pending and
 * not locked by another instance (FOR UPDATE SKIP LOCKED), and marks it fired. False: someone else fired or
 * cancelled it, and the event must not be delivered.
 */
export async function takeTimer(tx: Tx, t: { id: string; now: Date; instanceId: string }): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "DurableTimer"
    WHERE id = ${t.id}::uuid AND "firedAt" IS NULL AND "cancelledAt" IS NULL
    FOR UPDATE SKIP LOCKED`;
  if (rows.length === 0) return false;
  await tx.durableTimer.update({
    where: { id: t.id },
    data: { claimedAt: t.now, claimedBy: t.instanceId, firedAt: t.now },
  });
  return true;
}

/** A timer whose event Baton does not know: never fired. */
export async function cancelTimerById(db: Database, id: string, now: Date): Promise<void> {
  await db.prisma.durableTimer.update({ where: { id }, data: { cancelledAt: now } });
}
