// Opening a conversation (workflows/runtime/open-conversation.ts): one statement, at most one open conversation per
// channel conversation (a unique index), whoever opens or reopens one and however they race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveContact, isDomainError } from '../../../contacts/index.ts';
import type { Database, Sql } from '../../../prisma/index.ts';
import { startedSnapshot } from '../../../workflows/conversation/index.ts';
import { createConversationRuntime } from '../../../workflows/runtime/index.ts';
import { openConversation } from '../../../workflows/runtime/open-conversation.ts';
import { asSecondInstance, createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function runtime(on: Database, clock: Clock, instanceId: string) {
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({ db: on, agent: testAgent, logger: silentLogger, instanceId, now: clock.now });
  rt.registerGateway('*', gateway);
  return { rt, gateway };
}

/** The driver, counting the statements sent through it. */
function counting(): { sql: Sql; statements: () => number } {
  let n = 0;
  return {
    sql: {
      query: (text, params) => {
        n++;
        return db.query(text, params);
      },
    },
    statements: () => n,
  };
}

const newConversation = (businessId: string, chat: string) => ({
  businessId,
  channel: 'webchat',
  channelConversationId: chat,
  reference: { conversation: { id: chat } },
  at: new Date(),
  start: (askName: boolean) =>
    startedSnapshot({
      channel: 'webchat',
      knownPhone: null,
      askName,
      handoverTimeoutMs: 120_000,
      inactivityTimeoutMs: 86_400_000,
    }),
});

const conversationsOf = (businessId: string, chat: string) =>
  db.prisma.conversation.findMany({
    where: { businessId, channelConversationId: chat },
    orderBy: { createdAt: 'asc' },
    select: { id: true, status: true, contactId: true },
  });

describe('opening a conversation', () => {
  it('one statement: a new guest with its conversation, the open one found, a returning visitor’s new one', async () => {
    const { business } = await makeBusiness(db);
    const c = counting();

    const first = await openConversation(c.sql, newConversation(business.id, 'one-1'));
    expect(c.statements()).toBe(1);
    expect(first.opened).toBe(true);
    expect(first.created).toMatchObject({ id: first.id, contactId: first.contactId, version: 0, status: 'ai' });
    const guest = await db.prisma.contact.findUniqueOrThrow({
      where: { id: first.contactId },
      include: { identifiers: true },
    });
    expect(guest.status).toBe('guest');
    expect(guest.identifiers.map((i) => i.kind)).toEqual(['email']);
    expect(guest.searchText).toContain(guest.identifiers[0]!.value);
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: first.contactId } });
    expect(audit.map((a) => a.action)).toEqual(['created']);
    // a guest is asked for their name too
    expect((first.created!.snapshot as { context: { askName: boolean } }).context.askName).toBe(true);

    const again = await openConversation(c.sql, newConversation(business.id, 'one-1'));
    expect(c.statements()).toBe(2);
    expect(again).toMatchObject({ id: first.id, contactId: first.contactId, opened: false, created: undefined });

    await db.query(`UPDATE "Conversation" SET status = 'closed' WHERE id = $1::uuid`, [first.id]);
    const next = await openConversation(c.sql, newConversation(business.id, 'one-1'));
    expect(c.statements()).toBe(3);
    expect(next.opened).toBe(true);
    expect(next.id).not.toBe(first.id);
    expect(next.contactId).toBe(first.contactId);
    expect(await db.prisma.contact.count({ where: { businessId: business.id } })).toBe(1);
  });

  it('a new guest costs no search-text trigger call and gets its searchText; a later statement’s email calls one', async () => {
    const { business } = await makeBusiness(db);
    await db.transaction(async (tx) => {
      // calls of the search-text trigger functions in this transaction (counted with track_functions = 'all')
      await tx.query(`SET LOCAL track_functions = 'all'`);
      const calls = async () =>
        Object.fromEntries(
          (
            await tx.query<{ name: string; n: number }>(
              `SELECT proname AS name, coalesce(pg_stat_get_xact_function_calls(oid), 0)::int AS n FROM pg_proc
               WHERE proname IN ('contact_search_text_of_contact', 'contact_search_text_of_identifiers',
                 'contact_search_text_of_new_email')`,
            )
          ).map((r) => [r.name, r.n]),
        );
      const callsDuring = async (write: () => Promise<unknown>) => {
        const before = await calls();
        await write();
        const after = await calls();
        return Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - (before[name] ?? 0)]));
      };
      const none = {
        contact_search_text_of_contact: 0,
        contact_search_text_of_identifiers: 0,
        contact_search_text_of_new_email: 0,
      };
      const searchText = async (contactId: string) =>
        (
          await tx.query<{ text: string; expected: string }>(
            `SELECT c."searchText" AS text, contact_search_text(c."firstName", c."middleName", c."lastName",
               c."businessName", (SELECT value FROM "Identifier" WHERE "contactId" = c.id AND kind = 'email')) AS expected
             FROM "Contact" c WHERE c.id = $1::uuid`,
            [contactId],
          )
        )[0]!;

      // the guest's opening calls none
      let opened: Awaited<ReturnType<typeof openConversation>> | undefined;
      expect(
        await callsDuring(async () => (opened = await openConversation(tx, newConversation(business.id, 'text-1')))),
      ).toEqual(none);
      const guest = opened!.contactId;
      const text = await searchText(guest);
      expect(text.text).toBe(text.expected);
      expect(text.text).toMatch(/^guest .+@/);

      // a returning visitor: the guest's CTEs insert no row, and call nothing
      await tx.query(`UPDATE "Conversation" SET status = 'closed' WHERE id = $1::uuid`, [opened!.id]);
      expect(
        await callsDuring(async () => {
          const again = await openConversation(tx, newConversation(business.id, 'text-1'));
          expect(again).toMatchObject({ opened: true, contactId: guest });
        }),
      ).toEqual(none);

      // the opening statement's word that it wrote the guest's text holds for that statement only: a later statement
      // of the same transaction giving the guest another email is kept by the triggers
      await tx.query(`DELETE FROM "Identifier" WHERE "contactId" = $1::uuid AND kind = 'email'`, [guest]);
      expect(
        await callsDuring(() =>
          tx.query(
            `INSERT INTO "Identifier" ("businessId", kind, value, "contactId")
             VALUES ($1::uuid, 'email', 'Later@Example.test', $2::uuid)`,
            [business.id, guest],
          ),
        ),
      ).toEqual({ ...none, contact_search_text_of_new_email: 1 });
      const later = await searchText(guest);
      expect(later.text).toBe(later.expected);
      expect(later.text).toMatch(/ later@example\.test$/);
      // and a contact inserted without its text calls the contact's trigger (the counter counts)
      expect(
        await callsDuring(() =>
          tx.query(
            `INSERT INTO "Contact" (id, "businessId", status, channel, "firstName", "updatedAt")
             VALUES (gen_random_uuid(), $1::uuid, 'active', 'test', 'Oona', now())`,
            [business.id],
          ),
        ),
      ).toEqual({ ...none, contact_search_text_of_contact: 1 });
    });
  });

  it('concurrent first messages of one channel conversation open one conversation for one guest', async () => {
    const { business } = await makeBusiness(db);
    const c = counting();
    // PostgreSQL: the statements all start before the first one commits: it waits for the business's row, locked
    // here (its conversation's foreign key), and the others on its conversation (the index). PGlite runs one at a time.
    const held = db.driver.kind === 'postgres' ? await db.driver.pool.connect() : undefined;
    await held?.query('BEGIN');
    await held?.query(`SELECT id FROM "Business" WHERE id = $1::uuid FOR UPDATE`, [business.id]);
    const opening = Promise.all(
      Array.from({ length: 8 }, () => openConversation(c.sql, newConversation(business.id, 'race-1'))),
    );
    if (held) {
      await new Promise((r) => setTimeout(r, 500));
      await held.query('COMMIT');
      held.release();
    }
    const openings = await opening;
    expect(new Set(openings.map((o) => o.id)).size).toBe(1);
    expect(openings.filter((o) => o.opened)).toHaveLength(1);
    // on PostgreSQL the seven others met the new conversation on the index, then found it (a second statement)
    expect(c.statements()).toBe(db.driver.kind === 'postgres' ? 15 : 8);
    expect(await conversationsOf(business.id, 'race-1')).toHaveLength(1);
    // no guest left behind by the messages that found it opened
    expect(await db.prisma.contact.count({ where: { businessId: business.id } })).toBe(1);
    expect(await db.prisma.identifier.count({ where: { businessId: business.id, contactId: { not: null } } })).toBe(1);
  });

  it('first messages at once on two instances: one conversation, one guest, every message stepped once', async () => {
    const { business } = await makeBusiness(db);
    const second = await asSecondInstance(db, 5);
    try {
      const clock = new Clock();
      const a = runtime(db, clock, 'open-a');
      const b = runtime(second, clock, 'open-b');
      const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
      const results = await Promise.all(
        texts.map((t, i) => (i % 2 ? b : a).rt.handleInbound(inbound(business.id, 'race-2', t))),
      );
      expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
      expect(await conversationsOf(business.id, 'race-2')).toHaveLength(1);
      expect(await db.prisma.contact.count({ where: { businessId: business.id } })).toBe(1);
      const stored = await db.prisma.message.findMany({
        where: { conversationId: results[0]!.conversationId, direction: 'inbound' },
      });
      expect(stored.map((m) => m.text).sort()).toEqual([...texts].sort());
      expect([...a.gateway.texts(), ...b.gateway.texts()].sort()).toEqual(texts.map((t) => `You said: ${t}`).sort());
    } finally {
      if (second !== db) await second.close();
    }
  });

  it('a closed conversation: the next message opens a new one for the same contact; an archived one is re-activated', async () => {
    const { business, sam } = await makeBusiness(db);
    const { rt } = runtime(db, new Clock(), 'open-close');
    const first = await rt.handleInbound(inbound(business.id, 'back-1', 'hello'));
    expect(await rt.close(first.conversationId, sam.id)).toBe('closed');

    const second = await rt.handleInbound(inbound(business.id, 'back-1', 'hello again'));
    expect(second.conversationId).not.toBe(first.conversationId);
    expect(second.contactId).toBe(first.contactId);
    expect(second.status).toBe('ai');

    expect(await rt.close(second.conversationId, sam.id)).toBe('closed');
    await archiveContact(db, business.id, first.contactId, { type: 'user', userId: sam.id });
    const third = await rt.handleInbound(inbound(business.id, 'back-1', 'me again'));
    expect(third.contactId).toBe(first.contactId);
    const contact = await db.prisma.contact.findUniqueOrThrow({ where: { id: first.contactId } });
    expect(contact).toMatchObject({ status: 'active', archivedAt: null });
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId: first.contactId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['created', 'archived', 'reactivated']);
    // known now, not a guest: not asked for a name
    const conv = await db.prisma.conversation.findUniqueOrThrow({ where: { id: third.conversationId } });
    expect((conv.snapshot as { context: { askName: boolean } }).context.askName).toBe(false);
    expect(await conversationsOf(business.id, 'back-1')).toHaveLength(3);
    expect(await db.prisma.contact.count({ where: { businessId: business.id } })).toBe(1);
  });

  it('a reopen next to the customer’s newer open conversation is refused (CONFLICT, naming it); both stay as they were', async () => {
    const { business, sam } = await makeBusiness(db);
    const { rt } = runtime(db, new Clock(), 'open-reopen');
    const old = await rt.handleInbound(inbound(business.id, 'reopen-1', 'hello'));
    await rt.close(old.conversationId, sam.id);
    const newer = await rt.handleInbound(inbound(business.id, 'reopen-1', 'hello again'));

    const refused = await rt.reopen(old.conversationId, sam.id).catch((e: unknown) => e);
    expect(isDomainError(refused) && refused.code).toBe('CONFLICT');
    expect(isDomainError(refused) && refused.details).toEqual({ conversationId: newer.conversationId });
    expect((await conversationsOf(business.id, 'reopen-1')).map((c) => c.status)).toEqual(['closed', 'ai']);

    // once the newer one is closed, the old one can be reopened, and the customer's next message goes to it
    await rt.close(newer.conversationId, sam.id);
    expect(await rt.reopen(old.conversationId, sam.id)).toBe('human');
    const next = await rt.handleInbound(inbound(business.id, 'reopen-1', 'thanks'));
    expect(next.conversationId).toBe(old.conversationId);
    expect((await conversationsOf(business.id, 'reopen-1')).map((c) => c.status)).toEqual(['human', 'closed']);
  });

  it('the database refuses a second open conversation of a channel conversation, however it is written', async () => {
    const { business, sam } = await makeBusiness(db);
    const { rt } = runtime(db, new Clock(), 'open-index');
    const old = await rt.handleInbound(inbound(business.id, 'index-1', 'hello'));
    await rt.close(old.conversationId, sam.id);
    await rt.handleInbound(inbound(business.id, 'index-1', 'hello again'));
    // as a reopen racing the customer's new conversation would write it, its guard passed before the new one existed
    const refused = await db
      .query(`UPDATE "Conversation" SET status = 'human' WHERE id = $1::uuid`, [old.conversationId])
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: '23505', constraint: 'Conversation_open_channel_conversation_key' });
    expect((await conversationsOf(business.id, 'index-1')).map((c) => c.status)).toEqual(['closed', 'ai']);
  });
});
