// Composition of the channels: one BatonBot behind three adapters (Bot Framework's CloudAdapter, Baton's Direct
// Line server for the webchat, WhatsApp), one gateway that sends the runtime's messages back the way they came.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { Config } from '../config.ts';
import { registerWebchatRoutes } from '../webchat/index.ts';
import type { BroadcastChannels } from '../../workflows/index.ts';
import { BatonBot } from './baton-bot.ts';
import { createBroadcastChannels } from './broadcast-channels.ts';
import { createBotFrameworkAdapter, registerBotFrameworkRoute, type BotFrameworkAdapter } from './bot-framework.ts';
import {
  DirectLineAdapter,
  MemoryFeedStore,
  registerDirectLine,
  SharedFeedStore,
  TokenSigner,
  type FeedStore,
} from './directline/index.ts';
import { createChannelGateway } from './gateway.ts';
import { refuseNonLocal } from './local-only.ts';
import { LocalAdapters, type LocalChannel } from './local-channels.ts';
import type { BusinessResolver, ChannelGateway, ConversationPort } from './ports.ts';
import { enableRateLimits, limiter } from './rate-limits.ts';
import {
  ChannelLease,
  clearWebJsSession,
  createSendQueue,
  createWebJsClient,
  printQrInTerminal,
  readSharedStatus,
  registerWhatsAppStatusRoute,
  WhatsAppAdapter,
  WhatsAppConnection,
  type SendQueue,
  type WhatsAppClientLike,
  type WhatsAppStatus,
} from './whatsapp/index.ts';

export type ChannelsConfig = Pick<
  Config,
  | 'MicrosoftAppId'
  | 'MicrosoftAppPassword'
  | 'MicrosoftAppTenantId'
  | 'MicrosoftAppType'
  | 'BATON_WHATSAPP'
  | 'BATON_CHROMIUM_PATH'
  | 'BATON_DATA_DIR'
  | 'BATON_WHATSAPP_SENDS_PER_MINUTE'
  | 'BATON_WEBCHAT_MESSAGES_PER_MINUTE'
  | 'BATON_WEBCHAT_CONVERSATIONS_PER_HOUR'
  | 'BATON_PUBLIC_REQUESTS_PER_MINUTE'
  | 'BATON_TOKEN_SECRET'
>;

export interface ChannelsOptions {
  config: ChannelsConfig;
  logger: Logger;
  /** the conversation runtime */
  conversations: ConversationPort;
  resolveBusiness: BusinessResolver;
  /** replaces the real whatsapp-web.js client (tests) */
  createWhatsAppClient?: () => WhatsAppClientLike;
  /** prints the pairing QR (default: in the terminal) */
  printQr?: (qr: string) => void;
  /**
   * The database, for what several instances share: on PostgreSQL the webchat feeds (any instance serves any
   * visitor) and WhatsApp's lease (one instance runs it). Without it (or on the embedded database), in memory.
   */
  db?: Database;
  /** this instance (host:pid), WhatsApp's lease holder name */
  instanceId?: string;
  /** a lease holder known to be gone (a process of this host that no longer runs) */
  isGone?: (instanceId: string) => boolean;
}

