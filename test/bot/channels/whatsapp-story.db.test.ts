// The two end-to-end stories on WhatsApp: the real runtime, database and HTTP API behind the WhatsApp adapter,
// driven through a fake whatsapp-web.js client (the library's event names and message shapes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { wording } from '../../../workflows/conversation/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { conversationOf, HANDOVER_SECONDS, startWhatsAppStack, type Stack } from './stack.ts';
import { FakeWhatsAppClient, pairedAtOnce } from './whatsapp-fake.ts';

interface Card {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  channel: string;
}

describe(`WhatsApp stories on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  const fake = new FakeWhatsAppClient(pairedAtOnce);

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startWhatsAppStack(db, () => fake);
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.close();
  });

  const sentTo = (number: string) => fake.sent.filter((s) => s.chatId === `${number}@c.us`).map((s) => s.content);

  it('a new number becomes a contact at once; handover times out; the AI asks for the email; details are saved', async () => {
    expect((await stack.api('PATCH', '/api/v1/business', { handoverTimeoutSeconds: HANDOVER_SECONDS })).status).toBe(
      200,
    );
    const number = '447911123456';
    fake.receive({ number, pushname: 'Jane Doe', body: 'Hello!' });
    await expect.poll(() => sentTo(number).length, { timeout: 10_000 }).toBe(1);

    const listed = await stack.api('GET', '/api/v1/contacts?search=7911123456');
    expect((listed.body as { items: Card[] }).items).toEqual([
      expect.objectContaining({ firstName: 'Jane', lastName: 'Doe', phone: '+447911123456', status: 'active' }),
    ]);

    fake.receive({ number, pushname: 'Jane Doe', body: 'I want to talk to a human' });
    await expect.poll(() => sentTo(number).length, { timeout: 10_000 }).toBe(2);

    // The durable timer fires; the AI already knows the number and asks for the email.
    await expect
      .poll(() => sentTo(number), { timeout: HANDOVER_SECONDS * 1000 + 10_000, interval: 200 })
      .toContain(wording.askDetails('+447911123456'));

    fake.receive({ number, pushname: 'Jane Doe', body: 'jane.doe@example.com' });
    await expect
      .poll(() => sentTo(number).at(-1), { timeout: 10_000 })
      .toMatch(/^Thank you! I have saved your email jane\.doe@example\.com/);

    const card = (await stack.api('GET', '/api/v1/contacts?search=jane.doe')).body as { items: Card[] };
    expect(card.items).toEqual([
      expect.objectContaining({ email: 'jane.doe@example.com', phone: '+447911123456', channel: 'whatsapp' }),
    ]);
  });

  it('an archived contact writing again is re-activated with its old name; an assigned contact goes to its agent', async () => {
    const jane = (
      (await stack.api('GET', '/api/v1/contacts?search=jane.doe')).body as { items: (Card & { id: string })[] }
    ).items[0]!;
    expect((await stack.api('DELETE', `/api/v1/contacts/${jane.id}`)).status).toBe(200);
    // Her earlier conversation is closed by the agent; the next message opens a new one.
    const earlier = await conversationOf(db, '447911123456@c.us');
    expect((await stack.api('POST', `/api/v1/conversations/${earlier.id}/close`)).status).toBe(200);
    fake.receive({ number: '447911123456', pushname: 'JD', body: 'Hello again' });
    await expect
      .poll(async () => (await db.prisma.contact.findUniqueOrThrow({ where: { id: jane.id } })).status, {
        timeout: 10_000,
      })
      .toBe('active');
    expect(await db.prisma.contact.findUniqueOrThrow({ where: { id: jane.id } })).toMatchObject({
      firstName: 'Jane',
      lastName: 'Doe',
    });

    const created = await stack.api('POST', '/api/v1/contacts', {
      firstName: 'Carla',
      lastName: 'Gómez',
      phone: '+34612345678',
    });
    expect(created.status).toBe(201);
    const admin = await db.prisma.user.findFirstOrThrow({ where: { role: 'admin' } });
    const assigned = await stack.api('PUT', `/api/v1/contacts/${(created.body as { id: string }).id}/assignment`, {
      agentId: admin.id,
    });
    expect(assigned.status).toBe(200);
    fake.receive({ number: '34612345678', pushname: 'Carla', body: 'Hola' });
    await expect.poll(() => sentTo('34612345678').length, { timeout: 10_000 }).toBe(1);
    expect((await conversationOf(db, '34612345678@c.us')).assignedAgentId).toBe(admin.id);
  });

  it('an agent claims and replies; the reply is sent to the WhatsApp chat', async () => {
    const number = '14155552671';
    fake.receive({ number, pushname: 'Bob', body: 'Can I speak to a person?' });
    await expect.poll(() => sentTo(number).length, { timeout: 10_000 }).toBe(1);
    const conversation = await conversationOf(db, `${number}@c.us`);
    expect(conversation.status).toBe('waiting');

    expect((await stack.api('POST', `/api/v1/conversations/${conversation.id}/claim`)).status).toBe(200);
    const sent = await stack.api('POST', `/api/v1/conversations/${conversation.id}/messages`, {
      text: 'Hi Bob, Sam here.',
    });
    expect(sent.status).toBe(201);
    // signed with the agent's first name (the stack's admin is "Admin")
    await expect.poll(() => sentTo(number), { timeout: 10_000 }).toContain('*Admin:* Hi Bob, Sam here.');
  });
});
