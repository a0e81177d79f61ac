// A customer's message with control characters (a NUL, a bell, an unpaired surrogate) through the real intake: the
// Bot Framework's /api/messages and WhatsApp (fake whatsapp-web.js client). PostgreSQL refuses NUL in text and in
// jsonb, so such a message used to be refused (the channel then drops it) or to fail at the store. Now it is cleaned:
// controls removed (tab and line breaks kept), unpaired surrogates as U+FFFD, the reason logged without the text,
// and the customer gets an answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { conversationOf, startWhatsAppStack, type Stack } from './stack.ts';
import { emulatorActivity, recordingChannel } from './support.ts';
import { FakeWhatsAppClient, pairedAtOnce } from './whatsapp-fake.ts';

interface LogLine {
  level: number;
  msg?: string;
  channel?: string;
  cleaned?: { field: string; controls: number; surrogates: number }[];
}

describe(`control characters in a customer's message on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  let channel: Awaited<ReturnType<typeof recordingChannel>>;
  const lines: string[] = [];
  const logged = () => lines.map((l) => JSON.parse(l) as LogLine);
  const fake = new FakeWhatsAppClient(pairedAtOnce);

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startWhatsAppStack(db, () => fake, {
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
    });
    channel = await recordingChannel();
  });
  afterAll(async () => {
    await stack?.stop();
    await channel?.close();
    await db?.close();
  });

  const inboundOf = async (conversationId: string) =>
    (
      await db.prisma.message.findMany({
        where: { conversationId, direction: 'inbound' },
        orderBy: { createdAt: 'asc' },
      })
    ).map((m) => m.text);

  it('Bot Framework: a NUL, a bell and a lone surrogate are cleaned out; the message is stored and answered', async () => {
    const text = 'When do\u0000 you open?\u0007\tThanks \ud800\nJane';
    const activity = emulatorActivity(channel.url, text, { conversationId: 'ctl-bf', userName: 'Ja\u0000ne' });
    const res = await fetch(`${stack.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => channel.texts().length, { timeout: 10_000 }).toBe(1);

    const conversation = await conversationOf(db, 'ctl-bf');
    expect(await inboundOf(conversation.id)).toEqual(['When do you open?\tThanks \ufffd\nJane']);
    const replies = await db.prisma.message.findMany({
      where: { conversationId: conversation.id, direction: 'outbound' },
    });
    expect(replies.map((m) => m.text)).toEqual(channel.texts());
    const contact = await db.prisma.contact.findUniqueOrThrow({ where: { id: conversation.contactId } });
    expect(contact.firstName).not.toContain('\u0000');

    const line = logged().find((l) => l.msg === 'inbound message cleaned of control characters');
    expect(line).toMatchObject({ channel: 'emulator' });
    expect(line?.cleaned).toEqual(
      expect.arrayContaining([
        { field: 'text', controls: 2, surrogates: 1 },
        { field: 'sender.profileName', controls: 1, surrogates: 0 },
      ]),
    );
    // the reason, never the customer's words
    expect(lines.some((l) => l.includes('you open'))).toBe(false);
  });

  it('Bot Framework: a message of nothing but control characters is taken (200) and ignored', async () => {
    const activity = emulatorActivity(channel.url, '\u0000\u0001\u001b', { conversationId: 'ctl-bf-empty' });
    const res = await fetch(`${stack.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    expect(await db.prisma.conversation.count({ where: { channelConversationId: 'ctl-bf-empty' } })).toBe(0);
  });

  it('WhatsApp: a message with a NUL from a sender whose name has one is stored cleaned and answered', async () => {
    const number = '447911123457';
    fake.receive({ number, pushname: 'Bo\u0000b', body: 'Hi\u0000 there\u0008, do you deliver?' });
    await expect.poll(() => fake.sent.filter((s) => s.chatId === `${number}@c.us`).length, { timeout: 10_000 }).toBe(1);
    const conversation = await conversationOf(db, `${number}@c.us`);
    expect(await inboundOf(conversation.id)).toEqual(['Hi there, do you deliver?']);
    const contact = await db.prisma.contact.findUniqueOrThrow({ where: { id: conversation.contactId } });
    expect(contact.firstName).toBe('Bob');
    expect(logged().filter((l) => l.level >= 50)).toEqual([]);
  });
});
