import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWebJsClient, WhatsAppConnection } from '../../../bot/channels/whatsapp/index.ts';
import { quietLogger } from './support.ts';

const chromium = process.env.BATON_CHROMIUM_PATH || '/usr/bin/chromium';

// The real whatsapp-web.js Client on Debian's Chromium. WhatsApp is unreachable here, so this proves the failure
// path: the start fails (or, with internet, shows a QR), the process does not crash, and stop() closes Chromium.
describe('the real whatsapp-web.js client', () => {
  it('starts Debian Chromium with LocalAuth under the data dir and survives WhatsApp being unreachable', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'baton-wa-'));
    const connection = new WhatsAppConnection({
      createClient: () => createWebJsClient({ dataDir, chromiumPath: chromium }),
      onClient: () => {},
      logger: quietLogger(),
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    try {
      connection.start();
      await expect
        .poll(() => connection.status().state, { timeout: 20_000, interval: 100 })
        .toMatch(/^(disconnected|qr)$/);
      const status = connection.status();
      // the reason in plain words (whatsapp/reason.ts), never the raw launch error (that stays in the logs)
      if (status.state === 'disconnected') {
        expect(status.reason).toMatch(/^(WhatsApp|Chromium|The browser)\b.*\.$/);
        expect(status.reason).not.toMatch(/start failed/);
      }
      // LocalAuth keeps the Chromium profile under <BATON_DATA_DIR>/whatsapp/session-baton.
      expect(await readdir(path.join(dataDir, 'whatsapp'))).toContain('session-baton');
    } finally {
      await connection.stop();
      // Chromium's helper processes may still flush the profile for a moment after the browser closed.
      await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    }
    expect(connection.status().state).toBe('stopped');
  });
});
