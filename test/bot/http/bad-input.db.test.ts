import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBusinessResolver, createChannels } from '../../../bot/channels/index.ts';
import { createHttpServer } from '../../../bot/http/server.ts';
import { createLogger } from '../../../bot/logger.ts';
import type { Database } from '../../../prisma/index.ts';
import { createAgent } from '../../../workflows/agent/index.ts';
import { createConversationRuntime, type ConversationRuntime } from '../../../workflows/index.ts';
import { channelsConfig } from '../channels/support.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { businessWithStaff, call } from './api.ts';

// Bad input, answered well: control characters in any stored text or query, requests that are no requests, and
// errors from Fastify and its plugins all answer the documented {"error":{code,message,field?}} with a 4xx, and
// nothing is logged as an internal error.
describe(`bad input on ${testDbKind()}`, () => {
  let db: Database;
  let app: FastifyInstance;
  let runtime: ConversationRuntime;
  const lines: { level: number; msg?: string }[] = [];
  let staff: Awaited<ReturnType<typeof businessWithStaff>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as never) });
    runtime = createConversationRuntime({
      db,
      agent: createAgent(),
      logger,
      instanceId: 'bad-input',
      pollIntervalMs: 100,
    });
    const resolveBusiness = createBusinessResolver(db, 0);
    const channels = createChannels({
      config: channelsConfig(),
      logger,
      conversations: runtime,
      resolveBusiness,
      printQr: () => {},
    });
    app = await createHttpServer({
      db,
      logger,
      conversations: runtime,
      channels: { channels, resolveBusiness },
      tokenSecret: 'test-secret-test-secret-test-secret-1234',
      loginAttemptsPerMinute: 1000,
    });
    staff = await businessWithStaff(app, db);
  });
  afterAll(async () => {
    await app.close();
    await runtime.stop();
    await db.close();
  });

  const errorsLogged = () => lines.filter((l) => l.level >= 50);
  function expectRefused(res: { statusCode: number; json(): unknown }, status: number, code: string, field?: string) {
    expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
    const body = res.json() as { error: { code: string; message: string; field?: string } };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    if (field !== undefined) expect(body.error.field).toBe(field);
  }

  it('refuses NUL and control characters in every stored text, naming the field', async () => {
    const t = staff.adminToken;
    const nul = 'A\u0000B';
    const cases: [string, 'POST' | 'PATCH' | 'PUT' | 'GET', string, unknown, string][] = [
      [
        'contact first name',
        'POST',
        '/api/v1/contacts',
        { firstName: nul, lastName: 'X', email: 'a@b.test' },
        'firstName',
      ],
      [
        'contact city',
        'POST',
        '/api/v1/contacts',
        { firstName: 'A', lastName: 'X', email: 'a@b.test', address: { city: 'Le\u0007ds' } },
        'address.city',
      ],
      [
        'contact notes',
        'POST',
        '/api/v1/contacts',
        { firstName: 'A', lastName: 'X', email: 'a@b.test', notes: 'x\u001by' },
        'notes',
      ],
      [
        'contact email',
        'POST',
        '/api/v1/contacts',
        { firstName: 'A', lastName: 'X', email: 'a\u0000@b.test' },
        'email',
      ],
      ['tag name', 'POST', '/api/v1/tags', { name: nul }, 'name'],
      [
        'user name',
        'POST',
        '/api/v1/users',
        { role: 'agent', firstName: nul, email: 'n@b.test', password: 'long-enough-1' },
        'firstName',
      ],
      ['business name', 'PATCH', '/api/v1/business', { name: nul }, 'name'],
      ['a lone surrogate', 'POST', '/api/v1/tags', { name: 'x\ud800' }, 'name'],
      ['a key of the body', 'PATCH', '/api/v1/business', { ['na\u0000me']: 'x' }, 'na\ufffdme'],
      ['tag ids', 'PUT', `/api/v1/contacts/${staff.admin.id}/tags`, { tagIds: ['a\u0000'] }, 'tagIds.0'],
    ];
    for (const [what, method, url, body, field] of cases) {
      const res = await call(app, t, method, url, body);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expectRefused(res, 400, 'VALIDATION_FAILED', field);
    }
    // A one-line text refuses line breaks; a note keeps them.
    expectRefused(
      await call(app, t, 'POST', '/api/v1/contacts', { firstName: 'A\nB', lastName: 'X', email: 'a@b.test' }),
      400,
      'VALIDATION_FAILED',
      'firstName',
    );
    const ok = await call(app, t, 'POST', '/api/v1/contacts', {
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@b.test',
      notes: 'line 1\n\tline 2',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((ok.json() as { notes: string }).notes).toBe('line 1\n\tline 2');
    expect(errorsLogged()).toEqual([]);
  });

  it('refuses control characters in query parameters and path parameters', async () => {
    const t = staff.adminToken;
    expectRefused(await call(app, t, 'GET', '/api/v1/contacts?search=%00'), 400, 'VALIDATION_FAILED', 'search');
    expectRefused(await call(app, t, 'GET', '/api/v1/contacts?tag=a%00b'), 400, 'VALIDATION_FAILED', 'tag');
    expectRefused(await call(app, t, 'GET', '/api/v1/contacts/%00'), 400, 'VALIDATION_FAILED', 'id');
    // The export checks its filters before it sends anything: a JSON error, not a 200 cut short.
    const exp = await call(app, t, 'GET', '/api/v1/contacts/export.csv?search=%00');
    expectRefused(exp, 400, 'VALIDATION_FAILED', 'search');
    expect(exp.headers['content-type']).toMatch(/json/);
    expect(errorsLogged()).toEqual([]);
  });

  it("answers Fastify's and multipart's own errors in the documented shape", async () => {
    const t = staff.adminToken;
    // A 5,000-character id (past Fastify's maxParamLength).
    const long = await call(app, t, 'GET', `/api/v1/contacts/${'a'.repeat(5000)}`);
    expect(long.statusCode).toBeGreaterThanOrEqual(400);
    expect(long.statusCode).toBeLessThan(500);
    expect((long.json() as { error: { code: string } }).error.code).toMatch(/^[A-Z_]+$/);
    // multipart/form-data with no boundary.
    const noBoundary = await app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'multipart/form-data' },
      payload: 'hello',
    });
    expectRefused(noBoundary, 400, 'VALIDATION_FAILED');
    // Malformed JSON, and a content type nobody takes.
    expectRefused(
      await app.inject({
        method: 'POST',
        url: '/api/v1/tags',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        payload: '{"name":',
      }),
      400,
      'VALIDATION_FAILED',
    );
    const xml = await app.inject({
      method: 'POST',
      url: '/api/v1/tags',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect((xml.json() as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(errorsLogged()).toEqual([]);
  });

  it('answers a webchat token request for an unknown business 404 and logs no error', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v3/directline/tokens/generate',
      payload: { business: 'no-such-shop' },
    });
    expectRefused(res, 404, 'NOT_FOUND');
    await new Promise((r) => setTimeout(r, 50));
    expect(errorsLogged()).toEqual([]);
  });

  it('answers /api/messages 400 for what is no activity, and for an activity Baton refuses, with the reason logged', async () => {
    const post = (payload: unknown) =>
      app.inject({ method: 'POST', url: '/api/messages', payload: payload as Record<string, unknown> });
    const activity = (extra: Record<string, unknown>) => ({
      type: 'message',
      id: `a-${Math.random()}`,
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9',
      conversation: { id: 'c-1' },
      from: { id: 'u-1', name: 'User' },
      recipient: { id: 'bot' },
      text: 'hello',
      ...extra,
    });
    expectRefused(await post({}), 400, 'VALIDATION_FAILED', 'type');
    expectRefused(await post({ ...activity({}), type: 42 }), 400, 'VALIDATION_FAILED', 'type');
    expectRefused(await post(activity({ conversation: 'c-1' })), 400, 'VALIDATION_FAILED', 'conversation');
    expectRefused(await post(activity({ serviceUrl: 'javascript:alert(1)' })), 400, 'VALIDATION_FAILED', 'serviceUrl');
    // (a NUL in an id is refused; in the customer's text it is cleaned out: control-characters.db.test.ts)
    expectRefused(
      await post(activity({ conversation: { id: 'c\u0000' } })),
      400,
      'VALIDATION_FAILED',
      'conversation.id',
    );
    expectRefused(await post(activity({ timestamp: 'yesterday' })), 400, 'VALIDATION_FAILED', 'timestamp');
    // Past the envelope, the runtime's own check (a profile name over 200 characters): refused, not dropped with a 200.
    const before = lines.length;
    expectRefused(await post(activity({ from: { id: 'u-2', name: 'N'.repeat(300) } })), 400, 'VALIDATION_FAILED');
    const logged = lines.slice(before).find((l) => l.msg === 'activity refused') as { reason?: string } | undefined;
    expect(logged?.reason).toMatch(/profileName/);
    expect(errorsLogged()).toEqual([]);
  });
});
