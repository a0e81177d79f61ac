// The real whatsapp-web.js client: LocalAuth under BATON_DATA_DIR, Debian's Chromium (never a puppeteer download).
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import qrcode from 'qrcode-terminal';
import type { WhatsAppClientLike } from './connection.ts';

const require = createRequire(import.meta.url);

/** Chromium flags for a headless server (see docs/channels.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-setuid-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function createWebJsClient(options: { dataDir: string; chromiumPath: string }): WhatsAppClientLike {
  // Loaded only when WhatsApp is enabled: it pulls in puppeteer.
  const wweb = require('whatsapp-web.js') as typeof import('whatsapp-web.js');
  const client = new wweb.Client({
    authStrategy: new wweb.LocalAuth({ dataPath: path.resolve(options.dataDir, 'whatsapp'), clientId: 'baton' }),
    puppeteer: { executablePath: options.chromiumPath, headless: true, args: CHROMIUM_ARGS },
  });
  return client as unknown as WhatsAppClientLike;
}

/** Where LocalAuth keeps the session (the Chromium profile): <BATON_DATA_DIR>/whatsapp/session-baton. */
export function sessionDir(dataDir: string): string {
  return path.resolve(dataDir, 'whatsapp', 'session-baton');
}

/** Forgets a lost session: the next client start shows a new pairing QR. */
export async function clearWebJsSession(dataDir: string): Promise<void> {
  await rm(sessionDir(dataDir), { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

export function printQrInTerminal(qr: string): void {
  qrcode.generate(qr, { small: true }, (art) =>
    process.stdout.write(`\nWhatsApp pairing: scan this with the phone\n${art}\n`),
  );
}
