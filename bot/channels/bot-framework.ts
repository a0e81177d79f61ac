// Bot Framework over HTTP: botbuilder's CloudAdapter behind Fastify at POST /api/messages.
import {
  CloudAdapter,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ActivityHandlerBase,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.ts';
import { checkActivity, watchedTurn } from './activity-check.ts';
import { ReusingBotFrameworkAuthentication } from './connector-clients.ts';
import { LOCAL_ONLY_MESSAGE } from './local-only.ts';
import type { LimitHook } from './rate-limits.ts';

export type BotFrameworkConfig = Pick<
  Config,
  'MicrosoftAppId' | 'MicrosoftAppPassword' | 'MicrosoftAppTenantId' | 'MicrosoftAppType'
>;

export interface BotFrameworkAdapter {
  adapter: CloudAdapter;
  /** '' in local-only mode */
  appId: string;
  /** true when requests are not authenticated (no MicrosoftAppId) */
  localOnly: boolean;
}

/** Checks the credential combination; throws ConfigError naming the variable. */
export function checkBotFrameworkConfig(config: BotFrameworkConfig): void {
  const problems: { variable: string; message: string }[] = [];
  const anySet = config.MicrosoftAppPassword || config.MicrosoftAppTenantId;
  if (!config.MicrosoftAppId && anySet)
    problems.push({
      variable: 'MicrosoftAppId',
      message: 'is required when MicrosoftAppPassword or MicrosoftAppTenantId is set',
    });
  if (config.MicrosoftAppId && config.MicrosoftAppType !== 'UserAssignedMSI' && !config.MicrosoftAppPassword)
    problems.push({
      variable: 'MicrosoftAppPassword',
      message: `is required with MicrosoftAppType ${config.MicrosoftAppType}`,
    });
  if (config.MicrosoftAppId && config.MicrosoftAppType !== 'MultiTenant' && !config.MicrosoftAppTenantId)
    problems.push({
      variable: 'MicrosoftAppTenantId',
      message: `is required with MicrosoftAppType ${config.MicrosoftAppType}`,
    });
  if (problems.length) throw new ConfigError(problems);
}

export function createBotFrameworkAdapter(config: BotFrameworkConfig, logger: Logger): BotFrameworkAdapter {
  checkBotFrameworkConfig(config);
  const settings = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  // one connector client per service URL, kept (connector-clients.ts), not one per turn and per send
  const auth = new ReusingBotFrameworkAuthentication(settings, credentials);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error(
      { err: error, channel: context.activity.channelId, activityType: context.activity.type },
      'bot turn failed',
    );
  };
  const localOnly = !config.MicrosoftAppId;
  if (localOnly) logger.warn(`Bot Framework: ${LOCAL_ONLY_MESSAGE}`);
  return { adapter, appId: settings.MicrosoftAppId, localOnly };
}

/** Adds middleware to the adapter (for example BatonMiddleware, or the developer's own). */
export function useMiddleware(adapter: CloudAdapter, ...middleware: Middleware[]): void {
  for (const m of middleware) adapter.use(m);
}

/**
 * The Express-like request/response pair CloudAdapter.process expects, over Fastify's (already JSON-parsed) request.
 * The response is collected and sent by Fastify once the turn is over.
 */
function shim(request: FastifyRequest) {
  const out: { status: number; body: unknown } = { status: 200, body: undefined };
  const req = {
    body: (request.body ?? undefined) as Record<string, unknown> | undefined,
    headers: request.headers as Record<string, string | string[] | undefined>,
    method: request.method,
  };
  const res = {
    socket: request.raw.socket,
    status(code: number) {
      out.status = code;
      return res;
    },
    header() {
      return res;
    },
    send(body: unknown) {
      out.body = body;
      return res;
    },
    end() {
      return res;
    },
  };
  return { req, res, out };
}

export function registerBotFrameworkRoute(
  app: FastifyInstance,
  options: { adapter: CloudAdapter; bot: Pick<ActivityHandlerBase, 'run'>; onRequest?: LimitHook[] },
): void {
  app.post(
    '/api/messages',
    { onRequest: options.onRequest ?? [] },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const refused = checkActivity(request.body);
      if (refused) {
        request.log.warn({ reason: refused.body.error.message }, 'activity refused');
        return reply.code(refused.status).send(refused.body);
      }
      const { req, res, out } = shim(request);
      const turn = watchedTurn(options.bot, request.log);
      await options.adapter.process(req, res, turn.logic);
      if (turn.outcome.refusal) return reply.code(turn.outcome.refusal.status).send(turn.outcome.refusal.body);
      if (out.body === undefined) return reply.code(out.status).send();
      return reply.code(out.status).send(out.body as Activity);
    },
  );
}
