// Helpers for HTTP API tests: a server on a test database (app.inject, no port), businesses, users, logins.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createBusiness, hashPassword } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createLogger } from '../../../bot/logger.ts';
import { createHttpServer } from '../../../bot/http/server.ts';

export const PASSWORD = 'correct-horse-battery';

export async function buildApi(
  db: Database,
  options: { loginAttemptsPerMinute?: number; loginAttemptsPerIpPerMinute?: number } = {},
) {
  return createHttpServer({
    db,
    logger: createLogger('silent'),
    tokenSecret: 'test-secret-test-secret-test-secret-1234',
    loginAttemptsPerMinute: options.loginAttemptsPerMinute ?? 1000,
    loginAttemptsPerIpPerMinute: options.loginAttemptsPerIpPerMinute ?? 1000,
  });
}

let n = 0;

/** A business with an admin and an agent, both logged in. */
export async function businessWithStaff(app: FastifyInstance, db: Database, country = 'GB') {
  const tag = `${Date.now().toString(36)}${++n}`;
  const { business, admin } = await createBusiness(db, {
    name: `Shop ${tag}`,
    country,
    admin: { email: `admin-${tag}@shop.test`, password: PASSWORD, firstName: 'Ada', lastName: 'Admin' },
  });
  const agent = await db.prisma.user.create({
    data: {
      businessId: business.id,
      role: 'agent',
      firstName: 'Alan',
      lastName: 'Agent',
      passwordHash: await hashPassword(PASSWORD),
    },
  });
  await db.prisma.identifier.create({
    data: { businessId: business.id, kind: 'email', value: `agent-${tag}@shop.test`, userId: agent.id },
  });
  const adminToken = await login(app, `admin-${tag}@shop.test`);
  const agentToken = await login(app, `agent-${tag}@shop.test`);
  return { business, admin, agent, adminToken, agentToken, agentEmail: `agent-${tag}@shop.test` };
}

export async function login(app: FastifyInstance, email: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export function call(
  app: FastifyInstance,
  token: string | undefined,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}