export interface Channels {
  bot: BatonBot;
  botFramework: BotFrameworkAdapter;
  directLine: { adapter: DirectLineAdapter; feed: FeedStore };
  whatsapp:
    { adapter: WhatsAppAdapter; connection: WhatsAppConnection; queue: SendQueue; lease: ChannelLease } | undefined;
  gateway: ChannelGateway;
  /** how broadcasts reach customers from this instance */
  broadcastChannels: BroadcastChannels;
  whatsAppStatus(): WhatsAppStatus;
  /** Adds the channel routes. `authorizeAdmin` guards GET /api/v1/channels/whatsapp. */
  register(app: FastifyInstance, options: { authorizeAdmin: preHandlerAsyncHookHandler }): Promise<void>;
  /**
   * Listens for webchat activities of other instances (PostgreSQL), and starts WhatsApp (when enabled) in the
   * background once this instance holds its lease.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createChannels(options: ChannelsOptions): Channels {
  const { config, logger } = options;
  const log = logger.child({ module: 'channels' });
  const defaultBusinessId = async () => (await options.resolveBusiness()).id;
  const bot = new BatonBot({ conversations: options.conversations, defaultBusinessId, logger: log });

  const botFramework = createBotFrameworkAdapter(config, log);
  const feed: FeedStore =
    options.db?.kind === 'postgres'
      ? new SharedFeedStore(options.db, log.child({ channel: 'webchat' }))
      : new MemoryFeedStore();
  const directLineAdapter = new DirectLineAdapter(feed);
  const local = new LocalAdapters().set('directline', directLineAdapter);

  let whatsapp: Channels['whatsapp'];
  if (config.BATON_WHATSAPP) {
    const queue = createSendQueue(config.BATON_WHATSAPP_SENDS_PER_MINUTE);
    const adapter = new WhatsAppAdapter({ queue, defaultBusinessId, logger: log.child({ channel: 'whatsapp' }) });
    const connection = new WhatsAppConnection({
      createClient:
        options.createWhatsAppClient ??
        (() => createWebJsClient({ dataDir: config.BATON_DATA_DIR, chromiumPath: config.BATON_CHROMIUM_PATH })),
      onClient: (client) => {
        // sends go through a client once it is ready: before that whatsapp-web.js has no page to send from, and a
        // delivery finds the channel down (kept and tried again, not given up)
        client.on('ready', () => adapter.useSender(client));
        client.on('message', (message) => void adapter.receive(message, (context) => bot.run(context)));
      },
      onClientGone: () => adapter.useSender(undefined),
      clearSession: options.createWhatsAppClient ? undefined : () => clearWebJsSession(config.BATON_DATA_DIR),
      printQr: options.printQr ?? printQrInTerminal,
      logger: log.child({ channel: 'whatsapp' }),
      queued: () => queue.pending,
    });
    local.set('whatsapp', adapter);
    const lease = new ChannelLease({
      db: options.db ?? null,
      channel: 'whatsapp',
      holder: options.instanceId ?? 'this-instance',
      isGone: options.isGone,
      logger: log.child({ channel: 'whatsapp' }),
      onAcquired: () => connection.start(),
      onLost: () => void connection.stop(),
      report: () => connection.status(),
    });
    whatsapp = { adapter, connection, queue, lease };
  }

  // WhatsApp's replies go out from the lease holder: elsewhere, deliveries are handed back to the runtime for it
  const elsewhere = (): LocalChannel[] => (whatsapp && !whatsapp.lease.status().held ? ['whatsapp'] : []);
  const gateway = createChannelGateway({ cloud: botFramework, local, elsewhere, logger: log });
  options.conversations.registerGateway('*', gateway);

  const whatsAppStatus = (): WhatsAppStatus => {
    if (whatsapp && !whatsapp.lease.status().held) {
      // another instance runs it: its state as it last stored it (QR included), else standby
      const { holder, reported } = whatsapp.lease.status();
      const shared = holder ? readSharedStatus(reported) : null;
      if (shared) return { ...shared, instance: holder };
      return {
        ...whatsapp.connection.status(),
        state: 'standby',
        qr: null,
        reason: holder ? `WhatsApp runs on another instance (${holder})` : 'waiting for the WhatsApp lease',
        instance: holder,
      };
    }
    if (whatsapp) return { ...whatsapp.connection.status(), instance: whatsapp.lease.status().holder };
    return {
      enabled: false,
      state: 'disabled',
      qr: null,
      reason: 'BATON_WHATSAPP is not set to 1',
      since: new Date(0).toISOString(),
      reconnectAt: null,
      queued: 0,
    };
  };

  return {
    bot,
    botFramework,
    directLine: { adapter: directLineAdapter, feed },
    whatsapp,
    gateway,
    broadcastChannels: createBroadcastChannels({ gateway, whatsapp }),
    whatsAppStatus,
    async register(app, { authorizeAdmin }) {
      await app.register(async (scope) => {
        // Unauthenticated in local-only mode: loopback only (local-only.ts), limited per IP like the other public endpoints.
        await enableRateLimits(scope);
        const perIp = limiter(scope, { max: config.BATON_PUBLIC_REQUESTS_PER_MINUTE, timeWindow: 60_000 }, log);
        const onRequest = botFramework.localOnly ? [refuseNonLocal, perIp] : [];
        registerBotFrameworkRoute(scope, { adapter: botFramework.adapter, bot, onRequest });
      });
      await registerDirectLine(app, {
        feed,
        adapter: directLineAdapter,
        signer: new TokenSigner(config.BATON_TOKEN_SECRET),
        bot,
        resolveBusiness: options.resolveBusiness,
        limits: {
          messagesPerMinute: config.BATON_WEBCHAT_MESSAGES_PER_MINUTE,
          conversationsPerHour: config.BATON_WEBCHAT_CONVERSATIONS_PER_HOUR,
          requestsPerMinute: config.BATON_PUBLIC_REQUESTS_PER_MINUTE,
        },
        logger: log.child({ channel: 'webchat' }),
      });
      registerWebchatRoutes(app, { resolveBusiness: options.resolveBusiness });
      registerWhatsAppStatusRoute(app, { status: whatsAppStatus, authorize: authorizeAdmin });
    },
    async start() {
      whatsapp?.lease.start();
      await feed.start();
    },
    async stop() {
      const wa = whatsapp;
      // the client is stopped once no renewal can start it again, and before the lease is given back
      if (wa) await wa.lease.stop(() => wa.connection.stop());
      await feed.stop();
    },
  };
}
