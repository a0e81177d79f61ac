// Fires durable timers that fell due: polls on an interval (for timers other instances scheduled) and wakes up
// early for those this instance scheduled. One poll at a time; each timer's event is delivered once (timers.ts).
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { RunEvent } from './effect-loop.ts';
import { cancelTimerById, dueTimers, nextDueAt, timerEventSchema, type DueTimer } from './timers.ts';

export interface TimerPoller {
  /** Fires every timer due now, once each; returns how many this instance fired. */
  poll(): Promise<number>;
  /** Wakes the poller when a timer this instance scheduled falls due (the interval catches the others'). */
  wakeIn(delayMs: number): void;
  start(intervalMs: number): Promise<number>;
  stop(): void;
}

export interface PollerDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  run: RunEvent;
  track: <T>(p: Promise<T>) => Promise<T>;
}

export function createTimerPoller(deps: PollerDeps): TimerPoller {
  const { logger } = deps;
  let running = false;
  let interval: NodeJS.Timeout | undefined;
  let wake: { timer: NodeJS.Timeout; at: number } | undefined;
  let polling: Promise<number> | undefined;

  const poll = (): Promise<number> =>
    (polling ??= deps.track(
      fireDueTimers(deps)
        .catch((e: unknown) => {
          logger.error({ err: e }, 'polling durable timers failed');
          return 0;
        })
        .finally(() => (polling = undefined)),
    ));

  const wakeIn = (delayMs: number) => {
    if (!running) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (wake && wake.at <= at) return;
    if (wake) clearTimeout(wake.timer);
    const timer = setTimeout(
      () => {
        wake = undefined;
        void poll();
      },
      Math.min(Math.max(0, delayMs) + 5, 2 ** 31 - 1),
    );
    timer.unref();
    wake = { timer, at };
  };

  return {
    poll,
    wakeIn,
    async start(intervalMs) {
      running = true;
      const fired = await poll();
      interval = setInterval(() => void poll(), intervalMs);
      interval.unref();
      const next = await nextDueAt(deps.db);
      if (next) wakeIn(next.getTime() - deps.now().getTime());
      return fired;
    },
    stop() {
      running = false;
      clearInterval(interval);
      if (wake) clearTimeout(wake.timer);
      interval = wake = undefined;
    },
  };
}

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
    const done = await deps.run(t.conversationId, { type: type.data, key: t.key }, { timerId: t.id });
    if (done) deps.logger.info({ conversationId: t.conversationId, key: t.key, lateMs }, 'durable timer fired');
    return done !== null;
  } catch (e) {
    deps.logger.error({ err: e, timerId: t.id, conversationId: t.conversationId }, 'firing a timer failed');
    return false;
  }
}
