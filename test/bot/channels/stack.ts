// The whole Baton stack for the end-to-end channel stories, on the test database: the real conversation runtime
// (offline AI agent), the real contacts domain and HTTP API, the channels — composed as bot/start-baton.ts does.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createBusinessResolver, createChannels, type Channels } from '../../../bot/channels/index.ts';
import type { WhatsAppClientLike } from '../../../bot/channels/whatsapp/index.ts';
import { createHttpServer } from '../../../bot/http/server.ts';
import { ensureFirstBusiness } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createAgent } from '../../../workflows/agent/index.ts';
import {
  createBroadcastSender,
  createConversationRuntime,
  withBroadcastOptOut,
  type BroadcastSender,
  type ConversationRuntime,
} from '../../../workflows/index.ts';
import { waitFor } from '../../support/spawn.ts';
import { channelsConfig, quietLogger } from './support.ts';
import { asClient, type FakeWhatsAppClient } from './whatsapp-fake.ts';

/** The stories set the business's handover timeout to 1 s through PATCH /api/v1/business (issue 6). */
export const HANDOVER_SECONDS = 1;

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export interface Stack {
  url: string;
  http: FastifyInstance;
  runtime: ConversationRuntime;
  channels: Channels;
  /** the broadcast sender, as bot/start-baton.ts composes it (polls every 100 ms) */
  broadcasts: BroadcastSender;
  /** an admin's bearer token */
  token: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function startStack(
  db: Database,
  options: { env?: Record<string, string>; createWhatsAppClient?: () => WhatsAppClientLike; logger?: Logger } = {},
): Promise<Stack> {
  const logger = options.logger ?? quietLogger();
  await ensureFirstBusiness(db, {
    name: 'Acme',
    country: 'GB',
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
  });
  const resolveBusiness = createBusinessResolver(db, 0);
  const runtime = createConversationRuntime({
    db,
    agent: createAgent(),
    logger,
    instanceId: 'channels-test',
    pollIntervalMs: 100,
  });
  const channels = createChannels({
    config: channelsConfig(options.env),
    logger,
    conversations: withBroadcastOptOut(runtime, { db, logger }),
    resolveBusiness,
    createWhatsAppClient: options.createWhatsAppClient,
    printQr: () => {},
    // as the product wires it: on PostgreSQL the webchat feeds and WhatsApp's lease live in the database
    db,
    instanceId: 'channels-test',
  });
  const http = await createHttpServer({ db, logger, conversations: runtime, channels: { channels, resolveBusiness } });
  const url = (await http.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  await runtime.start();
  await channels.start();
  const broadcasts = createBroadcastSender({
    db,
    channels: channels.broadcastChannels,
    logger,
    instanceId: 'channels-test:0',
    pollIntervalMs: 100,
  });
  await broadcasts.start();

  async function api(method: string, path: string, body?: unknown, token?: string) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
  const login = await api('POST', '/api/v1/auth/login', ADMIN);
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  const token = (login.body as { token: string }).token;

  return {
    url,
    http,
    runtime,
    channels,
    broadcasts,
    token,
    api: (method, path, body) => api(method, path, body, token),
    async stop() {
      await broadcasts.stop();
      await channels.stop();
      await runtime.stop();
      await http.close();
    },
  };
}

/**
 * The stack with WhatsApp on (600 sends a minute, so pacing never holds a story up), its clients made by `createClient`
 * (fake whatsapp-web.js clients), once WhatsApp is ready.
 */
export async function startWhatsAppStack(
  db: Database,
  createClient: () => FakeWhatsAppClient,
  options: { logger?: Logger } = {},
): Promise<Stack> {
  const stack = await startStack(db, {
    env: { BATON_WHATSAPP: '1', BATON_WHATSAPP_SENDS_PER_MINUTE: '600' },
    createWhatsAppClient: () => asClient(createClient()),
    ...options,
  });
  // in a test or a hook alike (expect.poll is for tests only)
  await waitFor(async () => (stack.channels.whatsAppStatus().state === 'ready' ? true : undefined), 5_000);
  return stack;
}

/** The conversation row behind a channel conversation id (read-only check of what the stack stored). */
export async function conversationOf(db: Database, channelConversationId: string) {
  return db.prisma.conversation.findFirstOrThrow({ where: { channelConversationId } });
}
