// What a customer sees of the console's work, end to end over the real protocols: Direct Line 3.0 (what the
// webchat speaks) and a fake whatsapp-web.js client, with the real runtime, database and HTTP API. An agent's
// typing and messages carry the agent's name; nobody types while the customer waits for a human; closing says so;
// the same visitor writing again after a close stays the same contact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { wordingFor } from '../../../workflows/conversation/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { conversationOf, startWhatsAppStack, type Stack } from './stack.ts';
import { FakeWhatsAppClient, pairedAtOnce } from './whatsapp-fake.ts';

interface FeedActivity {
  type: string;
  text?: string;
  from: { id: string; name?: string; role?: string };
}

describe(`the customer's side of the console on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  const fake = new FakeWhatsAppClient(pairedAtOnce);

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startWhatsAppStack(db, () => fake);
    // nobody picks up in time in these stories only if the test says so
    expect((await stack.api('PATCH', '/api/v1/business', { handoverTimeoutSeconds: 3600 })).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.close();
  });

  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await stack.api(method, path, body);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body as Record<string, unknown>;
  };

  it('webchat: typing and messages show the agent’s name; close is announced; the visitor stays the same guest', async () => {
    const started = await fetch(`${stack.url}/v3/directline/tokens/generate`, { method: 'POST' });
    const session = (await started.json()) as { conversationId: string; token: string };
    const dl = `${stack.url}/v3/directline/conversations/${session.conversationId}/activities`;
    const auth = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
    const say = async (text: string) =>
      expect(
        (
          await fetch(dl, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ type: 'message', text, from: { id: 'visitor' }, locale: 'en-GB' }),
          })
        ).status,
      ).toBe(200);
    const feed = async () =>
      ((await (await fetch(dl, { headers: auth })).json()) as { activities: FeedActivity[] }).activities.filter(
        (a) => a.from.role !== 'user' && a.from.id !== 'visitor',
      );

    await say('I want to talk to a human');
    await expect.poll(async () => (await feed()).some((a) => a.type === 'message'), { timeout: 10_000 }).toBe(true);
    const { id, contactId } = await conversationOf(db, session.conversationId);
    await expect.poll(async () => (await conversationOf(db, session.conversationId)).status).toBe('waiting');
    // the (offline) AI answered at once, so it showed no typing (only an answer that takes a while does);
    // waiting for a human, nobody types
    const typingBefore = (await feed()).filter((a) => a.type === 'typing').length;
    expect(typingBefore).toBe(0);
    await say('hello?');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await feed()).filter((a) => a.type === 'typing').length).toBe(typingBefore);

    // the admin (first name "Admin") types, then replies: both carry the name
    await ok('POST', `/api/v1/conversations/${id}/typing`);
    await expect
      .poll(async () => (await feed()).filter((a) => a.type === 'typing').at(-1)?.from.name, { timeout: 10_000 })
      .toBe('Admin');
    expect((await feed()).filter((a) => a.type === 'typing')).toHaveLength(typingBefore + 1);
    await ok('POST', `/api/v1/conversations/${id}/messages`, { text: 'Hello, how can I help?' });
    await expect
      .poll(async () => (await feed()).find((a) => a.text === '**Admin:** Hello, how can I help?')?.from, {
        timeout: 10_000,
      })
      .toMatchObject({ id: 'baton', name: 'Admin' });
    // Baton's own messages keep Baton's name
    expect((await feed()).find((a) => a.text === wordingFor('en').agentJoined)?.from.name).toBe('Baton');

    await ok('POST', `/api/v1/conversations/${id}/close`);
    await expect
      .poll(async () => (await feed()).at(-1)?.text, { timeout: 10_000 })
      .toBe(wordingFor('en').closedByAgent);

    // the same visitor writes again: a new conversation of the same guest, never a new guest
    const guests = await db.prisma.contact.count({ where: { status: 'guest' } });
    await say('one more thing');
    await expect
      .poll(
        async () => await db.prisma.conversation.count({ where: { channelConversationId: session.conversationId } }),
      )
      .toBe(2);
    const next = await db.prisma.conversation.findFirstOrThrow({
      where: { channelConversationId: session.conversationId, status: { not: 'closed' } },
    });
    expect(next.id).not.toBe(id);
    expect(next.contactId).toBe(contactId);
    expect(await db.prisma.contact.count({ where: { status: 'guest' } })).toBe(guests);
    const history = (await ok('GET', `/api/v1/contacts/${contactId}/conversations`)) as { items: { id: string }[] };
    expect(history.items.map((c) => c.id)).toEqual([next.id, id]);
  });

  it('WhatsApp: the chat shows typing while the agent types; the reply is signed with the agent’s name', async () => {
    const number = '447911555666';
    const sentTo = () => fake.sent.filter((s) => s.chatId === `${number}@c.us`).map((s) => s.content);
    fake.receive({ number, pushname: 'Wanda Whats', body: 'Can I talk to a human please?' });
    await expect.poll(() => sentTo().length, { timeout: 10_000 }).toBe(1);
    const { id } = await conversationOf(db, `${number}@c.us`);
    // the (offline) AI answered at once: the chat never showed it typing
    expect(fake.states.filter((s) => s.chatId === `${number}@c.us`)).toEqual([]);

    await ok('POST', `/api/v1/conversations/${id}/claim`);
    await ok('POST', `/api/v1/conversations/${id}/typing`);
    expect(fake.states.at(-1)).toEqual({ chatId: `${number}@c.us`, state: 'typing' });
    await ok('POST', `/api/v1/conversations/${id}/messages`, { text: 'Hi Wanda, Admin here.' });
    await expect.poll(() => sentTo().at(-1), { timeout: 10_000 }).toBe('*Admin:* Hi Wanda, Admin here.');
    expect(fake.states.at(-1)).toEqual({ chatId: `${number}@c.us`, state: 'cleared' });
    expect(sentTo()).toContain(wordingFor('en').agentJoined); // Baton's own words are not signed
  });
});
