// `npm start`: run the Baton server until SIGINT/SIGTERM, then shut down cleanly.
import { isDataDirLockedError } from '../prisma/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { serveUntilSignal } from './serve-until-signal.ts';

try {
  await serveUntilSignal(loadConfig());
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78);
  }
  // Another process holds the embedded database: refuse to start, saying who and what to do.
  if (isDataDirLockedError(e)) {
    console.error(`Baton cannot start: ${e.message}`);
    process.exit(75);
  }
  throw e;
}
