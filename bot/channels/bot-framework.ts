// Bot Framework over HTTP: botbuilder's CloudAdapter behind Fastify at POST /api/messages.
import { createRequire } from 'node:module';
import {
  CloudAdapter,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ActivityHandlerBase,
  type Middleware,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config.ts';
import { checkActivity, watchedTurn } from './activity-check.ts';
import { ReusingBotFrameworkAuthentication } from './connector-clients.ts';
import { sendActivityVia, type ConnectorClientLike } from './connector-send.ts';
import { LOCAL_ONLY_MESSAGE } from './local-only.ts';
import type { LimitHook } from './rate-limits.ts';

export type BotFrameworkConfig = Pick<
  Config,
  'MicrosoftAppId' | 'MicrosoftAppPassword' | 'MicrosoftAppTenantId' | 'MicrosoftAppType'
>;

// botbuilder's own copy of botframework-connector (its dependency, not Baton's): the error class CloudAdapter.process
// answers 401 for
const { AuthenticationError } = createRequire(createRequire(import.meta.url).resolve('botbuilder'))(
  'botframework-connector',
) as typeof import('botframework-connector');

/** How a turn of POST /api/messages ended, for the HTTP answer: what CloudAdapter.process would have answered. */
export interface TurnAnswer {
  status: number;
  /** an invoke response's body, or the reason of a 401/500 */
  body?: unknown;
}

/**
 * botbuilder's CloudAdapter, with one more way in: `processChecked`, for an activity the route has checked already.
 *
 * CloudAdapter.process builds zod schemas (botbuilder's own zod 3) on every request to check the request, the response
 * object, the logic and the body again — ~60 µs of CPU a message here, most of what the adapter costs in a turn.
 * `processChecked` runs what process runs after those checks, from botbuilder's own lower-level API: its
 * validateAndFixActivity (timestamps to Dates), then CloudAdapterBase.processActivity, which authenticates the
 * request (the JWT, when an app id is set), runs the middleware and the turn, and gives the invoke response. Failures
 * answer as process answers them: AuthenticationError 401, anything else 500, with the error's message.
 *
 * Its sends (a turn's replies, the runtime's proactive deliveries and typing indicators) post each activity through
 * the turn's connector client with `sendActivityVia` (connector-send.ts): the same request as botframework-connector's
 * `replyToActivity`/`sendToConversation`, through the same client pipeline, without core-client's operation
 * machinery. The activities botbuilder does not post (delay, invokeResponse, trace) go to CloudAdapter's own.
 */
export class BatonCloudAdapter extends CloudAdapter {
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const connector = context.turnState.get<ConnectorClientLike | undefined>(this.ConnectorClientKey);
    if (!activities.length || typeof connector?.client?.sendRequest !== 'function' || !activities.every(posted))
      return super.sendActivities(context, activities);
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      delete activity.id; // as CloudAdapterBase: the channel gives the id
      responses.push(await sendActivityVia(connector, activity));
    }
    return responses;
  }

  async processChecked(
    activity: Activity,
    authHeader: string,
    logic: (context: TurnContext) => Promise<void>,
    log: FastifyBaseLogger,
  ): Promise<TurnAnswer> {
    try {
      const invoke = await this.processActivity(authHeader, validateAndFixActivity(activity), logic);
      return { status: invoke?.status ?? 200, body: invoke?.body };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (err instanceof AuthenticationError) {
        log.warn({ reason: err.message }, 'Bot Framework request not authenticated');
        return { status: 401, body: err.message };
      }
      log.error({ err }, 'Bot Framework request failed');
      return { status: 500, body: err.message };
    }
  }
}

/** An activity CloudAdapterBase.sendActivities posts to the channel (the others it keeps or drops). */
function posted(activity: Partial<Activity>): boolean {
  return (
    activity.type !== 'delay' &&
    activity.type !== 'invokeResponse' &&
    !(activity.type === 'trace' && activity.channelId !== 'emulator')
  );
}

export interface BotFrameworkAdapter {
  adapter: BatonCloudAdapter;
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
  const adapter = new BatonCloudAdapter(auth);
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

export function registerBotFrameworkRoute(
  app: FastifyInstance,
  options: { adapter: BatonCloudAdapter; bot: Pick<ActivityHandlerBase, 'run'>; onRequest?: LimitHook[] },
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
      const turn = watchedTurn(options.bot, request.log);
      const answer = await options.adapter.processChecked(
        request.body as Activity,
        request.headers.authorization ?? '',
        turn.logic,
        request.log,
      );
      if (turn.outcome.refusal) return reply.code(turn.outcome.refusal.status).send(turn.outcome.refusal.body);
      // as CloudAdapter.process: a body only when there is one
      if (!answer.body) return reply.code(answer.status).send();
      return reply.code(answer.status).send(answer.body);
    },
  );
}
