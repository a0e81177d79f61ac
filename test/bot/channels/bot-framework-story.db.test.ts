// The two end-to-end stories over the real Bot Framework protocol, the way the Emulator talks to a bot: activities
// POSTed to /api/messages with a serviceUrl pointing at a local server that records the bot's replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { wording } from '../../../workflows/conversation/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { conversationOf, HANDOVER_SECONDS, startStack, type Stack } from './stack.ts';
import { emulatorActivity, recordingChannel } from './support.ts';

describe(`Bot Framework stories on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  let channel: Awaited<ReturnType<typeof recordingChannel>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack(db);
    channel = await recordingChannel();
  });
  afterAll(async () => {
    await stack?.stop();
    await channel?.close();
    await db?.close();
  });

  async function say(conversationId: string, text: string) {
    const res = await fetch(`${stack.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emulatorActivity(channel.url, text, { conversationId, userName: 'Jane Doe' })),
    });
    expect(res.status).toBe(200);
  }
  const repliesIn = (conversationId: string) =>
    channel.replies
      .filter((r) => r.activity.type === 'message' && r.activity.conversation?.id === conversationId)
      .map((r) => r.activity.text ?? '');

  it('greeting → "I want to talk to a human" → timeout → the AI asks for details → saved as a contact with E.164 phone', async () => {
    const patched = await stack.api('PATCH', '/api/v1/business', { handoverTimeoutSeconds: HANDOVER_SECONDS });
    expect(patched.status).toBe(200);

    await say('bf-story-1', 'Hello!');
    await expect.poll(() => repliesIn('bf-story-1').length, { timeout: 10_000 }).toBe(1);

    await say('bf-story-1', 'I want to talk to a human');
    await expect.poll(() => repliesIn('bf-story-1').length, { timeout: 10_000 }).toBe(2);

    // Nobody claims it: the durable timer fires and the AI asks for details, proactively (outside any turn).
    await channel.waitForText(wording.askDetails(null, true), HANDOVER_SECONDS * 1000 + 10_000);

    await say('bf-story-1', 'Sure: jane.doe@example.com and 07911 123456');
    await channel.waitForText(wording.readBack('jane.doe@example.com', '+447911123456'), 10_000);

    const contacts = await stack.api('GET', '/api/v1/contacts?search=jane.doe');
    expect(contacts.status).toBe(200);
    const items = (contacts.body as { items: { email: string | null; phone: string | null; channel: string }[] }).items;
    expect(items).toEqual([expect.objectContaining({ email: 'jane.doe@example.com', phone: '+447911123456' })]);
    expect(items[0]?.channel).toBe('emulator');
  });

  it('an agent claims the handed-over chat and replies; the reply arrives at the serviceUrl', async () => {
    await say('bf-story-2', 'Can I talk to a person please?');
    await expect.poll(() => repliesIn('bf-story-2').length, { timeout: 10_000 }).toBe(1);
    const conversation = await conversationOf(db, 'bf-story-2');
    expect(conversation.status).toBe('waiting');

    // The agent's console: claim, then reply (POST /api/v1/conversations/:id/…).
    expect((await stack.api('POST', `/api/v1/conversations/${conversation.id}/claim`)).status).toBe(200);
    const sent = await stack.api('POST', `/api/v1/conversations/${conversation.id}/messages`, {
      text: 'Hi Jane, Sam here. How can I help?',
    });
    expect(sent.status).toBe(201);

    const reply = await channel.waitForText('Hi Jane, Sam here. How can I help?', 10_000);
    expect(reply.path).toContain('/v3/conversations/bf-story-2/activities');
  });
});
