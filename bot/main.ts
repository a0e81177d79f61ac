// `npm start`: run the Baton server until SIGINT/SIGTERM, then shut down cleanly.
import { startBaton } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

try {
  const config = loadConfig();
  const baton = await startBaton(config);
  const shutdown = (signal: string) => {
    baton.logger.info({ signal }, 'shutting down');
    baton.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        baton.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78);
  }
  throw e;
}
