// Baton's own Direct Line 3.0 server for the website webchat: the routes Microsoft's botframework-directlinejs
// calls (start, reconnect, post, poll, WebSocket stream, token refresh), rate-limited per IP and per visitor.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Activity, TurnContext } from 'botbuilder';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { noControlCharacters } from '../../../contacts/index.ts';
import { MAX_TEXT } from '../inbound-from-activity.ts';
import type { BusinessResolver } from '../ports.ts';
import { enableRateLimits, limiter, type LimitOptions } from '../rate-limits.ts';
import { BOT_ACCOUNT } from '../local-channels.ts';
import { DIRECT_LINE_SERVICE_URL, type DirectLineAdapter } from './adapter.ts';
import type { FeedConversationInfo, FeedStore } from './feed-store.ts';
import { bearer, RESUME_WITHIN_SECONDS, TOKEN_TTL_SECONDS, type TokenClaims, type TokenSigner } from './tokens.ts';

export const DIRECT_LINE_PREFIX = '/v3/directline';

export interface DirectLineLimits {
  messagesPerMinute: number;
  conversationsPerHour: number;
  requestsPerMinute: number;
}

export interface DirectLineServerOptions {
  feed: FeedStore;
  adapter: DirectLineAdapter;
  signer: TokenSigner;
  bot: { run(context: TurnContext): Promise<void> };
  resolveBusiness: BusinessResolver;
  limits: DirectLineLimits;
  logger: Logger;
}

const generateBody = z
  .object({
    business: z.string().trim().min(1).max(100).optional(),
    user: z
      .object({ id: z.string().max(128).optional(), name: z.string().max(100).optional() })
      .loose()
      .optional(),
  })
  .loose();

const postedActivity = z
  .object({
    type: z.string().min(1, 'type is required').max(64),
    text: z
      .string()
      .max(MAX_TEXT * 2, `text must be at most ${MAX_TEXT * 2} characters`)
      .check(noControlCharacters('multiline'))
      .optional(),
    locale: z.string().max(35).optional(),
    from: z
      .object({ name: z.string().max(100).check(noControlCharacters('line')).optional() })
      .loose()
      .optional(),
    channelData: z
      .object({ clientActivityID: z.string().max(128).optional() })
      .loose()
      .optional(),
    attachments: z.array(z.unknown()).max(10).optional(),
  })
  .loose();

type Reply = FastifyReply;

