// POST /api/v1/auth/login: email + password → a bearer token for that user in their business. Rate-limited.
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkLogin, DomainError } from '../../contacts/index.ts';
import type { RouteModule } from './server.ts';

export const loginBody = z.object({
  email: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(1000),
  /** only needed when the email logs in to several businesses */
  businessId: z.uuid().optional(),
});

export const tokenResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ id: z.string(), businessId: z.string(), role: z.enum(['admin', 'agent']) }),
});

export const authRoutes: RouteModule = async (app, deps) => {
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler', // after the body is parsed: the key includes the email
    errorResponseBuilder: (_req, ctx) =>
      new DomainError('RATE_LIMITED', `too many login attempts: try again in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  // Password spraying (one password tried on many emails) passes the per-email limit: every address, whatever email.
  const perAddress = app.createRateLimit({
    max: deps.loginAttemptsPerIpPerMinute ?? 30,
    timeWindow: 60_000,
    keyGenerator: (req) => `login-ip|${req.ip}`,
  });
  const limitPerAddress = async (request: FastifyRequest) => {
    const result = await perAddress(request);
    if (!result.isAllowed && result.isExceeded)
      throw new DomainError(
        'RATE_LIMITED',
        `too many login attempts from this address: try again in ${result.ttlInSeconds} s`,
      );
  };
  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in',
        description:
          'Rate-limited: 10 attempts a minute per client address and email, and 30 a minute per client address ' +
          'whatever the email (429 RATE_LIMITED).',
        security: [],
        body: loginBody,
        response: { 200: tokenResponse },
      },
      preHandler: limitPerAddress,
      config: {
        public: true,
        rateLimit: {
          max: deps.loginAttemptsPerMinute ?? 10,
          timeWindow: 60_000,
          // per client address and email: one attacker cannot lock every account, nor try one account forever
          keyGenerator: (req) =>
            `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '')
              .trim()
              .toLowerCase()}`,
        },
      },
    },
    async (request) => {
      const user = await checkLogin(deps.db, request.body);
      const { token, expiresAt } = app.issueToken(user);
      return { token, expiresAt, user: { id: user.userId, businessId: user.businessId, role: user.role } };
    },
  );
};
