// The console's Broadcasts screen (issue 20) in headless Debian Chromium, against the whole stack with the
// broadcast sender running and WhatsApp through the fake whatsapp-web.js client. Found by role and accessible name.
import os from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { launchChromium } from '../channels/browser.ts';
import { ADMIN, startStack, type Stack } from '../channels/stack.ts';
import { asClient, FakeWhatsAppClient, pairedAtOnce } from '../channels/whatsapp-fake.ts';

const SHOTS =
  process.env.BATON_SCREENSHOTS === 'docs'
    ? path.resolve('docs/screenshots')
    : path.join(os.tmpdir(), `baton-console-screenshots-${testDbKind()}`);

describe(`the console's broadcasts on ${testDbKind()}`, { timeout: 90_000 }, () => {
  let db: Database;
  let stack: Stack;
  let browser: Browser;
  const fake = new FakeWhatsAppClient(pairedAtOnce);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase();
    [stack, browser] = await Promise.all([
      startStack(db, {
        env: { BATON_WHATSAPP: '1', BATON_WHATSAPP_SENDS_PER_MINUTE: '600' },
        createWhatsAppClient: () => asClient(fake),
      }),
      launchChromium(),
    ]);
    for (let i = 0; i < 100 && stack.channels.whatsAppStatus().state !== 'ready'; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const tag = (await stack.api('POST', '/api/v1/tags', { name: 'VIP' })).body as { id: string };
    for (const body of [
      { firstName: 'Ann', lastName: 'Ash', phone: '+447911000001' },
      { firstName: 'Dan', lastName: 'Doe', email: 'dan@example.com' },
    ]) {
      const c = (await stack.api('POST', '/api/v1/contacts', body)).body as { id: string };
      expect((await stack.api('PUT', `/api/v1/contacts/${c.id}/tags`, { tagIds: [tag.id] })).status).toBe(200);
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.close();
  });

  it('a new broadcast shows its audience and a preview, sends, and lists every recipient with its status', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${stack.url}/console/broadcasts`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByLabel('Tags', { exact: true }).first().click();
    await page.getByRole('option', { name: 'VIP' }).click();
    await page.getByLabel('Message').fill('Hi {{firstName|there}}, our sale starts today.');
    const audience = page.getByRole('status').filter({ hasText: 'will get it' });
    await expect.poll(() => audience.textContent(), { timeout: 15_000 }).toContain('1 of 2 contacts will get it');
    await expect.poll(() => audience.textContent()).toContain('1 on whatsapp');
    await expect.poll(() => audience.textContent()).toContain('1 have no phone and no earlier chat');
    await expect.poll(() => audience.textContent()).toContain('Hi Ann, our sale starts today.');
    await page.screenshot({ path: path.join(SHOTS, 'broadcast-new.png') });
    await page.getByRole('button', { name: 'Send broadcast' }).click();

    const table = page.getByRole('table', { name: 'Recipient' });
    const row = (name: string) => table.getByRole('row').filter({ hasText: name });
    await expect.poll(() => row('Ann Ash').textContent(), { timeout: 20_000 }).toContain('sent');
    expect(await row('Dan Doe').textContent()).toContain('skipped');
    expect(await row('Dan Doe').textContent()).toContain('no phone and no earlier chat');
    expect(fake.sent.map((s) => s.content)).toContain('Hi Ann, our sale starts today.');
    await page.getByLabel('Status').selectOption('skipped');
    await expect.poll(() => table.getByRole('row').count()).toBe(2); // the header and Dan
    await page.screenshot({ path: path.join(SHOTS, 'broadcast-recipients.png') });

    await page.setViewportSize({ width: 768, height: 800 });
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await context.close();
  });
});
