// Role checks and business isolation on every endpoint of the contacts API, and the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { buildApi, businessWithStaff, call } from './api.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface Endpoint {
  method: Method;
  /** :contact, :tag, :user are replaced by ids of the business under test */
  path: string;
  body?: Record<string, unknown>;
  /** may an agent call it? */
  agent: boolean;
}

// The contacts API (issue 3). Roles: admins everything; agents read/edit contacts, tags on contacts, assignment.
const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/contacts', agent: true },
  { method: 'POST', path: '/contacts', body: { firstName: 'R', lastName: 'C', email: 'new-@{n}@x.test' }, agent: true },
  { method: 'GET', path: '/contacts/:contact', agent: true },
  { method: 'PATCH', path: '/contacts/:contact', body: { notes: 'edited' }, agent: true },
  { method: 'PUT', path: '/contacts/:contact/tags', body: { tagIds: [':tag'] }, agent: true },
  { method: 'PUT', path: '/contacts/:contact/assignment', body: { agentId: ':user' }, agent: true },
  { method: 'GET', path: '/contacts/:contact/audit', agent: true },
  { method: 'DELETE', path: '/contacts/:contact', agent: false },
  { method: 'POST', path: '/contacts/:contact/restore', agent: false },
  { method: 'GET', path: '/tags', agent: true },
  { method: 'POST', path: '/tags', body: { name: 'tag-@{n}' }, agent: false },
  { method: 'PATCH', path: '/tags/:tag', body: { name: 'renamed-@{n}' }, agent: false },
  { method: 'DELETE', path: '/tags/:tag', agent: false },
  { method: 'GET', path: '/users', agent: false },
  { method: 'GET', path: '/agents', agent: true },
  {
    method: 'POST',
    path: '/users',
    body: { role: 'agent', firstName: 'U', email: 'u-@{n}@x.test', password: 'a-long-password' },
    agent: false,
  },
  { method: 'PATCH', path: '/users/:user', body: { firstName: 'Renamed' }, agent: false },
  { method: 'GET', path: '/business', agent: true },
  { method: 'PATCH', path: '/business', body: { handoverTimeoutSeconds: 60 }, agent: false },
];