function fail(reply: Reply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

function streamUrl(request: FastifyRequest, claims: TokenClaims, token: string): string {
  const scheme = request.protocol === 'https' ? 'wss' : 'ws';
  return `${scheme}://${request.host}${DIRECT_LINE_PREFIX}/conversations/${encodeURIComponent(claims.c)}/stream?t=${encodeURIComponent(token)}`;
}

export async function registerDirectLine(app: FastifyInstance, options: DirectLineServerOptions): Promise<void> {
  const { feed, adapter, signer, logger } = options;
  const turns = new Map<string, Promise<void>>();

  /** Runs a visitor's turns one after another per conversation, in the background of the HTTP reply. */
  function runTurn(conversation: FeedConversationInfo, activity: Partial<Activity>) {
    const previous = turns.get(conversation.id) ?? Promise.resolve();
    const next = previous
      .then(() => adapter.processActivity(activity, conversation.businessId, (ctx) => options.bot.run(ctx)))
      .catch((err: unknown) => logger.error({ err, conversation: conversation.id }, 'webchat turn failed'))
      .finally(() => {
        if (turns.get(conversation.id) === next) turns.delete(conversation.id);
      });
    turns.set(conversation.id, next);
  }

  /** The token's conversation; `restore` recreates its feed when it was forgotten (a write: posts and starts only). */
  async function authorize(request: FastifyRequest, reply: Reply, conversationId?: string, restore = false) {
    const token = bearer(request.headers.authorization);
    const claims = signer.verify(token);
    if (!token || !claims) {
      void fail(reply, 403, 'UNAUTHENTICATED', 'the Direct Line token is missing, invalid or expired');
      return null;
    }
    if (conversationId !== undefined && claims.c !== conversationId) {
      void fail(reply, 403, 'FORBIDDEN', 'the token belongs to another conversation');
      return null;
    }
    const conversation = restore
      ? await feed.restore(claims.c, claims.b, claims.u)
      : { id: claims.c, businessId: claims.b, userId: claims.u };
    return { token, claims, conversation };
  }

  await app.register(async (scope) => {
    await enableRateLimits(scope);
    // CORS: the widget runs on the business's own site and sends the token in a header (no cookies), so any origin.
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      reply.header('access-control-allow-headers', 'authorization, content-type, x-ms-bot-agent, x-requested-with');
      reply.header('access-control-max-age', '600');
    });
    scope.options(`${DIRECT_LINE_PREFIX}/*`, async (_request, reply) => reply.code(204).send());
    const limit = (opts: LimitOptions) => limiter(scope, opts, logger);
    const perIp = limit({ max: options.limits.requestsPerMinute, timeWindow: 60_000 });
    const newConversationsPerIp = limit({ max: options.limits.conversationsPerHour, timeWindow: 3600_000 });
    const messagesPerVisitor = limit({
      max: options.limits.messagesPerMinute,
      timeWindow: 60_000,
      keyGenerator: (req) => signer.verify(bearer(req.headers.authorization))?.c ?? req.ip,
    });

    async function startConversation(
      request: FastifyRequest,
      reply: Reply,
      slug: string | undefined,
      user?: { id?: string | undefined },
    ) {
      let business;
      try {
        business = await options.resolveBusiness(slug);
      } catch {
        // Answered here; null, not the reply: a reply is thenable, and awaiting it gives undefined.
        void fail(reply, 404, 'NOT_FOUND', `no business "${slug ?? ''}"`);
        return null;
      }
      const userId = user?.id && /^[\w-]{1,64}$/.test(user.id) ? `dl_${user.id}` : `dl_${crypto.randomUUID()}`;
      const conversation = await feed.create(business.id, userId);
      const claims = { c: conversation.id, u: userId, b: business.id };
      const token = signer.sign(claims);
      logger.info({ conversation: conversation.id, business: business.slug }, 'webchat conversation started');
      return { conversation, token, claims: { ...claims, exp: 0 }, request };
    }

    // Token for a new conversation (what a page fetches before starting web chat). Public, rate-limited per IP.
    scope.post(
      `${DIRECT_LINE_PREFIX}/tokens/generate`,
      { onRequest: [perIp, newConversationsPerIp], bodyLimit: 4096 },
      async (request, reply) => {
        const body = generateBody.safeParse(request.body ?? {});
        if (!body.success)
          return fail(reply, 400, 'VALIDATION_FAILED', body.error.issues[0]?.message ?? 'invalid body');
        const started = await startConversation(request, reply, body.data.business, body.data.user);
        if (!started) return reply;
        return reply.send({
          conversationId: started.conversation.id,
          token: started.token,
          expires_in: TOKEN_TTL_SECONDS,
          userId: started.conversation.userId,
        });
      },
    );

    // Start: with a token from tokens/generate, its conversation; with none, a new one in the default business.
    scope.post(
      `${DIRECT_LINE_PREFIX}/conversations`,
      { onRequest: [perIp], bodyLimit: 4096 },
      async (request, reply) => {
        const token = bearer(request.headers.authorization);
        if (token) {
          const auth = await authorize(request, reply, undefined, true);
          if (!auth) return reply;
          return reply.code(201).send({
            conversationId: auth.claims.c,
            token: auth.token,
            expires_in: TOKEN_TTL_SECONDS,
            streamUrl: streamUrl(request, auth.claims, auth.token),
          });
        }
        await newConversationsPerIp.call(scope, request, reply);
        if (reply.sent) return reply;
        const user = (request.body as { user?: { id?: string } } | undefined)?.user;
        const started = await startConversation(
          request,
          reply,
          undefined,
          typeof user?.id === 'string' ? { id: user.id } : undefined,
        );
        if (!started) return reply;
        return reply.code(201).send({
          conversationId: started.conversation.id,
          token: started.token,
          expires_in: TOKEN_TTL_SECONDS,
          streamUrl: streamUrl(request, started.claims, started.token),
        });
      },
    );

    // Reconnect (also how a visitor resumes a conversation after a reload).
    scope.get<{ Params: { id: string } }>(
      `${DIRECT_LINE_PREFIX}/conversations/:id`,
      { onRequest: [perIp] },
      async (request, reply) => {
        const auth = await authorize(request, reply, request.params.id, true);
        if (!auth) return reply;
        return reply.send({
          conversationId: auth.claims.c,
          token: auth.token,
          expires_in: TOKEN_TTL_SECONDS,
          streamUrl: streamUrl(request, auth.claims, auth.token),
        });
      },
    );

    scope.post(`${DIRECT_LINE_PREFIX}/tokens/refresh`, { onRequest: [perIp] }, async (request, reply) => {
      const auth = await authorize(request, reply);
      if (!auth) return reply;
      const token = signer.sign({ c: auth.claims.c, u: auth.claims.u, b: auth.claims.b });
      return reply.send({ conversationId: auth.claims.c, token, expires_in: TOKEN_TTL_SECONDS });
    });

    // Baton's own: a returning visitor whose token expired (away longer than an hour) resumes the same conversation
    // — the same contact, the chat going on — with the token it kept, if it expired within RESUME_WITHIN_SECONDS.
    scope.post(`${DIRECT_LINE_PREFIX}/tokens/resume`, { onRequest: [perIp] }, async (request, reply) => {
      const claims = signer.verify(bearer(request.headers.authorization), undefined, RESUME_WITHIN_SECONDS);
      if (!claims) return fail(reply, 403, 'UNAUTHENTICATED', 'the Direct Line token is missing, invalid or too old');
      const conversation = await feed.restore(claims.c, claims.b, claims.u);
      const token = signer.sign({ c: conversation.id, u: conversation.userId, b: conversation.businessId });
      logger.info({ conversation: conversation.id }, 'webchat conversation resumed');
      return reply.send({
        conversationId: conversation.id,
        token,
        expires_in: TOKEN_TTL_SECONDS,
        userId: conversation.userId,
      });
    });

    scope.get<{ Params: { id: string }; Querystring: { watermark?: string } }>(
      `${DIRECT_LINE_PREFIX}/conversations/:id/activities`,
      { onRequest: [perIp] },
      async (request, reply) => {
        const auth = await authorize(request, reply, request.params.id);
        if (!auth) return reply;
        return reply.send(await feed.since(auth.conversation.id, request.query.watermark));
      },
    );

    scope.post<{ Params: { id: string } }>(
      `${DIRECT_LINE_PREFIX}/conversations/:id/activities`,
      { onRequest: [perIp, messagesPerVisitor], bodyLimit: 65_536 },
      async (request, reply) => {
        const auth = await authorize(request, reply, request.params.id);
        if (!auth) return reply;
        const parsed = postedActivity.safeParse(request.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return fail(
            reply,
            400,
            'VALIDATION_FAILED',
            `${issue?.path.join('.') || 'activity'}: ${issue?.message ?? 'invalid'}`,
          );
        }
        const posted = parsed.data;
        const { conversation } = auth;
        if (posted.type !== 'message') return reply.send({ id: `${conversation.id}|ignored` }); // typing, events
        const activity: Partial<Activity> = {
          type: 'message',
          text: posted.text ?? '',
          textFormat: 'plain',
          locale: posted.locale,
          channelId: 'webchat',
          serviceUrl: DIRECT_LINE_SERVICE_URL,
          conversation: { id: conversation.id } as Activity['conversation'],
          from: { id: conversation.userId, name: posted.from?.name ?? '', role: 'user' },
          recipient: { ...BOT_ACCOUNT },
          attachments: posted.attachments?.length
            ? [{ contentType: 'application/octet-stream', name: 'attachment' }]
            : [],
          channelData: { clientActivityID: posted.channelData?.clientActivityID },
        };
        // The visitor's own activity goes into the feed: webchat marks a message as sent only when it comes back.
        // A forgotten feed (idle sweep, a restart of the embedded database's process) is recreated from the token.
        let id = await feed.append(conversation.id, activity);
        if (id === undefined) {
          await feed.restore(conversation.id, conversation.businessId, conversation.userId);
          id = await feed.append(conversation.id, activity);
        }
        if (id === undefined) return fail(reply, 404, 'NOT_FOUND', 'the conversation is gone');
        runTurn(conversation, { ...activity, id, timestamp: new Date() });
        return reply.send({ id });
      },
    );

    scope.post(`${DIRECT_LINE_PREFIX}/conversations/:id/upload`, { onRequest: [perIp] }, async (_request, reply) =>
      fail(reply, 415, 'VALIDATION_FAILED', 'file uploads are not supported in this webchat'),
    );
  });

  attachStream(app, options, logger);
}

