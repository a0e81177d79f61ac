import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { buildApi, businessWithStaff, call, PASSWORD } from './api.ts';

describe(`login and tokens on ${testDbKind()}`, () => {
  let db: Database;
  let app: FastifyInstance;
  let staff: Awaited<ReturnType<typeof businessWithStaff>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await buildApi(db);
    staff = await businessWithStaff(app, db);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('logs in with email and password and returns a token scoped to the user and business', async () => {
    const res = await call(app, undefined, 'POST', '/api/v1/auth/login', {
      email: ` ${staff.agentEmail.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: staff.agent.id, businessId: staff.business.id, role: 'agent' } });
  });

  it('refuses a wrong password and an unknown email with the same 401', async () => {
    const wrong = await call(app, undefined, 'POST', '/api/v1/auth/login', {
      email: staff.agentEmail,
      password: 'nope-nope-nope',
    });
    const unknown = await call(app, undefined, 'POST', '/api/v1/auth/login', {
      email: 'who@nowhere.test',
      password: 'nope-nope-nope',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('answers 400 VALIDATION_FAILED naming the field for a bad body', async () => {
    const res = await call(app, undefined, 'POST', '/api/v1/auth/login', { email: staff.agentEmail });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'password' } });
  });

  it('rejects missing, malformed and forged tokens', async () => {
    expect((await call(app, undefined, 'GET', '/api/v1/business')).json()).toMatchObject({
      error: { code: 'UNAUTHENTICATED' },
    });
    expect((await call(app, 'garbage', 'GET', '/api/v1/business')).statusCode).toBe(401);
    const [h, , s] = staff.agentToken.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: staff.admin.id, bid: staff.business.id })).toString('base64url')}.${s}`;
    expect((await call(app, forged, 'GET', '/api/v1/business')).statusCode).toBe(401);
  });

  it('a deactivated user loses access at once', async () => {
    const token = staff.agentToken;
    expect((await call(app, token, 'GET', '/api/v1/business')).statusCode).toBe(200);
    await db.prisma.user.update({ where: { id: staff.agent.id }, data: { active: false } });
    expect((await call(app, token, 'GET', '/api/v1/business')).statusCode).toBe(401);
    await db.prisma.user.update({ where: { id: staff.agent.id }, data: { active: true } });
  });

  it('a new password ends every token issued before it; a login with the new one works', async () => {
    const login = async (password: string) =>
      call(app, undefined, 'POST', '/api/v1/auth/login', { email: staff.agentEmail, password });
    const before = (await login(PASSWORD)).json<{ token: string }>().token;
    expect((await call(app, before, 'GET', '/api/v1/business')).statusCode).toBe(200);

    const changed = await call(app, staff.adminToken, 'PATCH', `/api/v1/users/${staff.agent.id}`, {
      password: 'a-brand-new-password',
    });
    expect(changed.statusCode).toBe(200);
    const refused = await call(app, before, 'GET', '/api/v1/business');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await call(app, staff.agentToken, 'GET', '/api/v1/business')).statusCode).toBe(401);
    // Other users' tokens are untouched.
    expect((await call(app, staff.adminToken, 'GET', '/api/v1/business')).statusCode).toBe(200);

    const after = await login('a-brand-new-password');
    expect(after.statusCode).toBe(200);
    expect((await call(app, after.json<{ token: string }>().token, 'GET', '/api/v1/business')).statusCode).toBe(200);

    // Back to the shared password for the other tests; the fresh token of the step above ends with it.
    await call(app, staff.adminToken, 'PATCH', `/api/v1/users/${staff.agent.id}`, { password: PASSWORD });
    staff.agentToken = (await login(PASSWORD)).json<{ token: string }>().token;
  });

  it('rate-limits login attempts per email', async () => {
    const limited = await buildApi(db, { loginAttemptsPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await call(limited, undefined, 'POST', '/api/v1/auth/login', {
          email: staff.agentEmail,
          password: 'wrong-wrong',
        });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const res = await call(limited, undefined, 'POST', '/api/v1/auth/login', {
        email: staff.agentEmail,
        password: 'wrong-wrong',
      });
      expect(res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    } finally {
      await limited.close();
    }
  });

  it('rate-limits login attempts per client address whatever the email (password spraying)', async () => {
    const limited = await buildApi(db, { loginAttemptsPerMinute: 3, loginAttemptsPerIpPerMinute: 4 });
    try {
      const statuses: number[] = [];
      // One password tried on a new email each time: the per-email limit never trips, the per-address one does.
      for (let i = 0; i < 6; i++) {
        const res = await call(limited, undefined, 'POST', '/api/v1/auth/login', {
          email: `sprayed-${i}@shop.test`,
          password: 'Summer2026!',
        });
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      // The right password from that address waits too.
      const res = await call(limited, undefined, 'POST', '/api/v1/auth/login', {
        email: staff.agentEmail,
        password: PASSWORD,
      });
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/address/) } });
    } finally {
      await limited.close();
    }
  });
});
