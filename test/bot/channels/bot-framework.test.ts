import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActivityHandler, CloudAdapter, TestAdapter } from 'botbuilder';
// botbuilder's own dependency (its token cache is not re-exported by botbuilder)
import { AppCredentials } from 'botframework-connector';
import { BatonBot, BatonMiddleware, createChannels, type Channels } from '../../../bot/channels/index.ts';
import { ConfigError } from '../../../bot/config.ts';
import { channelsConfig, emulatorActivity, quietLogger, recordingChannel, recordingRuntime } from './support.ts';

const business = { id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme' };

async function serve(env: Record<string, string> = {}) {
  const runtime = recordingRuntime();
  const channels = createChannels({
    config: channelsConfig(env),
    logger: quietLogger(),
    conversations: runtime,
    resolveBusiness: async () => business,
  });
  const app = Fastify();
  await channels.register(app, { authorizeAdmin: async () => {} });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { runtime, channels, app };
}

describe('Bot Framework: POST /api/messages through CloudAdapter', () => {
  let channel: Awaited<ReturnType<typeof recordingChannel>>;
  let app: FastifyInstance;
  let runtime: ReturnType<typeof recordingRuntime>;
  let channels: Channels;

  beforeAll(async () => {
    channel = await recordingChannel();
    ({ app, runtime, channels } = await serve());
  });
  afterAll(async () => {
    await app.close();
    await channel.close();
  });

  it('accepts an unauthenticated Emulator activity (local-only mode) and hands an InboundMessage to the runtime', async () => {
    expect(channels.botFramework.localOnly).toBe(true);
    const res = await app.inject({
      method: 'POST',
      url: '/api/messages',
      payload: emulatorActivity(channel.url, '  hello there ', { userName: 'Ada Lovelace' }),
    });
    expect(res.statusCode).toBe(200);
    const msg = runtime.inbound.at(-1);
    expect(msg).toMatchObject({
      businessId: business.id,
      channel: 'emulator',
      channelConversationId: 'emu-conv-1',
      text: 'hello there',
      locale: 'en-GB',
      sender: { profileName: 'Ada Lovelace', channelUserId: 'user-1' },
    });
    expect(msg?.sender.phone).toBeUndefined();
    expect(msg?.reference).toMatchObject({ serviceUrl: channel.url, conversation: { id: 'emu-conv-1' } });
  });

  it("delivers the runtime's reply to the activity's serviceUrl over the Bot Framework REST protocol", async () => {
    await app.inject({ method: 'POST', url: '/api/messages', payload: emulatorActivity(channel.url, 'ping') });
    const reply = await channel.waitForText('echo: ping');
    expect(reply.path).toMatch(/^\/v3\/conversations\/emu-conv-1\/activities/);
    expect(reply.activity.conversation?.id).toBe('emu-conv-1');
    // The turn itself sends no typing indicator: only the runtime does, while someone (the AI, an agent) types.
    expect(channel.replies.some((r) => r.activity.type === 'typing')).toBe(false);
  });

  it('sends a typing indicator proactively when the runtime says someone types', async () => {
    const reference = runtime.inbound[0]!.reference;
    await runtime.gateways.get('*')!.typing!({
      conversationId: 'conv-1',
      channel: 'emulator',
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
      agentName: 'Sam',
    });
    await expect.poll(() => channel.replies.some((r) => r.activity.type === 'typing')).toBe(true);
  });

  it('sends proactively from a stored conversation reference (an agent reply outside any turn)', async () => {
    const reference = runtime.inbound[0]!.reference;
    await runtime.gateways.get('*')!.send({
      conversationId: 'conv-1',
      channel: 'emulator',
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
      text: 'Hi, this is Sam from the team',
      author: 'agent',
    });
    const reply = await channel.waitForText('Hi, this is Sam from the team');
    expect(reply.path).toContain('/v3/conversations/emu-conv-1/activities');
  });

  it('ignores activities that are not customer messages, and rejects a body that is not an activity', async () => {
    const before = runtime.inbound.length;
    const update = {
      ...emulatorActivity(channel.url, ''),
      type: 'conversationUpdate',
      membersAdded: [{ id: 'user-1' }],
    };
    expect((await app.inject({ method: 'POST', url: '/api/messages', payload: update })).statusCode).toBe(200);
    expect(runtime.inbound.length).toBe(before);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/messages',
      payload: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("runs the turn from botbuilder's processActivity, without CloudAdapter.process's per-request zod checks", async () => {
    const process = vi.spyOn(CloudAdapter.prototype, 'process');
    try {
      const before = runtime.inbound.length;
      const res = await app.inject({
        method: 'POST',
        url: '/api/messages',
        payload: emulatorActivity(channel.url, 'checked once'),
      });
      expect(res.statusCode).toBe(200);
      expect(runtime.inbound.slice(before).map((m) => m.text)).toEqual(['checked once']);
      expect(process).not.toHaveBeenCalled();
    } finally {
      process.mockRestore();
    }
  });

  it('answers an invoke activity with its invoke response (ActivityHandler: 501 for an invoke it does not handle)', async () => {
    const invoke = { ...emulatorActivity(channel.url, ''), type: 'invoke', name: 'something/unknown' };
    const res = await app.inject({ method: 'POST', url: '/api/messages', payload: invoke });
    expect(res.statusCode).toBe(501);
  });
});

describe('BatonBot', () => {
  const message = (text: string) => ({ type: 'message', text }) as const;

  it("hands a message to the runtime without ActivityHandler's dispatch when it has no handler but its own", async () => {
    const runtime = recordingRuntime({ echo: false });
    const bot = new BatonBot({ conversations: runtime, defaultBusinessId: async () => business.id });
    const dispatch = vi.spyOn(ActivityHandler.prototype as unknown as { onTurnActivity: () => void }, 'onTurnActivity');
    try {
      await new TestAdapter((context) => bot.run(context)).send(message('straight')).startTest();
      expect(runtime.inbound.map((m) => m.text)).toEqual(['straight']);
      expect(dispatch).not.toHaveBeenCalled();
    } finally {
      dispatch.mockRestore();
    }
  });

  it("runs a developer's own handlers (onTurn, onMessage, onDialog) around the hand-over, as ActivityHandler orders them", async () => {
    const runtime = recordingRuntime({ echo: false });
    const seen: string[] = [];
    const bot = new BatonBot({
      conversations: {
        handleInbound: async (m) => {
          seen.push('runtime');
          await runtime.handleInbound(m);
        },
      },
      defaultBusinessId: async () => business.id,
    });
    bot
      .onTurn(async (_context, next) => {
        seen.push('turn');
        await next();
      })
      .onMessage(async (_context, next) => {
        seen.push('message');
        await next();
      })
      .onDialog(async (_context, next) => {
        seen.push('dialog');
        await next();
      });
    await new TestAdapter((context) => bot.run(context)).send(message('around')).startTest();
    expect(seen).toEqual(['turn', 'runtime', 'message', 'dialog']);
    expect(runtime.inbound.map((m) => m.text)).toEqual(['around']);
  });
});

describe("BatonMiddleware in a developer's own bot", () => {
  it("hands customer messages to Baton and stops; other activities reach the developer's handler", async () => {
    const runtime = recordingRuntime({ echo: false });
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity(`developer bot saw ${context.activity.type}`);
    });
    adapter.use(new BatonMiddleware({ conversations: runtime, defaultBusinessId: async () => business.id }));
    await adapter.send('hello Baton').startTest();
    expect(runtime.inbound).toEqual([
      expect.objectContaining({ businessId: business.id, channel: 'test', text: 'hello Baton' }),
    ]);
    await adapter.send({ type: 'event', name: 'custom' }).assertReply('developer bot saw event').startTest();
    expect(runtime.inbound).toHaveLength(1);
  });
});

describe('POST /api/messages hardening in local-only mode', () => {
  it('refuses internal baton:// service URLs and limits requests per IP', async () => {
    const { app, runtime } = await serve({ BATON_PUBLIC_REQUESTS_PER_MINUTE: '3' });
    try {
      const internal = await app.inject({
        method: 'POST',
        url: '/api/messages',
        payload: emulatorActivity('baton://directline', 'hi'),
      });
      expect(internal.statusCode).toBe(400);
      expect(runtime.inbound).toHaveLength(0);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const update = { ...emulatorActivity('http://127.0.0.1:9', ''), type: 'conversationUpdate' };
        statuses.push((await app.inject({ method: 'POST', url: '/api/messages', payload: update })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await app.close();
    }
  });
});

describe('Bot Framework with Microsoft app credentials', () => {
  it('rejects an unauthenticated request with 401 (Azure Bot Service authentication)', async () => {
    const channel = await recordingChannel();
    const { app, runtime } = await serve({
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/messages',
        payload: emulatorActivity(channel.url, 'hi'),
      });
      expect(res.statusCode).toBe(401);
      expect(runtime.inbound).toHaveLength(0);
    } finally {
      await app.close();
      await channel.close();
    }
  });

  it('signs each send with the app’s current token, also on a kept connector client', async () => {
    const appId = '11111111-2222-3333-4444-555555555555';
    // botbuilder's token cache (a private static of its AppCredentials), where a token from Microsoft Entra ID is kept
    // until shortly before it expires: filled here, as there is no network in tests
    const tokens = (AppCredentials as unknown as { cache: Map<string, { accessToken: string; expiresOn: Date }> })
      .cache;
    const cacheKey = `${appId}https://api.botframework.com-cache`;
    const token = (accessToken: string) => ({ accessToken, expiresOn: new Date(Date.now() + 3_600_000) });
    const channel = await recordingChannel();
    const { app, runtime } = await serve({ MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-secret' });
    const reference = {
      channelId: 'emulator',
      serviceUrl: channel.url,
      conversation: { id: 'auth-conv' },
      bot: { id: appId, name: 'Bot' },
      user: { id: 'user-1', name: 'User' },
    };
    const send = (text: string) =>
      runtime.gateways.get('*')!.send({ conversationId: 'c', channel: 'emulator', reference, text, author: 'ai' });
    try {
      tokens.set(cacheKey, token('token-1'));
      await send('first');
      tokens.set(cacheKey, token('token-2')); // refreshed before it expired
      await send('second');
      expect(channel.replies.map((r) => [r.activity.text, r.authorization])).toEqual([
        ['first', 'Bearer token-1'],
        ['second', 'Bearer token-2'],
      ]);
    } finally {
      tokens.delete(cacheKey);
      await app.close();
      await channel.close();
    }
  });

  it('names the missing variable when the credentials are incomplete', () => {
    expect(() =>
      createChannels({
        config: channelsConfig({ MicrosoftAppId: 'abc', MicrosoftAppType: 'SingleTenant', MicrosoftAppPassword: 'x' }),
        logger: quietLogger(),
        conversations: recordingRuntime(),
        resolveBusiness: async () => business,
      }),
    ).toThrow(ConfigError);
    const thrown = (() => {
      try {
        createChannels({
          config: channelsConfig({ MicrosoftAppId: 'abc' }),
          logger: quietLogger(),
          conversations: recordingRuntime(),
          resolveBusiness: async () => business,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems.map((p) => p.variable)).toEqual(['MicrosoftAppPassword']);
  });
});
