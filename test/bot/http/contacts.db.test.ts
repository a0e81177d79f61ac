import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInboundSender } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { buildApi, businessWithStaff, call } from './api.ts';

type Card = {
  id: string;
  status: string;
  phone: string | null;
  email: string | null;
  tags: { id: string; name: string }[];
};

describe(`the contacts API on ${testDbKind()}`, () => {
  let db: Database;
  let app: FastifyInstance;
  let s: Awaited<ReturnType<typeof businessWithStaff>>;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 20 });
    app = await buildApi(db);
    s = await businessWithStaff(app, db);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const create = (body: Record<string, unknown>, token = s.agentToken) =>
    call(app, token, 'POST', '/api/v1/contacts', body);

  it('adds a contact with a national phone read in the business country, stored as E.164, email lower-cased', async () => {
    const res = await create({
      firstName: ' Jane ',
      lastName: 'Doe',
      phone: '07911 123456',
      email: ' Jane@Example.COM ',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      firstName: 'Jane',
      status: 'active',
      phone: '+447911123456',
      email: 'jane@example.com',
    });
  });

  it('needs first name, last name, and a phone or an email', async () => {
    const noName = await create({ lastName: 'Doe', email: 'a@b.test' });
    expect(noName.statusCode).toBe(400);
    expect(noName.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'firstName' } });
    const noLast = await create({ firstName: 'A', email: 'a@b.test' });
    expect(noLast.json()).toMatchObject({ error: { field: 'lastName' } });
    const noIds = await create({ firstName: 'A', lastName: 'B' });
    expect(noIds.statusCode).toBe(400);
    expect(noIds.json().error.message).toMatch(/phone .* or an email/);
    expect((await create({ firstName: 'A', lastName: 'B', email: 'only-email@b.test' })).statusCode).toBe(201);
  });

  it('refuses an invalid phone with the reason and an invalid email', async () => {
    const short = await create({ firstName: 'A', lastName: 'B', phone: '0791' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'phone' } });
    expect(short.json().error.message).toMatch(/too short/);
    const bad = await create({ firstName: 'A', lastName: 'B', email: 'not an email' });
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'email' } });
    const guestDomain = await create({ firstName: 'A', lastName: 'B', email: 'x@guest.baton.invalid' });
    expect(guestDomain.statusCode).toBe(400);
  });

  it('50 concurrent creates of one number in different spellings: exactly one 201, the rest 409', async () => {
    const spellings = ['+44 7911 000654', '07911000654', '0044 7911 000654', '(07911) 000 654', '+447911000654'];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        create({ firstName: `Racer${i}`, lastName: 'X', phone: spellings[i % spellings.length] }),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((c) => c === 201)).toHaveLength(1);
    expect(statuses.filter((c) => c === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.json()).toMatchObject({
        error: {
          code: 'IDENTIFIER_TAKEN',
          field: 'phone',
          message: 'this phone belongs to another contact',
          details: { kind: 'phone', holder: 'contact' },
        },
      });
    }
    expect(await db.prisma.identifier.count({ where: { value: '+447911000654' } })).toBe(1);
  });

  it('a contact cannot take an agent phone, and an agent cannot take a contact email', async () => {
    const patch = await call(app, s.adminToken, 'PATCH', `/api/v1/users/${s.agent.id}`, { phone: '+447911777000' });
    expect(patch.statusCode, patch.body).toBe(200);
    const res = await create({ firstName: 'C', lastName: 'D', phone: '07911 777000' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: {
        code: 'IDENTIFIER_TAKEN',
        field: 'phone',
        message: 'this phone belongs to a team member',
        details: { kind: 'phone', holder: 'user' },
      },
    });
    expect(JSON.stringify(res.json())).not.toContain(s.agent.id); // nothing about the user leaks

    await create({ firstName: 'E', lastName: 'F', email: 'taken@contact.test' });
    const user = await call(app, s.adminToken, 'POST', '/api/v1/users', {
      role: 'agent',
      firstName: 'New',
      lastName: 'Agent',
      email: 'TAKEN@contact.test',
      password: 'a-long-password',
    });
    expect(user.statusCode).toBe(409);
    expect(user.json()).toMatchObject({
      error: {
        code: 'IDENTIFIER_TAKEN',
        field: 'email',
        message: 'this email belongs to another contact',
        details: { kind: 'email', holder: 'contact' },
      },
    });
    const edit = await call(app, s.adminToken, 'PATCH', `/api/v1/users/${s.agent.id}`, { email: 'taken@contact.test' });
    expect(edit.statusCode).toBe(409);
  });

  it('archive → re-create with the same phone refused → edit the archived contact phone → now allowed', async () => {
    const c = (await create({ firstName: 'Arch', lastName: 'Ive', phone: '+447911222333' })).json() as Card;
    const del = await call(app, s.adminToken, 'DELETE', `/api/v1/contacts/${c.id}`);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ status: 'archived', phone: '+447911222333' });
    const listed = (await call(app, s.agentToken, 'GET', '/api/v1/contacts?search=Arch')).json() as { items: Card[] };
    expect(listed.items).toHaveLength(0);
    const archived = (await call(app, s.agentToken, 'GET', '/api/v1/contacts?status=archived&search=Arch')).json() as {
      items: Card[];
    };
    expect(archived.items.map((x) => x.id)).toEqual([c.id]);

    const again = await create({ firstName: 'New', lastName: 'Person', phone: '07911 222333' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { details: { holder: 'archived_contact', contactId: c.id } } });

    const freed = await call(app, s.agentToken, 'PATCH', `/api/v1/contacts/${c.id}`, { phone: null });
    expect(freed.statusCode, freed.body).toBe(200);
    expect(freed.json()).toMatchObject({ phone: null, status: 'archived' });
    expect((await create({ firstName: 'New', lastName: 'Person', phone: '07911 222333' })).statusCode).toBe(201);

    const restored = await call(app, s.adminToken, 'POST', `/api/v1/contacts/${c.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ status: 'active' });
    expect((await call(app, s.adminToken, 'POST', `/api/v1/contacts/${c.id}/restore`)).statusCode).toBe(409);
  });

  it('edits record an audit event with who, which fields, old and new values', async () => {
    const c = (await create({ firstName: 'Aud', lastName: 'It', email: 'audit@x.test' })).json() as Card;
    await call(app, s.agentToken, 'PATCH', `/api/v1/contacts/${c.id}`, {
      lastName: 'Ited',
      phone: '+447911000777',
      notes: 'hi',
    });
    const audit = (await call(app, s.agentToken, 'GET', `/api/v1/contacts/${c.id}/audit`)).json() as {
      items: { action: string; actorType: string; actorId: string; changes: Record<string, unknown> }[];
    };
    expect(audit.items.map((a) => a.action)).toEqual(['created', 'updated']);
    expect(audit.items[1]).toMatchObject({
      actorType: 'user',
      actorId: s.agent.id,
      changes: {
        lastName: { from: 'It', to: 'Ited' },
        phone: { from: null, to: '+447911000777' },
        notes: { from: null, to: 'hi' },
      },
    });
    expect(audit.items[1]!.changes).not.toHaveProperty('firstName');
  });

  it('editing a guest with real details makes it an active, listed contact', async () => {
    const g = await resolveInboundSender(db, { businessId: s.business.id, channel: 'webchat' });
    const res = await call(app, s.agentToken, 'PATCH', `/api/v1/contacts/${g.contactId}`, {
      firstName: 'Real',
      lastName: 'Visitor',
    });
    expect(res.json()).toMatchObject({ status: 'active', displayName: 'Real Visitor', email: null });
    expect(await db.prisma.identifier.count({ where: { contactId: g.contactId } })).toBe(0);
    const listed = (await call(app, s.agentToken, 'GET', '/api/v1/contacts?search=visitor')).json() as {
      items: Card[];
    };
    expect(listed.items.map((c) => c.id)).toEqual([g.contactId]);
  });

  it('an active contact keeps a phone or an email', async () => {
    const c = (await create({ firstName: 'Keep', lastName: 'One', email: 'keep@x.test' })).json() as Card;
    const res = await call(app, s.agentToken, 'PATCH', `/api/v1/contacts/${c.id}`, { email: null });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'email' } });
  });

  it('search finds names, emails and phone fragments, with cursor pagination', async () => {
    const mk = (firstName: string, phone: string, email: string) =>
      create({ firstName, lastName: 'Searchable', phone, email });
    await mk('Olivia', '+447911123450', 'olivia@find.test');
    await mk('Oliver', '+14155552671', 'oliver@elsewhere.test');
    const get = async (q: string) =>
      (
        (await call(app, s.agentToken, 'GET', `/api/v1/contacts?${q}`)).json() as { items: { firstName: string }[] }
      ).items.map((c) => c.firstName);
    expect(await get('search=7911%20123')).toEqual(expect.arrayContaining(['Olivia', 'Jane']));
    expect(await get('search=07911%20123')).toContain('Olivia');
    expect(await get('search=415%20555')).toEqual(['Oliver']);
    expect(await get('search=oliv%20searchable')).toEqual(['Oliver', 'Olivia']);
    expect(await get('search=FIND.TEST')).toEqual(['Olivia']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (
        await call(app, s.agentToken, 'GET', `/api/v1/contacts?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json() as {
        items: { id: string }[];
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    const total = await db.prisma.contact.count({ where: { businessId: s.business.id, status: 'active' } });
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect((await call(app, s.agentToken, 'GET', '/api/v1/contacts?cursor=rubbish')).statusCode).toBe(400);
  });

  it('tags: admins define, agents tag contacts, rename shows everywhere, delete removes from contacts', async () => {
    const vip = await call(app, s.adminToken, 'POST', '/api/v1/tags', { name: 'VIP' });
    expect(vip.statusCode).toBe(201);
    expect((await call(app, s.adminToken, 'POST', '/api/v1/tags', { name: ' vip ' })).statusCode).toBe(409);
    const tagId = (vip.json() as { id: string }).id;
    const c = (await create({ firstName: 'Tag', lastName: 'Ged', email: 'tagged@x.test' })).json() as Card;
    const tagged = await call(app, s.agentToken, 'PUT', `/api/v1/contacts/${c.id}/tags`, { tagIds: [tagId] });
    expect(tagged.json()).toMatchObject({ tags: [{ id: tagId, name: 'VIP' }] });
    expect(
      ((await call(app, s.agentToken, 'GET', '/api/v1/contacts?tag=vip')).json() as { items: Card[] }).items.map(
        (x) => x.id,
      ),
    ).toEqual([c.id]);
    await call(app, s.adminToken, 'PATCH', `/api/v1/tags/${tagId}`, { name: 'Gold' });
    expect((await call(app, s.agentToken, 'GET', `/api/v1/contacts/${c.id}`)).json()).toMatchObject({
      tags: [{ name: 'Gold' }],
    });
    const del = await call(app, s.adminToken, 'DELETE', `/api/v1/tags/${tagId}`);
    expect(del.json()).toEqual({ removedFromContacts: 1 });
    expect((await call(app, s.agentToken, 'GET', `/api/v1/contacts/${c.id}`)).json()).toMatchObject({ tags: [] });
    const audit = (await call(app, s.agentToken, 'GET', `/api/v1/contacts/${c.id}/audit`)).json() as {
      items: { action: string }[];
    };
    expect(audit.items.map((a) => a.action)).toEqual(['created', 'tagged', 'untagged']);
  });

  it('assignment: to an active agent of the business only', async () => {
    const c = (await create({ firstName: 'As', lastName: 'Signed', email: 'assigned@x.test' })).json() as Card;
    const agents = (await call(app, s.agentToken, 'GET', '/api/v1/agents')).json() as {
      items: { id: string; name: string }[];
    };
    expect(agents.items).toContainEqual({ id: s.agent.id, name: 'Alan Agent', role: 'agent' });
    expect(JSON.stringify(agents)).not.toContain('@');
    const ok = await call(app, s.agentToken, 'PUT', `/api/v1/contacts/${c.id}/assignment`, { agentId: s.agent.id });
    expect(ok.json()).toMatchObject({ assignedAgent: { id: s.agent.id, name: 'Alan Agent' } });
    const inactive = await call(app, s.adminToken, 'POST', '/api/v1/users', {
      role: 'agent',
      firstName: 'Gone',
      email: 'gone@shop.test',
      password: 'a-long-password',
    });
    const goneId = (inactive.json() as { id: string }).id;
    await call(app, s.adminToken, 'PATCH', `/api/v1/users/${goneId}`, { active: false });
    const refused = await call(app, s.agentToken, 'PUT', `/api/v1/contacts/${c.id}/assignment`, { agentId: goneId });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { field: 'agentId' } });
    const none = await call(app, s.agentToken, 'PUT', `/api/v1/contacts/${c.id}/assignment`, { agentId: null });
    expect(none.json()).toMatchObject({ assignedAgent: null });
  });

  it('users: admins add, edit and deactivate; the last admin cannot be removed; new users can log in', async () => {
    const res = await call(app, s.adminToken, 'POST', '/api/v1/users', {
      role: 'admin',
      firstName: 'Second',
      lastName: 'Admin',
      email: 'Second@Shop.test',
      phone: '07911 888999',
      password: 'a-long-password',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      email: 'second@shop.test',
      phone: '+447911888999',
      role: 'admin',
      active: true,
    });
    const id = (res.json() as { id: string }).id;
    expect(
      (
        await call(app, undefined, 'POST', '/api/v1/auth/login', {
          email: 'second@shop.test',
          password: 'a-long-password',
        })
      ).statusCode,
    ).toBe(200);
    const demote = await call(app, s.adminToken, 'PATCH', `/api/v1/users/${id}`, {
      role: 'agent',
      firstName: 'Demoted',
    });
    expect(demote.json()).toMatchObject({ role: 'agent', firstName: 'Demoted' });
    const self = await call(app, s.adminToken, 'PATCH', `/api/v1/users/${s.admin.id}`, { active: false });
    expect(self.statusCode).toBe(409);
    const list = (await call(app, s.adminToken, 'GET', '/api/v1/users')).json() as { items: { id: string }[] };
    expect(list.items.map((u) => u.id)).toContain(id);
  });

  it('business settings: read by all, changed by admins; the country changes how phones are read', async () => {
    expect((await call(app, s.agentToken, 'GET', '/api/v1/business')).json()).toMatchObject({ country: 'GB' });
    const bad = await call(app, s.adminToken, 'PATCH', '/api/v1/business', { country: 'XX' });
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'country' } });
    const zero = await call(app, s.adminToken, 'PATCH', '/api/v1/business', { handoverTimeoutSeconds: 0 });
    expect(zero.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'handoverTimeoutSeconds' } });
    const ok = await call(app, s.adminToken, 'PATCH', '/api/v1/business', {
      country: 'us',
      handoverTimeoutSeconds: 90,
      name: 'Renamed',
    });
    expect(ok.json()).toMatchObject({ country: 'US', handoverTimeoutSeconds: 90, name: 'Renamed' });
    const us = await create({ firstName: 'Us', lastName: 'Er', phone: '(415) 555-0132' });
    expect(us.json()).toMatchObject({ phone: '+14155550132' });
    await call(app, s.adminToken, 'PATCH', '/api/v1/business', { country: 'GB' });
  });
});
