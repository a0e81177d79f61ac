// Routes that take no body accept an empty one whatever its content type (many HTTP clients send
// `Content-Type: application/json` with nothing after it); routes that need a body still name what is missing.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../bot/http/server.ts';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createConversationRuntime, type ConversationRuntime } from '../../../workflows/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { inbound, RecordingGateway, silentLogger, testAgent } from '../../workflows/support/fixtures.ts';
import { businessWithStaff, call } from './api.ts';

let db: Database;
let app: FastifyInstance;
let runtime: ConversationRuntime;

beforeAll(async () => {
  db = await createTestDatabase();
  runtime = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: 'empty-bodies' });
  runtime.registerGateway('*', new RecordingGateway());
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

const send = (method: 'POST' | 'DELETE', url: string, token: string, contentType?: string, payload = '') =>
  app.inject({
    method,
    url,
    payload,
    headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
  });

describe(`empty bodies on ${testDbKind()}`, () => {
  it('claim and delete accept an empty body sent as JSON, as text, or with no type', async () => {
    const staff = await businessWithStaff(app, db);
    const { conversationId } = await runtime.handleInbound(inbound(staff.business.id, 'empty-1', 'human please'));
    const claim = await send(
      'POST',
      `/api/v1/conversations/${conversationId}/claim`,
      staff.agentToken,
      'application/json',
    );
    expect(claim.statusCode, claim.body).toBe(200);
    expect(claim.json()).toEqual({ id: conversationId, status: 'human' });

    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      undefined,
    ]) {
      const created = await call(app, staff.adminToken, 'POST', '/api/v1/contacts', {
        firstName: 'Ed',
        lastName: 'Empty',
        email: `ed-${Math.random().toString(36).slice(2)}@example.com`,
      });
      const id = (created.json() as { id: string }).id;
      const deleted = await send('DELETE', `/api/v1/contacts/${id}`, staff.adminToken, contentType);
      expect(deleted.statusCode, `${contentType}: ${deleted.body}`).toBeLessThan(300);
      const after = await call(app, staff.adminToken, 'GET', `/api/v1/contacts/${id}`);
      expect(after.json()).toMatchObject({ status: 'archived' });
    }
  });

  it('a route that needs a body still says so; a non-empty body keeps its strict parsing', async () => {
    const staff = await businessWithStaff(app, db);
    const empty = await send('POST', '/api/v1/contacts', staff.adminToken, 'application/json');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('VALIDATION_FAILED');
    const broken = await send('POST', '/api/v1/contacts', staff.adminToken, 'application/json', '{"firstName":');
    expect(broken.statusCode).toBe(400);
    const poisoned = await send(
      'POST',
      '/api/v1/contacts',
      staff.adminToken,
      'application/json',
      '{"__proto__":{"x":1}}',
    );
    expect(poisoned.statusCode).toBe(400);
    const unknownType = await send('POST', '/api/v1/contacts', staff.adminToken, 'application/xml', '<contact/>');
    expect(unknownType.statusCode).toBe(415);
    expect(unknownType.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
