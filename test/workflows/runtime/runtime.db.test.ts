// The durable runtime on a real database: the whole lifecycle, claims, details saved to contacts, restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { restoreConversation, statusOf, wording } from '../../../workflows/conversation/index.ts';
import { createConversationRuntime, type RuntimeEvent } from '../../../workflows/runtime/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function runtime(clock: Clock, instanceId = 'test-1') {
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId, now: clock.now });
  rt.registerGateway('*', gateway);
  return { rt, gateway };
}

async function status(id: string) {
  return (await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).status;
}

describe('conversation runtime', () => {
  it('AI answers, hands over, the timer fires, details arrive in two messages and are saved to the guest', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const events: RuntimeEvent[] = [];
    rt.subscribe((e) => events.push(e));

    const first = await rt.handleInbound(inbound(business.id, 'chat-1', 'hello'));
    expect(first.status).toBe('ai');
    expect(gateway.texts()).toEqual(['You said: hello']);
    const id = first.conversationId;

    expect((await rt.handleInbound(inbound(business.id, 'chat-1', 'can I talk to a human'))).status).toBe('waiting');
    expect(gateway.texts().at(-1)).toBe('Let me find someone for you.');
    const timer = await db.prisma.durableTimer.findFirstOrThrow({ where: { conversationId: id, key: 'handover:1' } });
    expect(timer.dueAt.getTime()).toBe(clock.t + 120_000);

    clock.advance(119);
    expect(await rt.fireDueTimers()).toBe(0);
    clock.advance(1);
    expect(await rt.fireDueTimers()).toBe(1);
    expect(await status(id)).toBe('capture');
    expect(gateway.texts().at(-1)).toBe(wording.askDetails(null, true));

    await rt.handleInbound(inbound(business.id, 'chat-1', 'jane.doe@example.com'));
    expect(gateway.texts().at(-1)).toBe(wording.missingPhone);
    const r = await rt.handleInbound(inbound(business.id, 'chat-1', 'it is 07911 123456'));
    expect(r.status).toBe('followup');
    expect(gateway.texts().at(-1)).toBe(wording.readBack('jane.doe@example.com', '+447911123456'));

    const contact = await db.prisma.contact.findUniqueOrThrow({
      where: { id: first.contactId },
      include: { identifiers: true },
    });
    expect(contact.status).toBe('active');
    expect(contact.identifiers.map((i) => [i.kind, i.value]).sort()).toEqual([
      ['email', 'jane.doe@example.com'],
      ['phone', '+447911123456'],
    ]);
    // every message, both ways, is stored in order
    const stored = await db.prisma.message.findMany({ where: { conversationId: id }, orderBy: { createdAt: 'asc' } });
    expect(stored.filter((m) => m.direction === 'outbound').map((m) => m.text)).toEqual(gateway.texts());
    expect(stored.filter((m) => m.direction === 'inbound')).toHaveLength(4);
    // the console's stream saw the queue move
    const reasons = events.flatMap((e) => (e.type === 'conversation' ? [e.reason] : []));
    expect(reasons).toEqual(['opened', 'handover', 'capture', 'followup']);
    // Conversation.status is the machine's state, and the version counted every persisted event
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
    expect(statusOf(restoreConversation(row.snapshot))).toBe(row.status);
    // 11: the email is saved as soon as it is given (its own details.saved), before the phone is asked for
    expect(row.version).toBe(11);
    await rt.stop();
  });

  it('an agent claiming during capture silences the AI; a second agent gets CONFLICT', async () => {
    const { business, sam, kim } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const { conversationId: id } = await rt.handleInbound(inbound(business.id, 'chat-2', 'agent please'));
    clock.advance(120);
    await rt.fireDueTimers();
    expect(await status(id)).toBe('capture');

    expect(await rt.claim(id, sam.id)).toBe('human');
    await expect(rt.claim(id, kim.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(rt.agentMessage(id, kim.id, 'me too')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await rt.claim(id, sam.id)).toBe('human'); // the same agent again: fine

    const before = gateway.sent.length;
    await rt.handleInbound(inbound(business.id, 'chat-2', 'jane@example.com 07911 123456'));
    expect(gateway.sent.length).toBe(before); // nothing from the AI
    await rt.agentMessage(id, sam.id, 'Hi, Sam here. How can I help?');
    expect(gateway.sent.at(-1)).toMatchObject({ author: 'agent', text: 'Hi, Sam here. How can I help?' });
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
    expect(row.assignedAgentId).toBe(sam.id);
    // the details were not saved (capture stopped)
    expect(await db.prisma.identifier.count({ where: { businessId: business.id, value: 'jane@example.com' } })).toBe(0);

    expect(await rt.close(id, sam.id)).toBe('closed');
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).closedAt).not.toBeNull();
    await expect(rt.claim(id, kim.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    // a new message after closing opens a new conversation
    const again = await rt.handleInbound(inbound(business.id, 'chat-2', 'hello again'));
    expect(again.conversationId).not.toBe(id);
    await rt.stop();
  });

  it('details held by an existing contact merge the guest into it; the conversation follows', async () => {
    const { business } = await makeBusiness(db);
    const existing = await db.prisma.contact.create({
      data: {
        businessId: business.id,
        firstName: 'Jane',
        lastName: 'Known',
        identifiers: { create: { businessId: business.id, kind: 'phone', value: '+447911123456' } },
      },
    });
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const { conversationId: id, contactId: guestId } = await rt.handleInbound(inbound(business.id, 'chat-3', 'human'));
    clock.advance(120);
    await rt.fireDueTimers();
    await rt.handleInbound(inbound(business.id, 'chat-3', 'jane@example.com and 07911 123456'));
    expect(gateway.texts().at(-1)).toBe(wording.readBack('jane@example.com', '+447911123456'));
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
    expect(row.contactId).toBe(existing.id);
    expect(row.contactId).not.toBe(guestId);
    expect(row.status).toBe('followup');
    await rt.stop();
  });

  it('details held by a user are refused and not saved; another one is asked for and saved', async () => {
    const { business, slug } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const { conversationId: id, contactId } = await rt.handleInbound(inbound(business.id, 'chat-4', 'human'));
    clock.advance(120);
    await rt.fireDueTimers();
    await rt.handleInbound(inbound(business.id, 'chat-4', `sam@${slug}.test 07911 123456`));
    expect(gateway.texts().at(-1)).toBe(wording.refused('email'));
    expect(await status(id)).toBe('capture');
    const holder = await db.prisma.identifier.findFirstOrThrow({
      where: { businessId: business.id, value: `sam@${slug}.test` },
    });
    expect(holder.userId).not.toBeNull();
    expect(holder.contactId).toBeNull();

    await rt.handleInbound(inbound(business.id, 'chat-4', 'jane@example.com'));
    expect(gateway.texts().at(-1)).toBe(wording.readBack('jane@example.com', '+447911123456'));
    const ids = await db.prisma.identifier.findMany({ where: { contactId } });
    expect(ids.map((i) => i.value).sort()).toEqual(['+447911123456', 'jane@example.com']);
    await rt.stop();
  });

  it('a handover requested twice schedules one timer and asks for details once', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const { conversationId: id } = await rt.handleInbound(inbound(business.id, 'chat-5', 'human please'));
    await rt.handleInbound(inbound(business.id, 'chat-5', 'HUMAN PLEASE'));
    expect(await db.prisma.durableTimer.count({ where: { conversationId: id, key: { startsWith: 'handover' } } })).toBe(
      1,
    );
    clock.advance(200);
    expect(await rt.fireDueTimers()).toBe(1);
    expect(await rt.fireDueTimers()).toBe(0);
    expect(gateway.texts().filter((t) => t === wording.askDetails(null, true))).toHaveLength(1);
    await rt.stop();
  });

  it('WhatsApp: the sender becomes a contact; capture asks only for the email and keeps the known number', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const wa = { channel: 'whatsapp', sender: { phone: '+447911123400', profileName: 'Ana Lopez' } };
    const { conversationId: id, contactId } = await rt.handleInbound(inbound(business.id, 'wa-1', 'human', wa));
    clock.advance(120);
    await rt.fireDueTimers();
    expect(gateway.texts().at(-1)).toBe(wording.askDetails('+447911123400'));
    await rt.handleInbound(inbound(business.id, 'wa-1', 'ana@example.com, yes that number', wa));
    expect(gateway.texts().at(-1)).toBe(wording.readBack('ana@example.com', '+447911123400'));
    const ids = await db.prisma.identifier.findMany({ where: { contactId } });
    expect(ids.map((i) => i.value).sort()).toEqual(['+447911123400', 'ana@example.com']);
    expect(await status(id)).toBe('followup');
    await rt.stop();
  });

  it('closes after the inactivity period and ignores a redelivered channel message', async () => {
    const { business } = await makeBusiness(db, { inactivityTimeoutSeconds: 600 });
    const clock = new Clock();
    const { rt } = runtime(clock);
    const a = await rt.handleInbound(inbound(business.id, 'chat-6', 'hi', { channelMessageId: 'm1' }));
    const b = await rt.handleInbound(inbound(business.id, 'chat-6', 'hi', { channelMessageId: 'm1' }));
    expect(b.duplicate).toBe(true);
    expect(await db.prisma.message.count({ where: { conversationId: a.conversationId, direction: 'inbound' } })).toBe(
      1,
    );
    clock.advance(599);
    await rt.fireDueTimers();
    expect(await status(a.conversationId)).toBe('ai');
    clock.advance(1);
    await rt.fireDueTimers();
    expect(await status(a.conversationId)).toBe('closed');
    await rt.stop();
  });

  it('assigns a new conversation to the contact’s assigned agent', async () => {
    const { business, kim } = await makeBusiness(db);
    await db.prisma.contact.create({
      data: {
        businessId: business.id,
        assignedAgentId: kim.id,
        identifiers: { create: { businessId: business.id, kind: 'phone', value: '+447911123401' } },
      },
    });
    const clock = new Clock();
    const { rt } = runtime(clock);
    const wa = { channel: 'whatsapp', sender: { phone: '+447911123401' } };
    const { conversationId } = await rt.handleInbound(inbound(business.id, 'wa-2', 'hello', wa));
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).assignedAgentId).toBe(
      kim.id,
    );
    await rt.stop();
  });

  it('refuses bad input with VALIDATION_FAILED naming the field, and writes nothing', async () => {
    const { business, sam } = await makeBusiness(db);
    const { rt } = runtime(new Clock());
    const before = await db.prisma.conversation.count();
    await expect(
      rt.handleInbound({ ...inbound(business.id, 'bad-1', 'hi'), businessId: 'nope' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'businessId',
    });
    await expect(rt.handleInbound(inbound(business.id, '', 'hi'))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'channelConversationId',
    });
    await expect(rt.handleInbound(inbound(business.id, 'bad-2', 'x'.repeat(10_001)))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'text',
    });
    expect(await db.prisma.conversation.count()).toBe(before);
    const { conversationId } = await rt.handleInbound(inbound(business.id, 'ok-1', 'hi'));
    await expect(rt.agentMessage(conversationId, sam.id, '   ')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'text',
    });
    await expect(rt.claim('00000000-0000-4000-8000-000000000000', sam.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).status).toBe('ai');
    await rt.stop();
  });
});
