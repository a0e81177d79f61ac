// What the console needs from /api/v1 (issue 15), over HTTP on a real database: waiting times and names, tab
// counts, transfer and take-over, close that tells the customer, reopen, the same visitor after a close, typing,
// a contact's conversations, the webchat snippet, and a user by id.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../bot/http/server.ts';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createConversationRuntime, wordingFor, type ConversationRuntime } from '../../../workflows/index.ts';
import { businessWithStaff, call } from '../../bot/http/api.ts';
import { createTestDatabase } from '../../support/db.ts';
import type { AiAgent } from '../../../workflows/agent/types.ts';
import { Clock, inbound, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
let app: FastifyInstance;
let runtime: ConversationRuntime;
const gateway = new RecordingGateway();
const clock = new Clock();

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = createConversationRuntime({
    db,
    agent: testAgent,
    logger: silentLogger,
    instanceId: 'console',
    now: clock.now,
  });
  runtime.registerGateway('*', gateway);
  app = await createHttpServer({
    db,
    logger: createLogger('silent'),
    tokenSecret: 'test-secret-test-secret-test-secret-1234',
    loginAttemptsPerMinute: 1000,
    conversations: runtime,
  });
});
afterAll(async () => {
  await app?.close();
  await runtime?.stop();
  await db?.close();
});

