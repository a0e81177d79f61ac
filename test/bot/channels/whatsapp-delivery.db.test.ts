// A WhatsApp reply is delivered when whatsapp-web.js has sent it, not when it entered the paced queue: until then
// its outbox effect stays pending, so a process that stops (or dies) with the reply queued sends it after the restart.
// Driven through a fake whatsapp-web.js client whose sends can be held (WhatsApp Web slow to take them).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { conversationOf, startWhatsAppStack, type Stack } from './stack.ts';
import { FakeWhatsAppClient, pairedAtOnce } from './whatsapp-fake.ts';

describe(`WhatsApp deliveries on ${testDbKind()}`, () => {
  let db: Database;
  const stacks: Stack[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  // one test's Baton is stopped before the next starts: two on one database would share its deliveries
  afterEach(async () => {
    for (const s of stacks.splice(0)) await s.stop().catch(() => undefined);
  });
  afterAll(async () => {
    await db?.close();
  });

  const deliveriesOf = async (conversationId: string) =>
    (
      await db.prisma.outboxEffect.findMany({ where: { conversationId, kind: 'deliver' }, orderBy: { seq: 'asc' } })
    ).map((e) => ({ text: (e.payload as { text: string }).text, doneAt: e.doneAt, outcome: e.outcome }));

  it('a reply queued but not yet sent stays pending in the outbox, and is sent once after a restart', async () => {
    const first = new FakeWhatsAppClient(pairedAtOnce);
    const before = await startWhatsAppStack(db, () => first);
    stacks.push(before);
    const number = '447700900123';
    first.hold();
    first.receive({ number, pushname: 'Ann', body: 'Hello!' });

    // The AI's answer is stored and handed to whatsapp-web.js, which has not sent it yet.
    await expect.poll(() => first.sending.length, { timeout: 10_000 }).toBe(1);
    const conversation = await conversationOf(db, `${number}@c.us`);
    const reply = first.sending[0]!.content;
    const stored = await db.prisma.message.findMany({
      where: { conversationId: conversation.id, direction: 'outbound' },
    });
    expect(stored.map((m) => m.text)).toEqual([reply]);
    expect(await deliveriesOf(conversation.id)).toEqual([{ text: reply, doneAt: null, outcome: null }]);
    expect(first.sent).toEqual([]);

    // The process stops with the send under way (the browser closes, the send fails): still not delivered.
    await before.stop();
    stacks.pop();
    expect(first.sent).toEqual([]);
    expect((await deliveriesOf(conversation.id))[0]?.doneAt).toBeNull();

    // The next start carries the delivery out: sent once, and only then marked done.
    const second = new FakeWhatsAppClient(pairedAtOnce);
    stacks.push(await startWhatsAppStack(db, () => second));
    await expect
      .poll(() => second.sent.map((s) => [s.chatId, s.content]), { timeout: 15_000 })
      .toEqual([[`${number}@c.us`, reply]]);
    await expect.poll(async () => (await deliveriesOf(conversation.id))[0]?.outcome, { timeout: 5_000 }).toBe('done');
    expect(await deliveriesOf(conversation.id)).toHaveLength(1);
    expect(first.sent).toEqual([]);
  });

  it('a reply due while WhatsApp reconnects waits for it, past the few seconds its retries used to last, and is sent once', async () => {
    const clients: FakeWhatsAppClient[] = [];
    // the first client is ready at once; the next one (after the disconnect) takes 7 s to be ready
    const stack = await startWhatsAppStack(db, () => {
      const slow = async (client: FakeWhatsAppClient) => {
        await new Promise((r) => setTimeout(r, 7_000));
        pairedAtOnce(client);
      };
      const c = new FakeWhatsAppClient(clients.length === 0 ? pairedAtOnce : slow);
      clients.push(c);
      return c;
    });
    stacks.push(stack);
    const first = clients[0]!;
    const number = '447700900456';
    first.hold();
    first.receive({ number, pushname: 'Bea', body: 'Hello!' });
    await expect.poll(() => first.sending.length, { timeout: 10_000 }).toBe(1);
    const reply = first.sending[0]!.content;
    const conversation = await conversationOf(db, `${number}@c.us`);

    // WhatsApp Web drops (the send under way fails with the browser), and is back about 9 s later
    const lostAt = Date.now();
    first.emit('disconnected', 'NAVIGATION');
    await expect.poll(() => clients.length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => stack.channels.whatsAppStatus().state, { timeout: 15_000 }).toBe('ready');
    expect(Date.now() - lostAt).toBeGreaterThan(8_000);
    const second = clients[1]!;
    await expect
      .poll(() => second.sent.map((s) => [s.chatId, s.content]), { timeout: 15_000 })
      .toEqual([[`${number}@c.us`, reply]]);
    await expect.poll(async () => (await deliveriesOf(conversation.id))[0]?.outcome, { timeout: 5_000 }).toBe('done');
    expect(first.sent).toEqual([]);
    // the tries while WhatsApp was down were not counted: only the send that failed with the browser was
    const [effect] = await db.prisma.outboxEffect.findMany({
      where: { conversationId: conversation.id, kind: 'deliver' },
    });
    expect(effect?.attempts).toBe(2);
    expect(effect?.lastError).toMatch(/not connected/);
  }, 60_000);
});
