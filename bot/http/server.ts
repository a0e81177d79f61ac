// The HTTP server: Fastify, JSON, one error shape ({"error":{"code","message","field"?}}, bot/http/errors.ts).
//
// HOW TO ADD YOUR ROUTES (one line each):
//   1. Write `bot/http/<topic>.ts` exporting `export const <topic>Routes: RouteModule = async (app, deps) => { … }`.
//   2. Add it to API_ROUTES below (mounted under /api/v1, zod schemas, listed in /api/v1/openapi.json) or to
//      ROOT_ROUTES (mounted at /, not in the OpenAPI document: /api/messages, webchat pages).
//   In API_ROUTES, declare schemas with zod (`schema: { body: z.object(…), params: …, querystring: … }`): they are
//   validated (bad input → 400 VALIDATION_FAILED naming the field) and documented. Every /api/v1 route needs a
//   valid token unless it sets `config: { public: true }`; restrict by role with `onRequest: app.requireRole('admin')`,
//   then read `authOf(request)` → { userId, businessId, role } (bot/http/auth.ts). Throw DomainError for refusals; an id
//   of another business must answer 404 NOT_FOUND. Extra dependencies your routes need go into HttpDeps (optional).
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import { redactText } from '../redact.ts';
import type { ConversationRuntime } from '../../workflows/index.ts';
import { consoleRoutes } from '../console/index.ts';
import { installAuth, requireTokenByDefault } from './auth.ts';
import { channelRoutes, type ChannelRouteDeps } from './channel-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { businessRoutes } from './business.ts';
import { broadcastRoutes } from './broadcasts.ts';
import { channelApiRoutes } from './channels.ts';
import { contactRoutes } from './contacts.ts';
import { conversationRoutes } from './conversations.ts';
import { acceptEmptyBodies } from './empty-bodies.ts';
import { exportRoutes } from './export.ts';
import { importRoutes } from './imports.ts';
import { frameworkErrors, installErrorHandling } from './errors.ts';
import { openApiRoutes } from './openapi.ts';
import { tagRoutes } from './tags.ts';
import { guardText } from './text-guard.ts';
import { userRoutes } from './users.ts';

export interface HttpDeps {
  db: Database;
  logger: Logger;
  /** the conversation runtime behind /api/v1/conversations (claim, reply, close, live stream) */
  conversations?: ConversationRuntime | undefined;
  /** HMAC secret of the API's bearer tokens (BATON_TOKEN_SECRET); unset → random per process */
  tokenSecret?: string | undefined;
  /** login attempts per email and client address per minute (default 10) */
  loginAttemptsPerMinute?: number | undefined;
  /** login attempts per client address per minute, whatever the email (default 30): against password spraying */
  loginAttemptsPerIpPerMinute?: number | undefined;
  /** the customer channels (Bot Framework, webchat, WhatsApp), mounted at / by bot/channels */
  channels?: ChannelRouteDeps['channels'];
  /** where uploaded CSV imports are kept while their job lives (default: the OS temp dir) */
  importDir?: string | undefined;
  /** largest CSV upload in bytes (BATON_IMPORT_MAX_MB; default 100 MB) */
  importMaxBytes?: number | undefined;
}

/** The Fastify instance a route module gets under /api/v1: zod schemas type `request.body/params/query`. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type RouteModule = (app: ApiApp, deps: HttpDeps) => Promise<void>;
export type RootRouteModule = (app: FastifyInstance, deps: HttpDeps) => Promise<void>;

/** Mounted under /api/v1, zod-validated, documented in /api/v1/openapi.json. */
const API_ROUTES: RouteModule[] = [
  authRoutes,
  businessRoutes,
  broadcastRoutes,
  channelApiRoutes,
  exportRoutes,
  contactRoutes,
  conversationRoutes,
  importRoutes,
  tagRoutes,
  userRoutes,
  openApiRoutes,
];

/** Mounted at /, outside the documented API. */
const ROOT_ROUTES: RootRouteModule[] = [channelRoutes, consoleRoutes];

export const API_PREFIX = '/api/v1';

function logUrl(req: { method?: string; url?: string }) {
  let url = req.url ?? '';
  try {
    url = decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    url = url.split('?')[0] ?? '';
  }
  return { method: req.method, url: redactText(url) };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** every route under /api/v1 (method, url) */
    apiRoutes: { method: string; url: string }[];
  }
}

/**
 * Fastify as Baton's server runs it, before any route: its request logging (URLs masked), the error shape, lenient
 * empty bodies. The messages benchmark's channel run serves /api/messages on the same.
 */
export function createFastify(baseLogger: Logger): FastifyInstance {
  // Request URLs are logged decoded, then masked: "?search=%2B447911000123" must not slip past the masking.
  const logger = baseLogger.child(
    {},
    { serializers: { req: (req: { method?: string; url?: string }) => logUrl(req) } },
  );
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, frameworkErrors });
  installErrorHandling(app);
  acceptEmptyBodies(app);
  return app;
}

export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = createFastify(deps.logger);

  let tokenSecret = deps.tokenSecret;
  if (!tokenSecret) {
    const { randomBytes } = await import('node:crypto');
    tokenSecret = randomBytes(32).toString('base64url');
    deps.logger.warn('BATON_TOKEN_SECRET is unset: API tokens are signed with a random key and end at restart');
  }
  await installAuth(app, { db: deps.db, tokenSecret });

  // Every /api/v1 route, as registered: the OpenAPI test checks the document lists them all.
  const apiRoutes: { method: string; url: string }[] = [];
  app.decorate('apiRoutes', apiRoutes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') apiRoutes.push({ method, url: route.url });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Baton API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Only /api/v1 belongs in the document; channel endpoints are hidden.
    transform: (doc) =>
      doc.url.startsWith(API_PREFIX) ? jsonSchemaTransform(doc) : { schema: { hide: true }, url: doc.url },
  });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    await deps.db.query('select 1');
    return reply.send({ status: 'ok', database: deps.db.kind });
  });

  await app.register(
    async (api) => {
      api.setValidatorCompiler(guardText(validatorCompiler));
      api.setSerializerCompiler(serializerCompiler);
      requireTokenByDefault(api);
      // Each module in its own scope: its hooks and plugins stay its own.
      for (const routes of API_ROUTES) {
        await api.register(async (scope) => routes(scope.withTypeProvider<ZodTypeProvider>(), deps));
      }
    },
    { prefix: API_PREFIX },
  );
  for (const routes of ROOT_ROUTES) await app.register(async (scope) => routes(scope, deps));

  return app;
}
