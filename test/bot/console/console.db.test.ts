// The agent console end to end: GET /console in headless Debian Chromium against the whole stack (real runtime,
// database, HTTP API, WhatsApp through the fake whatsapp-web.js client). An admin sees the pairing QR; an agent sees
// a handed-over conversation appear live, claims it, replies (delivered to WhatsApp and stored), and reads the
// contact panel; the admin's claim is refused with the agent's name; customer text is never parsed as HTML.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { launchChromium } from '../channels/browser.ts';
import { ADMIN, startStack, type Stack } from '../channels/stack.ts';
import { asClient, FakeWhatsAppClient } from '../channels/whatsapp-fake.ts';

const AGENT = { email: 'alan@example.com', password: 'a-long-password' };
const NUMBER = '447911123456'; // a valid UK mobile: a WhatsApp sender with a valid number is an active contact

describe(`the agent console on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  let browser: Browser;
  // Starts unpaired: the library emits a QR until the test plays the pairing.
  const fake = new FakeWhatsAppClient((c) => {
    c.emit('qr', '2@console-test-qr');
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    [stack, browser] = await Promise.all([
      startStack(db, {
        env: { BATON_WHATSAPP: '1', BATON_WHATSAPP_SENDS_PER_MINUTE: '600' },
        createWhatsAppClient: () => asClient(fake),
      }),
      launchChromium(),
    ]);
    const created = await stack.api('POST', '/api/v1/users', {
      role: 'agent',
      firstName: 'Alan',
      lastName: 'Agent',
      ...AGENT,
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await db?.close();
  });

  async function logIn(who: { email: string; password: string }): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
    await page.goto(`${stack.url}/console`);
    await page.fill('input[name=email]', who.email);
    await page.fill('input[name=password]', who.password);
    await page.click('#login-form button[type=submit]');
    await page.locator('#live.on').waitFor({ timeout: 10_000 }); // the SSE stream said `ready`
    return page;
  }

  it('serves the page with a strict CSP, and refuses a wrong password', async () => {
    const res = await fetch(`${stack.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('/console/console.js');

    const page = await browser.newPage();
    await page.goto(`${stack.url}/console`);
    await page.fill('input[name=email]', AGENT.email);
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('#login-form button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toBe('Wrong email or password.');
    await page.close();
  });

  it('admin sees the WhatsApp QR; agent claims a live-queued conversation, replies, and sees the contact', async () => {
    await expect
      .poll(async () => ((await stack.api('GET', '/api/v1/channels/whatsapp')).body as { qrSvg?: string }).qrSvg, {
        timeout: 5_000,
      })
      .toContain('<svg');
    const admin = await logIn(ADMIN);
    await admin.locator('#whatsapp-qr:visible').waitFor({ timeout: 5_000 });
    expect(await admin.getAttribute('#whatsapp-qr', 'src')).toMatch(/^data:image\/svg\+xml/);
    expect(await admin.textContent('#whatsapp-state')).toContain('qr');

    // The phone is paired.
    fake.emit('authenticated');
    fake.emit('ready');
    await expect.poll(() => stack.channels.whatsAppStatus().state, { timeout: 5_000 }).toBe('ready');

    // The agent is looking at the (empty) waiting queue when the customer asks for a person.
    const agent = await logIn(AGENT);
    await agent.locator('#queue-list .empty').waitFor();
    const ask = 'Can I talk to a person please? <b>now</b>';
    fake.receive({ number: NUMBER, pushname: 'Jane Doe', body: ask });
    const conversation = await expect
      .poll(() => db.prisma.conversation.findFirst({ where: { channel: 'whatsapp', status: 'waiting' } }), {
        timeout: 10_000,
      })
      .toBeTruthy()
      .then(() => db.prisma.conversation.findFirstOrThrow({ where: { channel: 'whatsapp' } }));
    const item = agent.locator(`#queue-list li[data-conversation="${conversation.id}"]`);
    await item.waitFor({ timeout: 10_000 }); // arrived through the live stream, no reload
    expect(conversation.status).toBe('waiting');

    // An admin tags her VIP (the panel shows the card's tags).
    const tag = (await stack.api('POST', '/api/v1/tags', { name: 'VIP' })).body as { id: string };
    const tagged = await stack.api('PUT', `/api/v1/contacts/${conversation.contactId}/tags`, { tagIds: [tag.id] });
    expect(tagged.status).toBe(200);

    await item.click();
    await agent.locator('#messages .msg.customer', { hasText: ask }).waitFor();
    expect(await agent.locator('#messages b').count()).toBe(0); // the customer's markup is shown as text, never parsed

    // The contact panel, from the conversation's contact card.
    await expect.poll(() => agent.textContent('#contact-card [data-field=name]')).toBe('Jane Doe');
    expect(await agent.textContent('#contact-card [data-field=phone]')).toBe(`+${NUMBER}`);
    expect(await agent.textContent('#contact-card [data-field=status]')).toBe('active');
    expect(await agent.textContent('#contact-card [data-field=agent]')).toBe('none');
    expect(await agent.textContent('#contact-card [data-field=tags]')).toBe('VIP');

    await agent.click('#claim');
    await expect.poll(() => agent.textContent('#conv-meta')).toContain('assigned to you');
    await expect
      .poll(async () => (await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).status)
      .toBe('human');

    const reply = 'Hello Jane, Alan here. How can I help?';
    await agent.fill('#reply-text', reply);
    await agent.click('#reply-form button[type=submit]');
    await agent.locator('#messages .msg.agent', { hasText: reply }).waitFor({ timeout: 10_000 });
    expect(await agent.inputValue('#reply-text')).toBe('');
    // Delivered to WhatsApp signed with the agent's first name, and stored as the agent's message (unsigned).
    await expect
      .poll(() => fake.sent.filter((s) => s.chatId === `${NUMBER}@c.us`).map((s) => s.content), { timeout: 10_000 })
      .toContain(`*Alan:* ${reply}`);
    const stored = await db.prisma.message.findFirstOrThrow({
      where: { conversationId: conversation.id, text: reply },
    });
    expect(stored.author).toBe('agent');

    // The customer answers: it appears live in the open conversation.
    fake.receive({ number: NUMBER, pushname: 'Jane Doe', body: 'My order is late.' });
    await agent.locator('#messages .msg.customer', { hasText: 'My order is late.' }).waitFor({ timeout: 10_000 });

    // The admin tries to claim it too: 409, shown with the agent's name.
    await admin.click('[data-queue=open]');
    await admin.locator('#queue-list li[data-conversation]', { hasText: 'Jane Doe' }).click();
    await admin.locator('#claim:visible').click();
    await expect
      .poll(() => admin.textContent('#conv-notice'))
      .toBe('Alan Agent has already claimed this conversation.');

    // The Contacts tab searches the contact list.
    await agent.click('[data-view=contacts]');
    await agent.fill('#contact-query', '7911123456');
    await agent.click('#contact-search button[type=submit]');
    await agent.locator('#contact-rows tr[data-contact]', { hasText: 'Jane Doe' }).waitFor();
    await agent.click('[data-view=conversations]');
    await agent.click('[data-queue=mine]');
    await agent.locator(`#queue-list li[data-conversation="${conversation.id}"]`).waitFor();
    await agent.screenshot({ path: '/tmp/F-console.png' });
  });
});
