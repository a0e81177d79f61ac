// The whole flow with the real offline agent (createAgent({})): what a customer writes, what Baton answers,
// what ends up in contacts. No test agent, no fakes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createAgent, createConversationRuntime, wording, wordingFor } from '../../../workflows/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function runtime(clock: Clock) {
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({
    db,
    agent: createAgent({}),
    logger: silentLogger,
    instanceId: 'offline',
    now: clock.now,
  });
  rt.registerGateway('*', gateway);
  return { rt, gateway };
}

describe('the whole flow with the offline agent', () => {
  it('webchat: greeting, "can I talk to a person", nobody picks up, details in free text, saved and read back', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const say = (text: string) => rt.handleInbound(inbound(business.id, 'web-1', text));

    const hello = await say('hello');
    expect(hello.status).toBe('ai');
    expect(gateway.texts().length).toBe(1);

    expect((await say('can I talk to a person please')).status).toBe('waiting');
    clock.advance(120);
    await rt.fireDueTimers();
    expect(gateway.texts().at(-1)).toBe(wording.askDetails(null, true));

    const r = await say("sure, it's jane.doe@example.com and 07911 123456");
    expect(r.status).toBe('followup');
    expect(gateway.texts().at(-1)).toBe(wording.readBack('jane.doe@example.com', '+447911123456'));
    const contact = await db.prisma.contact.findUniqueOrThrow({
      where: { id: hello.contactId },
      include: { identifiers: true },
    });
    expect(contact.status).toBe('active');
    expect(contact.identifiers.map((i) => i.value).sort()).toEqual(['+447911123456', 'jane.doe@example.com']);
    await rt.stop();
  });

  it('webchat: a spelled-out email first, a corrected phone later', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const say = (text: string) => rt.handleInbound(inbound(business.id, 'web-2', text));
    const { contactId } = await say('human please');
    clock.advance(120);
    await rt.fireDueTimers();
    await say('jo dot bloggs at gmail dot com');
    expect(gateway.texts().at(-1)).toBe(wording.missingPhone);
    await say('07911 123450, sorry, I mean 07911 123456');
    expect(gateway.texts().at(-1)).toBe(wording.readBack('jo.bloggs@gmail.com', '+447911123456'));
    const ids = await db.prisma.identifier.findMany({ where: { contactId } });
    expect(ids.map((i) => i.value).sort()).toEqual(['+447911123456', 'jo.bloggs@gmail.com']);
    await rt.stop();
  });

  it('WhatsApp: asks only for the email, confirms the number, and a decline leaves nothing saved', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const wa = { channel: 'whatsapp', sender: { phone: '+447911123400', profileName: 'Ana Lopez' } };
    const say = (chat: string, text: string) => rt.handleInbound(inbound(business.id, chat, text, wa));

    const { contactId } = await say('wa-1', 'I want to speak to a human');
    clock.advance(120);
    await rt.fireDueTimers();
    expect(gateway.texts().at(-1)).toBe(wording.askDetails('+447911123400'));
    await say('wa-1', "ana.lopez@example.com, and yes that's my number");
    expect(gateway.texts().at(-1)).toBe(wording.readBack('ana.lopez@example.com', '+447911123400'));
    const contact = await db.prisma.contact.findUniqueOrThrow({
      where: { id: contactId },
      include: { identifiers: true },
    });
    expect(contact.firstName).toBe('Ana');
    expect(contact.identifiers.map((i) => i.value).sort()).toEqual(['+447911123400', 'ana.lopez@example.com']);

    // another customer declines
    const wb = { channel: 'whatsapp', sender: { phone: '+447911123401' } };
    const other = await rt.handleInbound(inbound(business.id, 'wa-2', 'human', wb));
    clock.advance(120);
    await rt.fireDueTimers();
    const declined = await rt.handleInbound(inbound(business.id, 'wa-2', "no thanks, I'd rather not", wb));
    expect(declined.status).toBe('followup');
    expect(gateway.texts(other.conversationId).at(-1)).toBe(wording.declined);
    expect(await db.prisma.identifier.count({ where: { contactId: other.contactId, kind: 'email' } })).toBe(0);
    await rt.stop();
  });

  it('Spanish: the handover, the request for details and the read-back are in Spanish', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(clock);
    const say = (text: string) => rt.handleInbound(inbound(business.id, 'web-es', text));
    expect((await say('hola, quiero hablar con una persona por favor')).status).toBe('waiting');
    expect(gateway.texts().at(-1)).toMatch(/persona/);
    clock.advance(120);
    await rt.fireDueTimers();
    expect(gateway.texts().at(-1)).toBe(wordingFor('es').askDetails(null, true));
    await say('claro, mi correo es ana.lopez@example.com y mi teléfono el 07911 123456');
    expect(gateway.texts().at(-1)).toBe(wordingFor('es').readBack('ana.lopez@example.com', '+447911123456'));
    await rt.stop();
  });
});