type Staff = Awaited<ReturnType<typeof businessWithStaff>>;
const get = async (staff: string, url: string) => {
  const res = await call(app, staff, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const ids = (body: { items: { id: string }[] }) => body.items.map((c) => c.id);

async function handedOver(staff: Staff, chat: string, extra: Parameters<typeof inbound>[3] = {}) {
  const { conversationId } = await runtime.handleInbound(inbound(staff.business.id, chat, 'a human please', extra));
  return conversationId;
}

describe('the console’s conversations API', () => {
  it('waitingSince, oldest waiting first, names of agents on conversations and messages, and the tab counts', async () => {
    const s = await businessWithStaff(app, db);
    const first = await handedOver(s, 'wait-1');
    clock.advance(30);
    const second = await handedOver(s, 'wait-2');
    await runtime.handleInbound(inbound(s.business.id, 'wait-3', 'just a question'));

    const waiting = await get(s.agentToken, '/api/v1/conversations?status=waiting');
    expect(ids(waiting)).toEqual([first, second]);
    expect(waiting.items[0]).toMatchObject({ waitingSince: clock.now().toISOString().replace(':30.', ':00.') });
    expect(Date.parse(waiting.items[1].waitingSince) - Date.parse(waiting.items[0].waitingSince)).toBe(30_000);
    expect(waiting.items[0].assignedAgent).toBeNull();
    expect(await get(s.agentToken, '/api/v1/conversations/counts')).toEqual({
      waiting: 2,
      mine: 0,
      open: 3,
      closed: 0,
    });

    // a message activity on the older one does not move it behind the newer one
    clock.advance(5);
    await runtime.handleInbound(inbound(s.business.id, 'wait-1', 'still there?'));
    expect(ids(await get(s.agentToken, '/api/v1/conversations?status=waiting'))).toEqual([first, second]);

    const sent = await call(app, s.agentToken, 'POST', `/api/v1/conversations/${first}/messages`, { text: 'Hi!' });
    expect(sent.statusCode).toBe(201);
    const detail = await get(s.agentToken, `/api/v1/conversations/${first}`);
    expect(detail).toMatchObject({ waitingSince: null, assignedAgent: { id: s.agent.id, name: 'Alan Agent' } });
    expect(detail.messages.at(-1)).toMatchObject({ author: 'agent', agentName: 'Alan Agent', text: 'Hi!' });
    expect(
      detail.messages
        .filter((m: { author: string }) => m.author !== 'agent')
        .map((m: { agentName: null }) => m.agentName),
    ).toEqual(Array(detail.messages.length - 1).fill(null));
    // the customer sees the agent's first name
    expect(gateway.sent.at(-1)).toMatchObject({
      conversationId: first,
      author: 'agent',
      agentName: 'Alan',
      text: 'Hi!',
    });
    expect(await get(s.agentToken, '/api/v1/conversations/counts')).toEqual({
      waiting: 1,
      mine: 1,
      open: 3,
      closed: 0,
    });
    expect(await get(s.adminToken, '/api/v1/conversations/counts')).toEqual({
      waiting: 1,
      mine: 0,
      open: 3,
      closed: 0,
    });
  });

  it('transfer: an agent moves what they hold or what waits; an admin takes over anything open; 404 and 409 otherwise', async () => {
    const s = await businessWithStaff(app, db);
    const other = await businessWithStaff(app, db);
    const kim = await call(app, s.adminToken, 'POST', '/api/v1/users', {
      role: 'agent',
      firstName: 'Kim',
      lastName: 'Lee',
      email: `kim-${s.business.id}@shop.test`,
      password: 'a-long-password',
    });
    expect(kim.statusCode, kim.body).toBe(201);
    const kimId = kim.json().id as string;
    const id = await handedOver(s, 'transfer-1');
    const transfer = (token: string, agentId: string, conv = id) =>
      call(app, token, 'POST', `/api/v1/conversations/${conv}/transfer`, { agentId });

    // what waits: an agent may hand it to a colleague, who is then holding it; the customer is told a person joined
    const toKim = await transfer(s.agentToken, kimId);
    expect(toKim.statusCode, toKim.body).toBe(200);
    expect(toKim.json()).toEqual({ id, status: 'human' });
    expect(gateway.texts(id).at(-1)).toBe(wordingFor('en').agentJoined);
    expect((await get(s.agentToken, `/api/v1/conversations/${id}`)).assignedAgent).toEqual({
      id: kimId,
      name: 'Kim Lee',
    });

    // what Kim holds: Alan (an agent) may not move it; the admin may, to Alan or to themselves (take over)
    const refused = await transfer(s.agentToken, s.agent.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('CONFLICT');
    expect(
      (await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/messages`, { text: 'x' })).statusCode,
    ).toBe(409);
    const sentBefore = gateway.sent.length;
    expect((await transfer(s.adminToken, s.admin.id)).statusCode).toBe(200);
    expect(gateway.sent.length).toBe(sentBefore); // between agents the customer is told nothing
    expect(ids(await get(s.adminToken, '/api/v1/conversations?status=mine'))).toEqual([id]);
    expect(
      (await call(app, s.adminToken, 'POST', `/api/v1/conversations/${id}/messages`, { text: 'Ada here' })).statusCode,
    ).toBe(201);
    expect(gateway.sent.at(-1)).toMatchObject({ agentName: 'Ada', text: 'Ada here' });

    // unknown, inactive or another business's agent: 404; another business's conversation: 404; bad body: 400
    expect((await transfer(s.adminToken, other.agent.id)).statusCode).toBe(404);
    expect((await transfer(s.adminToken, 'not-a-uuid')).json().error).toMatchObject({
      code: 'NOT_FOUND',
      field: 'agentId',
    });
    expect((await call(app, s.adminToken, 'PATCH', `/api/v1/users/${kimId}`, { active: false })).statusCode).toBe(200);
    expect((await transfer(s.adminToken, kimId)).statusCode).toBe(404);
    expect((await transfer(other.adminToken, other.agent.id)).statusCode).toBe(404);
    expect((await call(app, s.adminToken, 'POST', `/api/v1/conversations/${id}/transfer`, {})).statusCode).toBe(400);

    // closed: 409
    expect((await call(app, s.adminToken, 'POST', `/api/v1/conversations/${id}/close`)).statusCode).toBe(200);
    expect((await transfer(s.adminToken, s.agent.id)).statusCode).toBe(409);
  });

  it('close tells the customer in their language and stops a capture; the visitor writing again stays the same contact; reopen', async () => {
    const s = await businessWithStaff(app, db);
    const { conversationId: id, contactId } = await runtime.handleInbound(
      inbound(s.business.id, 'close-1', 'quiero hablar con un agent, por favor', { locale: 'es-ES' }),
    );
    clock.advance(121);
    await runtime.fireDueTimers();
    expect((await get(s.agentToken, `/api/v1/conversations/${id}`)).status).toBe('capture');

    const closed = await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/close`);
    expect(closed.json()).toEqual({ id, status: 'closed' });
    expect(gateway.texts(id).at(-1)).toBe(wordingFor('es').closedByAgent);
    const after = await get(s.agentToken, `/api/v1/conversations/${id}`);
    expect(after.messages.at(-1)).toMatchObject({ author: 'system', text: wordingFor('es').closedByAgent });
    expect(after.closedAt).not.toBeNull();

    // an answer to the capture's question after the close: no details saved, a new conversation of the same guest
    const again = await runtime.handleInbound(inbound(s.business.id, 'close-1', 'ana@example.com'));
    expect(again.conversationId).not.toBe(id);
    expect(again.contactId).toBe(contactId);
    expect(await db.prisma.contact.count({ where: { businessId: s.business.id } })).toBe(1);
    expect((await db.prisma.contact.findUniqueOrThrow({ where: { id: contactId } })).status).toBe('guest');
    // a newer open conversation: the old one cannot be reopened
    const stale = await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/reopen`);
    expect(stale.statusCode).toBe(409);

    // the contact's conversations, newest first; another business gets 404
    const other = await businessWithStaff(app, db);
    expect(ids(await get(s.agentToken, `/api/v1/contacts/${contactId}/conversations`))).toEqual([
      again.conversationId,
      id,
    ]);
    expect((await call(app, other.agentToken, 'GET', `/api/v1/contacts/${contactId}/conversations`)).statusCode).toBe(
      404,
    );

    // reopen: the closed conversation is the caller's again, the customer is not messaged
    expect(
      (await call(app, s.agentToken, 'POST', `/api/v1/conversations/${again.conversationId}/close`)).statusCode,
    ).toBe(200);
    const sentBefore = gateway.sent.length;
    const reopened = await call(app, s.agentToken, 'POST', `/api/v1/conversations/${again.conversationId}/reopen`);
    expect(reopened.json()).toEqual({ id: again.conversationId, status: 'human' });
    expect(gateway.sent.length).toBe(sentBefore);
    const back = await get(s.agentToken, `/api/v1/conversations/${again.conversationId}`);
    expect(back).toMatchObject({ status: 'human', closedAt: null, assignedAgent: { id: s.agent.id } });
    expect(
      (await call(app, s.agentToken, 'POST', `/api/v1/conversations/${again.conversationId}/reopen`)).statusCode,
    ).toBe(409);
    // the customer's next message lands in the reopened conversation
    const next = await runtime.handleInbound(inbound(s.business.id, 'close-1', 'gracias'));
    expect(next.conversationId).toBe(again.conversationId);
  });

  it('typing reaches the customer only through the agent who may write; an AI answering at once shows none', async () => {
    const s = await businessWithStaff(app, db);
    const before = gateway.typings.length;
    const { conversationId: id } = await runtime.handleInbound(inbound(s.business.id, 'typing-1', 'hello'));
    expect(gateway.texts(id)).toContain('You said: hello');
    expect(gateway.typings.length).toBe(before); // the answer was there within AI_TYPING_AFTER_MS
    await runtime.handleInbound(inbound(s.business.id, 'typing-1', 'a human please'));
    const waitingCount = gateway.typings.length;
    await runtime.handleInbound(inbound(s.business.id, 'typing-1', 'anyone?'));
    expect(gateway.typings.length).toBe(waitingCount); // waiting for a human: nobody types

    const typing = await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/typing`);
    expect(typing.statusCode).toBe(204);
    expect(typing.body).toBe('');
    expect(gateway.typings.at(-1)).toMatchObject({ conversationId: id, agentName: 'Alan' });
    expect((await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/claim`)).statusCode).toBe(200);
    expect((await call(app, s.adminToken, 'POST', `/api/v1/conversations/${id}/typing`)).statusCode).toBe(409);
    const other = await businessWithStaff(app, db);
    expect((await call(app, other.agentToken, 'POST', `/api/v1/conversations/${id}/typing`)).statusCode).toBe(404);
    await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/close`);
    expect((await call(app, s.agentToken, 'POST', `/api/v1/conversations/${id}/typing`)).statusCode).toBe(409);
  });

  it('an AI that takes a while: the customer sees it typing, then its reply', async () => {
    const s = await businessWithStaff(app, db);
    const slowAgent: AiAgent = {
      ...testAgent,
      async reply(message, context) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return testAgent.reply(message, context);
      },
    };
    const slow = createConversationRuntime({
      db,
      agent: slowAgent,
      logger: silentLogger,
      instanceId: 'slow-ai',
      now: clock.now,
      aiTypingAfterMs: 50,
    });
    const seen: string[] = [];
    slow.registerGateway('*', {
      send: async (m) => void seen.push(`${m.author}: ${m.text}`),
      typing: async (t) => void seen.push(`typing (${t.agentName ?? 'the AI'})`),
    });
    try {
      await slow.handleInbound(inbound(s.business.id, 'typing-slow', 'hello'));
      expect(seen).toEqual(['typing (the AI)', 'ai: You said: hello']);
    } finally {
      await slow.stop();
    }
  });
});

describe('settings and channels for the console', () => {
  it('the webchat snippet, a user by id, tag counts', async () => {
    const s = await businessWithStaff(app, db);
    const webchat = await call(app, s.agentToken, 'GET', '/api/v1/channels/webchat');
    expect(webchat.statusCode).toBe(200);
    expect(webchat.json()).toEqual({
      snippet: `<script src="http://localhost:80/webchat.js" data-business="${s.business.slug}" async></script>`,
      demoUrl: `http://localhost:80/?business=${s.business.slug}`,
    });
    expect((await call(app, undefined, 'GET', '/api/v1/channels/webchat')).statusCode).toBe(401);

    const user = await call(app, s.adminToken, 'GET', `/api/v1/users/${s.agent.id}`);
    expect(user.json()).toMatchObject({ id: s.agent.id, role: 'agent', firstName: 'Alan', active: true });
    expect((await call(app, s.agentToken, 'GET', `/api/v1/users/${s.agent.id}`)).statusCode).toBe(403);
    const other = await businessWithStaff(app, db);
    expect((await call(app, other.adminToken, 'GET', `/api/v1/users/${s.agent.id}`)).statusCode).toBe(404);

    const tag = (await call(app, s.adminToken, 'POST', '/api/v1/tags', { name: 'VIP' })).json();
    const contact = (
      await call(app, s.adminToken, 'POST', '/api/v1/contacts', {
        firstName: 'Jo',
        lastName: 'Bloggs',
        email: 'jo@x.test',
      })
    ).json();
    await call(app, s.adminToken, 'PUT', `/api/v1/contacts/${contact.id}/tags`, { tagIds: [tag.id] });
    expect((await get(s.agentToken, '/api/v1/tags')).items).toEqual([{ id: tag.id, name: 'VIP', contactCount: 1 }]);
  });
});
