// Fires durable timers that fell due: polls on an interval (for timers other instances scheduled) and wakes up
// early for those this instance scheduled. Each timer's event is delivered once (timers.ts).
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { EffectLoop } from './effect-loop.ts';
import { periodic, type Periodic } from './periodic.ts';
import { cancelTimerById, dueTimers, nextDueAt, timerEventSchema, type DueTimer } from './timers.ts';

export interface PollerDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  loop: EffectLoop;
  track: <T>(p: Promise<T>) => Promise<T>;
}

export function createTimerPoller(deps: PollerDeps): Periodic {
  const poller = periodic(() => fireDueTimers(deps), { ...deps, what: 'polling durable timers' });
  return {
    ...poller,
    async start(intervalMs) {
      const fired = await poller.start(intervalMs);
      const next = await nextDueAt(deps.db);
      if (next) poller.wakeIn(next.getTime() - deps.now().getTime());
      return fired;
    },
  };
}

/** Fires every timer due now, once each; returns how many this instance fired. */
async function fireDueTimers(deps: PollerDeps): Promise<number> {
  let fired = 0;
  for (;;) {
    const due = await dueTimers(deps.db, deps.now());
    if (due.length === 0) return fired;
    let firedThisRound = 0;
    for (const timer of due) if (await fire(deps, timer)) firedThisRound++;
    fired += firedThisRound;
    // another instance fired them, or they keep failing: do not spin
    if (firedThisRound === 0) return fired;
  }
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
