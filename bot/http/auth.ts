// Authentication for the HTTP API: signed bearer tokens (JWT, HS256) scoped to one user and one business, checked
// against the database on every request (a deactivated user loses access at once; a role change applies at once; a
// new password ends every token issued before it).
//
// In a route file:   app.get('/things', { onRequest: app.authenticate }, async (req) => authOf(req).businessId)
//                    app.post('/things', { onRequest: app.requireRole('admin') }, …)
// (onRequest: before the body is parsed and validated, so a request without a token gets 401, not 400;
// preHandler works too.)
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentUser, DomainError, type AuthUser, type LoginUser } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';

export type Role = AuthUser['role'];
export type AuthContext = AuthUser;
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** sub: the user; bid: their business; cred: the stamp of the password the token was issued for */
    payload: { sub: string; bid: string; cred: string };
    user: { sub: string; bid: string; cred: string };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest/preHandler hook: requires a valid bearer token; sets request.auth */
    authenticate: AuthHook;
    /** onRequest/preHandler hook: requires a valid bearer token of a user with one of these roles */
    requireRole: (...roles: Role[]) => AuthHook;
    /** signs a token for a user (login) */
    issueToken: (user: LoginUser) => { token: string; expiresAt: string };
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /** under /api/v1 every route needs a token unless it sets `config: { public: true }` (login, openapi.json) */
    public?: boolean;
  }
}

export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;

/** The logged-in user of a request that passed `authenticate`/`requireRole`. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new DomainError('UNAUTHENTICATED', 'log in first (Authorization: Bearer <token>)');
  return request.auth;
}

/**
 * Secure by default: installed on the /api/v1 scope, it requires a valid token on every route before the body is
 * parsed (so no token → 401, never 400), except routes with `config: { public: true }`.
 */
export function requireTokenByDefault(api: FastifyInstance): void {
  api.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    await api.authenticate(request, reply);
  });
}

export async function installAuth(app: FastifyInstance, deps: { db: Database; tokenSecret: string }): Promise<void> {
  await app.register(fastifyJwt, {
    secret: deps.tokenSecret,
    sign: { algorithm: 'HS256', expiresIn: TOKEN_LIFETIME_SECONDS },
    verify: { algorithms: ['HS256'] },
  });
  app.decorateRequest('auth', null);

  async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (request.auth) return; // already checked by the /api/v1 guard
    let claims: { sub: unknown; bid: unknown; cred: unknown };
    try {
      claims = await request.jwtVerify<{ sub: unknown; bid: unknown; cred: unknown }>();
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'a valid bearer token is required (POST /api/v1/auth/login)');
    }
    if (typeof claims.sub !== 'string' || typeof claims.bid !== 'string' || typeof claims.cred !== 'string') {
      throw new DomainError('UNAUTHENTICATED', 'a valid bearer token is required (POST /api/v1/auth/login)');
    }
    request.auth = await currentUser(deps.db, claims.sub, claims.bid, claims.cred);
  }

  app.decorate('authenticate', authenticate);
  app.decorate('requireRole', (...roles: Role[]) => async (request: FastifyRequest, reply: FastifyReply) => {
    await authenticate(request, reply);
    if (!roles.includes(authOf(request).role)) {
      throw new DomainError('FORBIDDEN', `this needs the role ${roles.join(' or ')}`);
    }
  });
  app.decorate('issueToken', (user: LoginUser) => {
    const token = app.jwt.sign({ sub: user.userId, bid: user.businessId, cred: user.credential });
    return { token, expiresAt: new Date(Date.now() + TOKEN_LIFETIME_SECONDS * 1000).toISOString() };
  });
}
