// Headless Debian Chromium through playwright-core, with the flags measured in shared/notes/channels-offline.md.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.BATON_CHROMIUM_PATH || '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export const SEND_BOX = '[data-id="webchat-sendbox-input"]';
