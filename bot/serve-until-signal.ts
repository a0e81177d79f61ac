// Runs the Baton server until SIGINT/SIGTERM, then shuts it down cleanly (`npm start`, `baton serve`).
// The handlers are installed before the server starts: a signal that arrives while it starts — it listens before its
// timers and channels are up — is acted on once it has started, instead of killing the process half-way.
import { startBaton, type Baton } from './start-baton.ts';
import type { Config } from './config.ts';

export interface ServeDeps {
  start: (config: Config) => Promise<Pick<Baton, 'logger' | 'stop'>>;
  exit: (code: number) => void;
}

export async function serveUntilSignal(
  config: Config,
  deps: ServeDeps = { start: startBaton, exit: (code) => process.exit(code) },
): Promise<void> {
  const started: { baton?: Pick<Baton, 'logger' | 'stop'>; pending?: string } = {};
  const shutdown = (signal: string) => {
    const { baton } = started;
    if (!baton) {
      started.pending ??= signal;
      return;
    }
    const { logger } = baton;
    logger.info({ signal }, 'shutting down');
    baton.stop().then(
      () => deps.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        deps.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  started.baton = await deps.start(config);
  if (started.pending) shutdown(started.pending);
}
