// A piece of work run now and then: on an interval, when woken up for a known time, or when asked — never two
// runs at once. A run asked for (or the interval's) while one is going joins it; a wake-up that comes while one is
// going runs again after it (what it woke up for may have fallen due after that run last looked).
import type { Logger } from 'pino';

export interface Periodic {
  /** Runs the work now, or joins the run in progress; resolves to its count. */
  run(): Promise<number>;
  /** Runs it again in `delayMs` (the earliest asked for wins); only while started. */
  wakeIn(delayMs: number): void;
  start(intervalMs: number): Promise<number>;
  stop(): void;
}

export function periodic(
  work: () => Promise<number>,
  deps: { logger: Logger; what: string; track: <T>(p: Promise<T>) => Promise<T> },
): Periodic {
  let started = false;
  let interval: NodeJS.Timeout | undefined;
  let wake: { timer: NodeJS.Timeout; at: number } | undefined;
  let running: Promise<number> | undefined;
  /** a wake-up came during the run in progress: run again once it ends */
  let again = false;

  const run = (): Promise<number> =>
    (running ??= deps.track(
      work()
        .catch((e: unknown) => {
          deps.logger.error({ err: e }, `${deps.what} failed`);
          return 0;
        })
        .finally(() => {
          running = undefined;
          if (again && started) {
            again = false;
            void run();
          }
        }),
    ));
  const wakeUp = () => {
    if (running) again = true;
    else void run();
  };

  return {
    run,
    wakeIn(delayMs) {
      if (!started) return;
      const at = Date.now() + Math.max(0, delayMs);
      if (wake && wake.at <= at) return;
      if (wake) clearTimeout(wake.timer);
      const timer = setTimeout(
        () => {
          wake = undefined;
          wakeUp();
        },
        Math.min(Math.max(0, delayMs) + 5, 2 ** 31 - 1),
      );
      timer.unref();
      wake = { timer, at };
    },
    async start(intervalMs) {
      started = true;
      const count = await run();
      interval = setInterval(() => void run(), intervalMs);
      interval.unref();
      return count;
    },
    stop() {
      started = false;
      again = false;
      clearInterval(interval);
      if (wake) clearTimeout(wake.timer);
      interval = wake = undefined;
    },
  };
}