describe(`roles and business isolation on ${testDbKind()}`, () => {
  let db: Database;
  let app: FastifyInstance;
  let a: Awaited<ReturnType<typeof businessWithStaff>>;
  let b: Awaited<ReturnType<typeof businessWithStaff>>;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await buildApi(db);
    a = await businessWithStaff(app, db);
    b = await businessWithStaff(app, db);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  /** Fresh ids in a business: a contact (archived for restore), a tag, the agent. */
  async function fixtures(staff: typeof a, archived = false) {
    const contact = await db.prisma.contact.create({
      data: {
        businessId: staff.business.id,
        firstName: 'Fix',
        lastName: 'Ture',
        ...(archived ? { status: 'archived' } : {}),
      },
    });
    const tag = await db.prisma.tag.create({
      data: { businessId: staff.business.id, name: `t${++n}`, nameKey: `t${n}` },
    });
    return { contact: contact.id, tag: tag.id, user: staff.agent.id };
  }

  function fill(value: unknown, ids: Record<string, string>): unknown {
    if (typeof value === 'string') {
      const replaced = value.replace('@{n}', String(++n));
      return replaced.startsWith(':') && ids[replaced.slice(1)] ? ids[replaced.slice(1)] : replaced;
    }
    if (Array.isArray(value)) return value.map((v) => fill(v, ids));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, ids)]));
    return value;
  }
  const url = (e: Endpoint, ids: Record<string, string>) =>
    `/api/v1${e.path.replace(/:(contact|tag|user)/g, (_m, k: string) => ids[k]!)}`;
  const label = (e: Endpoint) => `${e.method} ${e.path}`;

  it.each(ENDPOINTS.map((e) => [label(e), e] as const))('%s needs a token', async (_l, e) => {
    const ids = await fixtures(a);
    const res = await call(app, undefined, e.method, url(e, ids), fill(e.body, ids));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it.each(ENDPOINTS.map((e) => [label(e), e] as const))('%s: admins may, agents per role', async (_l, e) => {
    const ids = await fixtures(a, e.path.endsWith('/restore'));
    const asAgent = await call(app, a.agentToken, e.method, url(e, ids), fill(e.body, ids));
    if (e.agent) expect(asAgent.statusCode, asAgent.body).toBeLessThan(300);
    else {
      expect(asAgent.statusCode, asAgent.body).toBe(403);
      expect(asAgent.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    const ids2 = await fixtures(a, e.path.endsWith('/restore'));
    const asAdmin = await call(app, a.adminToken, e.method, url(e, ids2), fill(e.body, ids2));
    expect(asAdmin.statusCode, asAdmin.body).toBeLessThan(300);
  });

  const bodyHasIds = (e: Endpoint) => /":(contact|tag|user)"/.test(JSON.stringify(e.body ?? {}));
  const withIds = ENDPOINTS.filter((e) => e.path.includes(':') || bodyHasIds(e));
  it.each(withIds.map((e) => [label(e), e] as const))("%s answers 404 for another business's ids", async (_l, e) => {
    const theirs = await fixtures(b, e.path.endsWith('/restore'));
    const mine = await fixtures(a);
    // ids in the path from business B; ids in the body too
    const res = await call(app, a.adminToken, e.method, url(e, theirs), fill(e.body, theirs));
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    // the other business's data is untouched
    const contact = await db.prisma.contact.findUnique({ where: { id: theirs.contact }, include: { tags: true } });
    expect(contact).toMatchObject({ notes: null, assignedAgentId: null, tags: [] });
    // and my own path with their body ids (tags, assignment) is refused as well
    if (bodyHasIds(e)) {
      const mixed = await call(
        app,
        a.adminToken,
        e.method,
        url(e, mine),
        fill(e.body, { ...mine, tag: theirs.tag, user: theirs.user }),
      );
      expect(mixed.statusCode, mixed.body).toBe(404);
    }
  });

  it('lists only the own business: contacts, tags, users, business', async () => {
    await fixtures(b);
    await db.prisma.identifier.create({
      data: {
        businessId: b.business.id,
        kind: 'email',
        value: 'only-b@x.test',
        contactId: (await fixtures(b)).contact,
      },
    });
    const contacts = (await call(app, a.adminToken, 'GET', '/api/v1/contacts?search=only-b')).json() as {
      items: unknown[];
    };
    expect(contacts.items).toEqual([]);
    const all = (await call(app, a.adminToken, 'GET', '/api/v1/contacts?limit=200')).json() as {
      items: { id: string }[];
    };
    const bIds = new Set((await db.prisma.contact.findMany({ where: { businessId: b.business.id } })).map((c) => c.id));
    expect(all.items.some((c) => bIds.has(c.id))).toBe(false);
    const tags = (await call(app, a.adminToken, 'GET', '/api/v1/tags')).json() as { items: { id: string }[] };
    const bTags = new Set((await db.prisma.tag.findMany({ where: { businessId: b.business.id } })).map((t) => t.id));
    expect(tags.items.length).toBeGreaterThan(0);
    expect(tags.items.some((t) => bTags.has(t.id))).toBe(false);
    const users = (await call(app, a.adminToken, 'GET', '/api/v1/users')).json() as { items: { id: string }[] };
    expect(users.items.map((u) => u.id)).not.toContain(b.agent.id);
    expect((await call(app, a.adminToken, 'GET', '/api/v1/business')).json()).toMatchObject({ id: a.business.id });
  });

  it('the same phone may exist in two businesses', async () => {
    const body = { firstName: 'Same', lastName: 'Phone', phone: '+447911000999' };
    expect((await call(app, a.agentToken, 'POST', '/api/v1/contacts', body)).statusCode).toBe(201);
    expect((await call(app, b.agentToken, 'POST', '/api/v1/contacts', body)).statusCode).toBe(201);
  });

  it('every /api/v1 route but login and the OpenAPI document needs a token (also routes of other modules)', async () => {
    const open = new Set(['POST /api/v1/auth/login', 'GET /api/v1/openapi.json']);
    const routes = app.apiRoutes.filter((r) => !open.has(`${r.method} ${r.url}`));
    expect(routes.length).toBeGreaterThanOrEqual(ENDPOINTS.length);
    for (const r of routes) {
      const res = await call(
        app,
        undefined,
        r.method as Method,
        r.url.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000'),
        r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      );
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  it('the OpenAPI document lists every /api/v1 route with its method', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = app.apiRoutes.filter((r) => r.url !== '/api/v1/openapi.json');
    expect(routes.length).toBeGreaterThanOrEqual(ENDPOINTS.length + 1);
    for (const r of routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
    for (const e of ENDPOINTS)
      expect(
        routes.some(
          (r) => r.method === e.method && r.url === `/api/v1${e.path.replace(/:(contact|tag|user)/g, ':id')}`,
        ),
      ).toBe(true);
    // generated from the zod schemas: the body of POST /contacts names its fields
    const post = doc.paths['/api/v1/contacts']?.post as {
      requestBody: { content: Record<string, { schema: { properties: object } }> };
    };
    expect(Object.keys(post.requestBody.content['application/json']!.schema.properties)).toEqual(
      expect.arrayContaining(['firstName', 'lastName', 'phone', 'email']),
    );
  });
});
