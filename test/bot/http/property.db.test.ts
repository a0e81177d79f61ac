import fc from 'fast-check';
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

// Arbitrary input to every route of the OpenAPI document (read from the running app) and arbitrary objects to
// /api/messages: strings with NUL, control characters and lone surrogates, JSON of any shape. No answer is a 5xx, no
// error is logged, and the server stays healthy. A few hundred requests, through Fastify's inject.

/** One character, the awkward ones often. */
const char = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udc00', '\u001b', '\u007f', '\n', '\t', '\u2028') },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const text = fc.string({ unit: char, maxLength: 40 });
const json = fc.jsonValue({ stringUnit: char, maxDepth: 3 });
/** Bodies shaped like the route's (its property names) with anything in them, or anything at all. */
const bodyFor = (properties: string[]) =>
  fc.oneof(
    properties.length
      ? fc.dictionary(fc.constantFrom(...properties), fc.oneof(text, json), { maxKeys: properties.length })
      : json,
    json,
    fc.dictionary(text, json, { maxKeys: 3 }),
  );

interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query: string[];
  body: string[] | undefined;
}

describe(`arbitrary input on ${testDbKind()}`, { timeout: 180_000 }, () => {
  let db: Database;
  let app: FastifyInstance;
  let runtime: ConversationRuntime;
  const serious: { level: number; msg?: string }[] = [];
  let staff: Awaited<ReturnType<typeof businessWithStaff>>;
  let operations: Operation[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const logger = createLogger('warn', {
      write: (line: string) => {
        const entry = JSON.parse(line) as { level: number; msg?: string };
        if (entry.level >= 50) serious.push(entry);
      },
    });
    runtime = createConversationRuntime({
      db,
      agent: createAgent(),
      logger,
      instanceId: 'property',
      pollIntervalMs: 100,
    });
    const resolveBusiness = createBusinessResolver(db, 0);
    const channels = createChannels({
      config: channelsConfig({ BATON_PUBLIC_REQUESTS_PER_MINUTE: '100000' }),
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
      loginAttemptsPerMinute: 100_000,
      loginAttemptsPerIpPerMinute: 100_000,
    });
    staff = await businessWithStaff(app, db);
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) => {
        // The live event stream never ends: not a request inject can wait for.
        if (path.endsWith('/conversations/events')) return [];
        return [
          {
            method: method.toUpperCase() as Operation['method'],
            path,
            query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
            body: bodyProperties(op),
          },
        ];
      }),
    );
  });
  afterAll(async () => {
    await app.close();
    await runtime.stop();
    await db.close();
  });

  it('reads every route from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(25);
    expect(operations.some((o) => o.path === '/api/v1/contacts' && o.method === 'POST')).toBe(true);
  });

  it('answers arbitrary JSON and strings on every route without a 5xx', async () => {
    const request = fc.nat({ max: operations.length - 1 }).chain((i) => {
      const op = operations[i]!;
      return fc.record({
        op: fc.constant(op),
        ids: fc.array(fc.oneof(text, fc.uuid()), { minLength: 3, maxLength: 3 }),
        query: fc.dictionary(fc.constantFrom(...op.query, 'x'), text, { maxKeys: 3 }),
        body: bodyFor(op.body ?? []),
        role: fc.constantFrom('admin', 'agent'),
      });
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ op, ids, query, body, role }) => {
        let n = 0;
        const url =
          op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(wellFormed(ids[n++] ?? ''))) +
          (Object.keys(query).length
            ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, wellFormed(v)])).toString()}`
            : '');
        const res = await app.inject({
          method: op.method,
          url,
          headers: {
            authorization: `Bearer ${role === 'admin' ? staff.adminToken : staff.agentToken}`,
            ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
          },
          ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: JSON.stringify(body) }),
        });
        expect(res.statusCode, `${op.method} ${url} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const error = (res.json() as { error?: { code?: unknown; message?: unknown } }).error;
          expect(typeof error?.code, `${op.method} ${url} → ${res.body.slice(0, 300)}`).toBe('string');
          expect(typeof error?.message).toBe('string');
        }
      }),
      { numRuns: 250 },
    );
    expect(serious).toEqual([]);
  });

  it('answers arbitrary objects on /api/messages without a 5xx', async () => {
    const activity = fc.oneof(
      fc.object({ stringUnit: char, maxDepth: 2 }),
      fc.record(
        {
          type: fc.oneof(fc.constantFrom('message', 'typing', 'conversationUpdate', 'event'), text, json),
          id: fc.oneof(text, json),
          channelId: fc.oneof(fc.constant('emulator'), text, json),
          serviceUrl: fc.oneof(fc.constantFrom('http://127.0.0.1:9', 'baton://x', 'ftp://x'), text, json),
          conversation: fc.oneof(fc.record({ id: text }), json),
          from: fc.oneof(fc.record({ id: text, name: text }), json),
          text: fc.oneof(text, json),
          locale: fc.oneof(text, json),
          timestamp: fc.oneof(text, json),
          membersAdded: fc.oneof(fc.array(fc.record({ id: text })), json),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(activity, async (body) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/messages',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode, `${JSON.stringify(body)} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect(serious).toEqual([]);
  });

  it('stays healthy: /healthz answers and the API still works', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok', database: testDbKind() });
    const created = await call(app, staff.adminToken, 'POST', '/api/v1/contacts', {
      firstName: 'Still',
      lastName: 'Working',
      email: 'still.working@shop.test',
    });
    expect(created.statusCode, created.body).toBe(201);
  });
});

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

function bodyProperties(op: OpenApiOperation): string[] | undefined {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  return schema?.properties ? Object.keys(schema.properties) : undefined;
}

/** A URL carries bytes: an unpaired surrogate cannot be in one (encodeURIComponent throws), so it becomes U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
