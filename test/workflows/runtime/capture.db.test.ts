// Issue 19's capture through the runtime with the real offline agent, on both databases: a guest's name, a detail
// saved as soon as it is given, a correction after the read-back (the audit keeps the old value), a refusal that
// keeps what was given, a contact saved without a name shown as such until someone names it, and the follow-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getContactCard, listContacts, updateContact } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createAgent, createConversationRuntime, wording } from '../../../workflows/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

async function toCapture(chat: string) {
  const { business, admin } = await makeBusiness(db);
  const clock = new Clock();
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({
    db,
    agent: createAgent({}),
    logger: silentLogger,
    instanceId: chat,
    now: clock.now,
  });
  rt.registerGateway('*', gateway);
  const say = (text: string) => rt.handleInbound(inbound(business.id, chat, text));
  const first = await say('can I talk to a person please');
  clock.advance(120);
  await rt.fireDueTimers();
  expect(gateway.texts().at(-1)).toBe(wording.askDetails(null, true));
  return { business, admin, rt, gateway, say, conversationId: first.conversationId };
}

const contactOf = async (conversationId: string) =>
  db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { contactId: true } });

describe('capture (issue 19) through the runtime', () => {
  it("saves a guest's name and a corrected email; the audit keeps the old email; the follow-up offers no handover", async () => {
    const { business, rt, gateway, say, conversationId } = await toCapture('name-and-correction');
    await say("I'm Sam Baker - sam@gmail.com, 07911 123456");
    expect(gateway.texts().at(-1)).toBe(wording.readBack('sam@gmail.com', '+447911123456', 'Sam Baker'));
    expect(gateway.texts().at(-1)).toContain('Is that right?');

    const r = await say('actually use my work email instead: sam.baker@acme.co.uk');
    expect(r.status).toBe('followup');
    expect(gateway.texts().at(-1)).toBe(wording.readBack('sam.baker@acme.co.uk', '+447911123456', 'Sam Baker'));

    const { contactId } = await contactOf(conversationId);
    const card = await getContactCard(db, business.id, contactId);
    expect(card).toMatchObject({
      status: 'active',
      firstName: 'Sam',
      lastName: 'Baker',
      displayName: 'Sam Baker',
      nameUnknown: false,
      email: 'sam.baker@acme.co.uk',
      phone: '+447911123456',
    });
    const audit = await db.prisma.auditEvent.findMany({
      where: { entityId: contactId, entityType: 'contact' },
      orderBy: { createdAt: 'asc' },
    });
    const byChat = audit.filter((a) => a.actorType === 'customer' && a.actorId === conversationId);
    const emailChanges = byChat.map((a) => (a.changes as Record<string, unknown>).email).filter(Boolean);
    expect(emailChanges).toEqual([
      { from: expect.stringMatching(/@guest\.baton\.invalid$/), to: 'sam@gmail.com' },
      { from: 'sam@gmail.com', to: 'sam.baker@acme.co.uk' },
    ]);

    // a question the offline agent cannot answer: the follow-up, not "Shall I pass your question on to a person?"
    await say('do you deliver to Mars?');
    expect(gateway.texts().at(-1)).toBe('Thanks, someone from the team will reply here as soon as possible.');
    await say('can I speak to a human');
    expect(gateway.texts().at(-1)).not.toMatch(/pass your question|finding a person/);
    await rt.stop();
  });

  it('saves each detail as given, keeps it after a refusal, and shows a contact saved without a name as such', async () => {
    const { business, admin, rt, gateway, say, conversationId } = await toCapture('refusal');
    const guestName = async () => {
      const c = await db.prisma.contact.findUniqueOrThrow({
        where: { id: (await contactOf(conversationId)).contactId },
      });
      return `${c.firstName} ${c.lastName}`;
    };
    const pseudonym = await guestName();
    await say('my email is lee@lee.com');
    // saved at once, before the phone is asked for
    const { contactId } = await contactOf(conversationId);
    const saved = await getContactCard(db, business.id, contactId);
    expect(saved).toMatchObject({ status: 'active', email: 'lee@lee.com', nameUnknown: true });
    expect(gateway.texts().at(-1)).toBe(wording.missingPhone);

    await say("I'd rather keep my number private");
    expect(gateway.texts().at(-1)).toBe(wording.readBack('lee@lee.com', null));
    const asks = gateway.texts().filter((t) => t === wording.missingPhone);
    expect(asks).toHaveLength(1);

    // lists and panels say the name is unknown, until someone fills it in
    const card = await getContactCard(db, business.id, contactId);
    expect(card.displayName).toBe(`Name unknown (${pseudonym})`);
    const page = await listContacts(db, business.id, { search: 'lee@lee.com' });
    expect(page.items.map((c) => c.displayName)).toEqual([`Name unknown (${pseudonym})`]);
    const named = await updateContact(
      db,
      business.id,
      contactId,
      { firstName: 'Lee', lastName: 'Jones' },
      {
        type: 'user',
        userId: admin.id,
      },
    );
    expect(named).toMatchObject({ displayName: 'Lee Jones', nameUnknown: false });
    await rt.stop();
  });
});
