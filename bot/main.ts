// `npm start`: run the Baton server until SIGINT/SIGTERM, then shut down cleanly.
import { ConfigError, loadConfig } from './config.ts';
import { serveUntilSignal } from './serve-until-signal.ts';

try {
  await serveUntilSignal(loadConfig());
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78);
  }
  throw e;
}