/** WebSocket stream: `…/conversations/:id/stream?t=<token>&watermark=`; each frame is `{activities, watermark}`. */
function attachStream(app: FastifyInstance, options: DirectLineServerOptions, logger: Logger) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const pattern = new RegExp(`^${DIRECT_LINE_PREFIX}/conversations/([^/]+)/stream$`);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = pattern.exec(url.pathname);
    if (!match) {
      if (app.server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    const claims = options.signer.verify(url.searchParams.get('t') ?? undefined);
    if (!claims || claims.c !== decodeURIComponent(match[1] ?? '')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('message', () => {}); // the client's "" keep-alive
      ws.on('error', (err) => logger.debug({ err }, 'webchat socket error'));
      let unlisten: (() => void) | undefined;
      let closed = false;
      ws.on('close', () => {
        closed = true;
        unlisten?.();
      });
      void options.feed
        .restore(claims.c, claims.b, claims.u)
        .then((conversation) => {
          if (closed) return;
          // the backlog after the client's watermark, then each new activity, appended on any instance
          unlisten = options.feed.listen(conversation.id, url.searchParams.get('watermark') ?? undefined, (batch) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(batch));
          });
        })
        .catch((err: unknown) => {
          logger.warn({ err }, 'webchat stream failed to open');
          ws.close(1011);
        });
    });
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
