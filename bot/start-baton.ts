// Composition root: config → database (migrated) → first business → HTTP server.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ensureFirstBusiness, resumeImports, storedTokenSecret } from '../contacts/index.ts';
import { openDatabase, startVacuumer, type Database } from '../prisma/index.ts';
import {
  createAgent,
  createBroadcastSender,
  createConversationRuntime,
  isGoneLocally,
  loadFaqFile,
  localInstanceId,
  withBroadcastOptOut,
  type BroadcastSender,
  type ConversationRuntime,
} from '../workflows/index.ts';
import { createBusinessResolver, createChannels, type Channels, type ChannelsOptions } from './channels/index.ts';
import type { Config } from './config.ts';
import { createHttpServer, forgetUpload } from './http/index.ts';
import { createLogger, type Logger } from './logger.ts';

export interface Baton {
  db: Database;
  http: FastifyInstance;
  logger: Logger;
  /** the conversation runtime: channels hand it inbound messages and register their gateways */
  conversations: ConversationRuntime;
  /** the customer channels: Bot Framework (/api/messages), the webchat (Direct Line), WhatsApp */
  channels: Channels;
  /** the broadcast sender of this instance */
  broadcasts: BroadcastSender;
  /** The address the server listens on, e.g. http://127.0.0.1:3978 */
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  db?: Database;
  /** replaces parts of the channels (a fake WhatsApp client in tests) */
  channels?: Pick<ChannelsOptions, 'createWhatsAppClient' | 'printQr'>;
}

export async function startBaton(config: Config, options: StartOptions = {}): Promise<Baton> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const db =
    options.db ??
    (await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.BATON_DATA_DIR,
      optimizedWasmOnly: true,
      lockOwner: 'server',
      onConnectionLost: (err) =>
        logger.warn({ err }, 'PostgreSQL closed an idle connection; the next query opens another'),
    }));
  let conversations: ConversationRuntime | undefined;
  let channels: Channels | undefined;
  let broadcasts: BroadcastSender | undefined;
  try {
    const applied = await db.migrate();
    logger.info({ database: db.kind, applied }, applied.length ? 'migrations applied' : 'database schema up to date');

    const first = await ensureFirstBusiness(db, {
      name: config.BATON_BUSINESS_NAME,
      country: config.BATON_BUSINESS_COUNTRY,
      adminEmail: config.BATON_ADMIN_EMAIL,
      adminPassword: config.BATON_ADMIN_PASSWORD,
    });
    if (first.created) {
      logger.info({ business: first.slug }, 'first business created');
      if (first.generatedPassword) {
        // Printed once, to the terminal only (not through the log pipeline), so the admin can log in.
        process.stdout.write(
          `\nBaton: first admin created.\n  email:    ${first.adminEmail}\n  password: ${first.generatedPassword}\n  (shown once; set BATON_ADMIN_PASSWORD to choose your own)\n\n`,
        );
      }
    }

    const agent = createAgent({
      openaiApiKey: config.OPENAI_API_KEY,
      openaiBaseUrl: config.OPENAI_BASE_URL,
      openaiModel: config.OPENAI_MODEL,
      openaiTimeoutMs: config.OPENAI_TIMEOUT_MS,
      openaiMaxRetries: config.OPENAI_MAX_RETRIES,
      faqMarkdown: await loadFaqFile(config.BATON_FAQ_FILE),
      logger,
    });
    const instanceId = localInstanceId();
    conversations = createConversationRuntime({
      db,
      agent,
      logger,
      instanceId,
      isGone: isGoneLocally,
      pollIntervalMs: config.BATON_TIMER_POLL_MS,
    });
    logger.info({ agent: agent.name }, 'AI agent ready');

    // Channels: one BatonBot behind the Bot Framework, webchat and WhatsApp adapters; registers its gateway.
    const resolveBusiness = createBusinessResolver(db);
    // A STOP answered to a broadcast opts the contact out; every other message goes to the runtime.
    const inbound = withBroadcastOptOut(conversations, { db, logger });
    // tokens are signed with BATON_TOKEN_SECRET, or else with a key kept in the database (made on the first start)
    const tokenSecret = config.BATON_TOKEN_SECRET ?? (await storedTokenSecret(db));
    channels = createChannels({
      config: { ...config, BATON_TOKEN_SECRET: tokenSecret },
      logger,
      conversations: inbound,
      resolveBusiness,
      db,
      instanceId,
      isGone: isGoneLocally,
      ...options.channels,
    });
    broadcasts = createBroadcastSender({ db, channels: channels.broadcastChannels, logger, instanceId });

    const importDir = path.join(config.BATON_DATA_DIR, 'imports');
    const http = await createHttpServer({
      db,
      logger,
      conversations,
      channels: { channels, resolveBusiness },
      tokenSecret,
      importDir,
      importMaxBytes: config.BATON_IMPORT_MAX_MB * 1024 * 1024,
    });
    const address = await http.listen({ port: config.PORT, host: config.HOST });
    // Baton is up from here: the timers due before fell due while it was down or starting (overdue, late rather than
    // never); those due from now on are to fire on time
    const upSince = new Date();
    const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
    logger.info({ url, database: db.kind }, 'Baton is listening');
    // What the runtime delivers through starts first, the channels: the webchat feeds' LISTEN (PostgreSQL); WhatsApp
    // (BATON_WHATSAPP=1) takes its lease and connects in the background, QR in the terminal, state at
    // /api/v1/channels/whatsapp (a delivery before the lease is held here is handed back uncounted and waits for it).
    // Then, together: the runtime — its timer poller at once (the timers that fell due while Baton was down fire late
    // rather than never, beside those falling due now), its effect worker on what a crash left — and the broadcasts
    // (due ones queued, queued recipients sent; sends a crash interrupted are marked unknown). Messages are taken
    // meanwhile: the server listens already.
    const liveChannels = channels;
    await liveChannels.start();
    const runtime = conversations;
    const sender = broadcasts;
    await Promise.all([runtime.start({ upSince }), sender.start()]);
    // Imports that were running when the process stopped continue from their last committed batch.
    void resumeImports(db, { logger, onFinished: (done) => forgetUpload(importDir, done) }).catch((e: unknown) =>
      logger.error({ err: e }, 'resuming imports failed'),
    );

    // The embedded database has no autovacuum (single-user mode): Baton vacuums and analyzes its tables itself, by
    // autovacuum's rules, every 10 minutes (prisma/vacuum.ts). A PostgreSQL server does it on its own.
    const vacuumer =
      db.kind === 'pglite'
        ? startVacuumer(db, {
            onPass: (p) => {
              if (p.done.length) logger.info({ done: p.done }, 'database vacuumed');
            },
            onError: (e) => logger.error({ err: e }, 'vacuuming the database failed'),
          })
        : undefined;

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await http.close();
        await sender.stop();
        await liveChannels.stop();
        await runtime.stop();
        await vacuumer?.stop();
        await db.close();
        logger.info('Baton stopped');
      })());
    return { db, http, logger, conversations: runtime, channels: liveChannels, broadcasts: sender, url, stop };
  } catch (e) {
    await broadcasts?.stop();
    await channels?.stop();
    await conversations?.stop();
    await db.close();
    throw e;
  }
}
