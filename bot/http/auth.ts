// Authentication for the HTTP API: signed bearer tokens (JWT, HS256) scoped to one user and one business, checked
// against the database on every request (a deactivated user loses access at once; a role change applies at once).
//
// In a route file:   app.get('/things', { preHandler: app.authenticate }, async (req) => authOf(req).businessId)
//                    app.post('/things', { preHandler: app.requireRole('admin') }, …)
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { currentUser, DomainError, type AuthUser } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';

export type Role = AuthUser['role'];
export type AuthContext = AuthUser;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; bid: string };
    user: { sub: string; bid: string };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: requires a valid bearer token; sets request.auth */
    authenticate: preHandlerAsyncHookHandler;
    /** preHandler: requires a valid bearer token of a user with one of these roles */
    requireRole: (...roles: Role[]) => preHandlerAsyncHookHandler;
    /** signs a token for a user (login) */
    issueToken: (user: AuthUser) => { token: string; expiresAt: string };
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

/** The logged-in user of a request that passed `authenticate`/`requireRole`. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new DomainError('UNAUTHENTICATED', 'log in first (Authorization: Bearer <token>)');
  return request.auth;
}

export async function installAuth(app: FastifyInstance, deps: { db: Database; tokenSecret: string }): Promise<void> {
  await app.register(fastifyJwt, {
    secret: deps.tokenSecret,
    sign: { algorithm: 'HS256', expiresIn: TOKEN_LIFETIME_SECONDS },
    verify: { algorithms: ['HS256'] },
  });
  app.decorateRequest('auth', null);

  async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    let claims: { sub: string; bid: string };
    try {
      claims = await request.jwtVerify<{ sub: string; bid: string }>();
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'a valid bearer token is required (POST /api/v1/auth/login)');
    }
    if (typeof claims.sub !== 'string' || typeof claims.bid !== 'string') {
      throw new DomainError('UNAUTHENTICATED', 'a valid bearer token is required (POST /api/v1/auth/login)');
    }
    request.auth = await currentUser(deps.db, claims.sub, claims.bid);
  }

  app.decorate('authenticate', authenticate);
  app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest, reply: FastifyReply) => {
    await authenticate(request, reply);
    if (!roles.includes(authOf(request).role)) {
      throw new DomainError('FORBIDDEN', `this needs the role ${roles.join(' or ')}`);
    }
  });
  app.decorate('issueToken', (user: AuthUser) => {
    const token = app.jwt.sign({ sub: user.userId, bid: user.businessId });
    return { token, expiresAt: new Date(Date.now() + TOKEN_LIFETIME_SECONDS * 1000).toISOString() };
  });
}
