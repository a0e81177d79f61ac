// /api/v1/conversations over HTTP: queues, detail, claim (409 for a second agent), reply, close, SSE stream.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../bot/http/server.ts';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createConversationRuntime, type ConversationRuntime } from '../../../workflows/index.ts';
import { businessWithStaff, call } from './api.ts';
import { createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, RecordingGateway, silentLogger, testAgent } from '../../workflows/support/fixtures.ts';

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
    instanceId: 'api',
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

describe('conversations API', () => {
  it('lists the queue, shows a conversation, claims (409 for another), replies and closes', async () => {
    const staff = await businessWithStaff(app, db);
    const other = await businessWithStaff(app, db);
    const { conversationId: id } = await runtime.handleInbound(inbound(staff.business.id, 'api-1', 'human please'));

    const waiting = await call(app, staff.agentToken, 'GET', '/api/v1/conversations?status=waiting');
    expect(waiting.statusCode).toBe(200);
    expect(waiting.json().items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(waiting.json().items[0]).toMatchObject({ status: 'waiting', lastMessage: { author: 'ai' } });
    // another business sees nothing of it
    expect((await call(app, other.agentToken, 'GET', '/api/v1/conversations?status=waiting')).json().items).toEqual([]);
    expect((await call(app, other.agentToken, 'GET', `/api/v1/conversations/${id}`)).statusCode).toBe(404);
    expect((await call(app, other.agentToken, 'POST', `/api/v1/conversations/${id}/claim`)).statusCode).toBe(404);
    expect((await call(app, undefined, 'GET', '/api/v1/conversations')).statusCode).toBe(401);
    // no token and a bad body: 401 first (authentication runs before validation)
    expect((await call(app, undefined, 'POST', `/api/v1/conversations/${id}/messages`, { text: '' })).statusCode).toBe(
      401,
    );
    expect((await call(app, staff.agentToken, 'GET', '/api/v1/conversations?status=everything')).statusCode).toBe(400);

    const one = await call(app, staff.agentToken, 'GET', `/api/v1/conversations/${id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().messages.map((m: { author: string }) => m.author)).toEqual(['customer', 'ai']);
    expect(one.json().contactCard).toMatchObject({ status: 'guest' });

    const claim = await call(app, staff.agentToken, 'POST', `/api/v1/conversations/${id}/claim`);
    expect(claim.statusCode).toBe(200);
    expect(claim.json()).toEqual({ id, status: 'human' });
    const second = await call(app, staff.adminToken, 'POST', `/api/v1/conversations/${id}/claim`);
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('CONFLICT');

    const mine = await call(app, staff.agentToken, 'GET', '/api/v1/conversations?status=mine');
    expect(mine.json().items.map((c: { id: string }) => c.id)).toEqual([id]);

    const sent = await call(app, staff.agentToken, 'POST', `/api/v1/conversations/${id}/messages`, {
      text: 'Hi, Alan here',
    });
    expect(sent.statusCode).toBe(201);
    expect(gateway.sent.at(-1)).toMatchObject({ conversationId: id, author: 'agent', text: 'Hi, Alan here' });
    const empty = await call(app, staff.agentToken, 'POST', `/api/v1/conversations/${id}/messages`, { text: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('text');

    const closed = await call(app, staff.agentToken, 'POST', `/api/v1/conversations/${id}/close`);
    expect(closed.json()).toEqual({ id, status: 'closed' });
    expect((await call(app, staff.agentToken, 'GET', '/api/v1/conversations?status=closed')).json().items[0].id).toBe(
      id,
    );
    expect((await call(app, staff.agentToken, 'GET', '/api/v1/conversations?status=open')).json().items).toEqual([]);
  });

  it('streams queue and message events of the business (SSE)', async () => {
    const staff = await businessWithStaff(app, db);
    const other = await businessWithStaff(app, db);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const res = await fetch(`${address}/api/v1/conversations/events`, {
      headers: { authorization: `Bearer ${staff.agentToken}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil('event: ready');
    await runtime.handleInbound(inbound(other.business.id, 'sse-other', 'human please'));
    const { conversationId } = await runtime.handleInbound(inbound(staff.business.id, 'sse-1', 'human please'));
    await readUntil('"reason":"handover"');
    controller.abort();
    expect(text).toContain(`"conversationId":"${conversationId}"`);
    expect(text).toContain('event: message');
    expect(text).toContain('"text":"human please"');
    // nothing of the other business leaks into this stream
    expect(text).not.toContain('sse-other');
    const otherIds = (await db.prisma.conversation.findMany({ where: { businessId: other.business.id } })).map(
      (c) => c.id,
    );
    for (const oid of otherIds) expect(text).not.toContain(oid);
  });
});
