// Fires durable timers that fell due. Wakes up at the next pending timer's due time (read after every run, so also
// for timers other instances scheduled), polls on an interval as well (a timer scheduled elsewhere for sooner than
// the next poll), and wakes up early for the ones this instance schedules. Each run claims a batch of due timers
// (instances share them, timers.ts) and fires them a few at a time, one at a time per conversation. Each timer's
// event is delivered once (takeTimer, in the event's transaction).
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { EffectLoop } from './effect-loop.ts';
import { periodic, type Periodic } from './periodic.ts';
import {
  cancelTimerById,
  claimDueTimers,
  claimHolders,
  nextDueAt,
  releaseClaims,
  timerEventSchema,
  type DueTimer,
} from './timers.ts';

export interface PollerDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  loop: EffectLoop;
  track: <T>(p: Promise<T>) => Promise<T>;
  instanceId: string;
  /** an instance holding claims that is known to be gone: its claims are released at once (instance.ts) */
  isGone: (instanceId: string) => boolean;
  /** timers fired at once, each of another conversation (default 8) */
  concurrency?: number;
  /** timers claimed a batch (default 2 × concurrency: a timer falling due waits for one batch at most) */
  batchSize?: number;
  /** how long a claim keeps other instances off a timer (default 60 s); a claim is only a way to share the work */
  claimLeaseMs?: number;
}

export interface TimerPoller extends Periodic {
  /**
   * Begins polling, the first run at once. `upSince`: when this instance counts as up (its server listening; default
   * now) — the timers due before it are overdue (Baton was down or still starting), a lane of their own in each claim
   * (timers.ts); those due since, however behind, go ahead of them.
   */
  start(intervalMs: number, upSince?: Date): Promise<number>;
}

export function createTimerPoller(deps: PollerDeps): TimerPoller {
  const leaseMs = deps.claimLeaseMs ?? 60_000;
  let startedAt: Date | undefined;
  const poller = periodic(() => fireAndArm(), { ...deps, what: 'polling durable timers' });
  const fireAndArm = async (): Promise<number> => {
    let fired = 0;
    // timers that fell due while this run fired others are fired by it too (a few rounds at most: a timer another
    // instance is claiming right now looks unclaimed until it commits)
    for (let round = 0; ; round++) {
      fired += await fireDueTimers(deps, leaseMs, startedAt);
      const next = await nextDueAt(deps.db, deps.now(), leaseMs);
      const inMs = next ? next.getTime() - deps.now().getTime() : Infinity;
      if (inMs > 0 || round === 4) {
        // still one due after the last round: looked at again shortly rather than at the next poll
        if (next) poller.wakeIn(Math.max(inMs, 50));
        break;
      }
    }
    return fired;
  };
  return {
    ...poller,
    start(intervalMs, upSince) {
      startedAt = upSince ?? deps.now();
      return poller.start(intervalMs);
    },
  };
}

/** Fires every timer due now, once each; returns how many this instance fired. */
async function fireDueTimers(deps: PollerDeps, leaseMs: number, startedAt: Date | undefined): Promise<number> {
  const concurrency = deps.concurrency ?? 8;
  const limit = deps.batchSize ?? 2 * concurrency;
  const gone = (await claimHolders(deps.db, deps.now(), deps.instanceId)).filter(deps.isGone);
  if (gone.length) {
    await releaseClaims(deps.db, gone);
    deps.logger.info({ instances: gone }, 'released the timer claims of instances that are gone');
  }
  let fired = 0;
  for (;;) {
    const due = await claimDueTimers(deps.db, {
      now: deps.now(),
      instanceId: deps.instanceId,
      limit,
      leaseMs,
      startedAt,
    });
    if (due.length === 0) return fired;
    fired += await fireAll(deps, due, concurrency);
    if (due.length < limit) return fired;
  }
}

/**
 * Fires a batch, `concurrency` conversations at a time, each conversation's timers in due order (two of one
 * conversation at once would only queue on its row lock). Returns how many fired.
 */
async function fireAll(deps: PollerDeps, due: DueTimer[], concurrency: number): Promise<number> {
  const byConversation = new Map<string, DueTimer[]>();
  for (const t of due) {
    const list = byConversation.get(t.conversationId);
    if (list) list.push(t);
    else byConversation.set(t.conversationId, [t]);
  }
  const queue = [...byConversation.values()];
  let fired = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let timers = queue.shift(); timers; timers = queue.shift()) {
        for (const t of timers) if (await fire(deps, t)) fired++;
      }
    }),
  );
  return fired;
}

async function fire(deps: PollerDeps, t: DueTimer): Promise<boolean> {
  const type = timerEventSchema.safeParse(t.event);
  if (!type.success) {
    deps.logger.error({ timerId: t.id, event: t.event }, 'unknown timer event: cancelled');
    await cancelTimerById(deps.db, t.id, deps.now());
    return false;
  }
  try {
    const lateMs = deps.now().getTime() - t.dueAt.getTime();
    const done = await deps.loop.run(t.conversationId, { type: type.data, key: t.key }, { timerId: t.id });
    if (done) deps.logger.info({ conversationId: t.conversationId, key: t.key, lateMs }, 'durable timer fired');
    return done !== null;
  } catch (e) {
    deps.logger.error({ err: e, timerId: t.id, conversationId: t.conversationId }, 'firing a timer failed');
    return false;
  }
}
