// The website webchat end to end: the page at GET / in headless Debian Chromium, Baton's Direct Line server, the
// real runtime (offline AI agent) and database. The visitor sends a message and the AI's reply appears live.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { launchChromium, SEND_BOX } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

describe(`the webchat with the AI on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.close();
  });

  it("a visitor sends a message and receives the AI's reply; the visitor is a guest, not a listed contact", async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/`);
    await expect(page.title()).resolves.toBe('Acme');
    const input = page.locator(SEND_BOX);
    await input.waitFor({ timeout: 15_000 });
    await input.fill('What are your opening hours?');
    await input.press('Enter');

    // The AI's reply as the runtime stored it …
    const reply = await expect
      .poll(
        async () =>
          (await db.prisma.message.findFirst({ where: { direction: 'outbound', author: 'ai' } }))?.text ?? null,
        { timeout: 10_000 },
      )
      .not.toBeNull()
      .then(
        async () => (await db.prisma.message.findFirstOrThrow({ where: { direction: 'outbound', author: 'ai' } })).text,
      );
    // … appears in the page without a reload (web chat renders markdown with typographic quotes: match a plain run).
    const plain = reply.split(/['"]/).reduce((a, b) => (b.trim().length > a.length ? b.trim() : a), '');
    await page
      .locator('p', { hasText: plain.slice(0, 40) })
      .first()
      .waitFor({ timeout: 10_000 });

    const conversation = await db.prisma.conversation.findFirstOrThrow({ include: { contact: true } });
    expect(conversation.channel).toBe('webchat');
    expect(conversation.contact.status).toBe('guest');
    const listed = (await stack.api('GET', '/api/v1/contacts')).body as { items: unknown[] };
    expect(listed.items).toEqual([]);
    await page.close();
  });
});
