import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createChannels } from '../../../bot/channels/index.ts';
import { TOKEN_TTL_SECONDS, TokenSigner } from '../../../bot/channels/directline/tokens.ts';
import { channelsConfig, quietLogger, recordingRuntime } from './support.ts';

const acme = { id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme' };
const other = { id: '00000000-0000-4000-8000-000000000002', slug: 'other', name: 'Other' };

interface Frame {
  activities: {
    id: string;
    type: string;
    text?: string;
    from: { id: string; role?: string };
    channelData?: { clientActivityID?: string };
  }[];
  watermark: string;
}

describe("Baton's Direct Line 3.0 server (what botframework-directlinejs calls)", () => {
  let app: FastifyInstance;
  let base: string;
  const runtime = recordingRuntime();
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    const channels = createChannels({
      config: channelsConfig({ BATON_WEBCHAT_MESSAGES_PER_MINUTE: '5', BATON_WEBCHAT_CONVERSATIONS_PER_HOUR: '5' }),
      logger: quietLogger(),
      conversations: runtime,
      resolveBusiness: async (slug) => {
        if (slug === undefined || slug === 'acme') return acme;
        if (slug === 'other') return other;
        throw new Error('not found');
      },
    });
    app = Fastify();
    await channels.register(app, { authorizeAdmin: async () => {} });
    base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  });
  afterAll(() => app.close());

  async function generate(business?: string) {
    const res = await fetch(`${base}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(business ? { business } : {}),
    });
    const body = (await res.json()) as { conversationId: string; token: string; userId: string };
    if (res.ok) tokens.set(body.conversationId, body.token);
    return { status: res.status, body };
  }

  it('starts a conversation with a token scoped to it, streams user and bot activities over the WebSocket', async () => {
    const { status, body: session } = await generate('other');
    expect(status).toBe(200);
    const auth = { authorization: `Bearer ${session.token}` };

    const reconnect = await fetch(`${base}/v3/directline/conversations/${session.conversationId}?watermark=`, {
      headers: auth,
    });
    expect(reconnect.status).toBe(200);
    const { streamUrl } = (await reconnect.json()) as { streamUrl: string };
    expect(streamUrl).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${session.conversationId}/stream\\?t=`),
    );

    const ws = new WebSocket(streamUrl);
    const frames: Frame[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as Frame));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

    const post = await fetch(`${base}/v3/directline/conversations/${session.conversationId}/activities`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'hello',
        from: { id: 'spoofed', name: '', role: 'user' },
        channelId: 'msteams',
        channelData: { clientActivityID: 'cid-1' },
      }),
    });
    expect(post.status).toBe(200);
    const { id } = (await post.json()) as { id: string };
    expect(id).toBeTruthy();

    await expect.poll(() => frames.flatMap((f) => f.activities).length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const activities = frames.flatMap((f) => f.activities);
    // The visitor's own message comes back first with its clientActivityID (webchat then marks it as sent).
    expect(activities[0]).toMatchObject({
      id,
      type: 'message',
      text: 'hello',
      channelData: { clientActivityID: 'cid-1' },
    });
    expect(activities[0]?.from).toEqual({ id: session.userId, name: '', role: 'user' });
    expect(activities.find((a) => a.type === 'message' && a.text === 'echo: hello')?.from.role).toBe('bot');
    ws.close();

    const inbound = runtime.inbound.at(-1);
    expect(inbound).toMatchObject({
      businessId: other.id,
      channel: 'webchat',
      channelConversationId: session.conversationId,
      text: 'hello',
      sender: { channelUserId: session.userId },
    });
    expect(inbound?.reference).toMatchObject({ serviceUrl: 'baton://directline' });

    // Polling (the fallback) replays everything after a watermark.
    const poll = await fetch(`${base}/v3/directline/conversations/${session.conversationId}/activities?watermark=0`, {
      headers: auth,
    });
    const page = (await poll.json()) as Frame;
    expect(page.activities.map((a) => a.text)).toContain('echo: hello');
    expect(page.activities.map((a) => a.id)).not.toContain(id);

    // A proactive message (an agent's reply) reaches an open stream live.
    const ws2 = new WebSocket(`${streamUrl}&watermark=${page.watermark}`);
    const live: Frame[] = [];
    ws2.on('message', (data: Buffer) => live.push(JSON.parse(data.toString('utf8')) as Frame));
    await new Promise((resolve) => ws2.once('open', resolve));
    await runtime.gateways.get('*')!.send({
      conversationId: 'conv-1',
      channel: 'webchat',
      reference: inbound!.reference,
      text: 'Sam here, how can I help?',
      author: 'agent',
    });
    await expect
      .poll(() => live.flatMap((f) => f.activities).map((a) => a.text), { timeout: 5000 })
      .toEqual(['Sam here, how can I help?']);
    ws2.close();
  });

  it("refuses a missing, forged or other conversation's token", async () => {
    const a = (await generate()).body;
    const b = (await generate()).body;
    const url = `${base}/v3/directline/conversations/${a.conversationId}/activities`;
    const body = JSON.stringify({ type: 'message', text: 'x' });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(403);
    expect(
      (await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${a.token}x` }, body })).status,
    ).toBe(403);
    expect(
      (await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${b.token}` }, body })).status,
    ).toBe(403);
    const ws = new WebSocket(
      `${base.replace('http', 'ws')}/v3/directline/conversations/${a.conversationId}/stream?t=${b.token}`,
    );
    const status = await new Promise<number | undefined>((resolve) =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode)).on('error', () => resolve(undefined)),
    );
    expect(status).toBe(403);
  });

  it('answers an unknown business slug with 404 and a bad activity with 400 naming the field', async () => {
    expect((await generate('nope')).status).toBe(404);
    const s = (await generate()).body;
    const res = await fetch(`${base}/v3/directline/conversations/${s.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ type: 'message', text: 42 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^text:/);
  });

  it('rate-limits messages per visitor and new conversations per IP', async () => {
    // 5 new conversations per IP and hour: 'other', a, b, the 404 attempt and s above used them up.
    const more = await generate();
    expect(more.status).toBe(429);
    expect(more.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });

    // 5 messages per visitor and minute: the first conversation sent 1, so 4 more pass and the 5th is refused.
    const first = runtime.inbound.find((m) => m.text === 'hello')!;
    const claims = first.channelConversationId;
    const token = tokens.get(claims)!;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/v3/directline/conversations/${claims}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: 'message', text: `flood ${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('answers the CORS preflight of a widget embedded on another site', async () => {
    const res = await fetch(`${base}/v3/directline/tokens/generate`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});

const SECRET = 'a-long-enough-secret-for-the-api-tokens-0123456789';

/** The channels of one Baton process whose tokens are signed with SECRET (a restart: call it again). */
async function start() {
  const runtime = recordingRuntime();
  const channels = createChannels({
    config: channelsConfig({ BATON_TOKEN_SECRET: SECRET }),
    logger: quietLogger(),
    conversations: runtime,
    resolveBusiness: async () => acme,
  });
  const app = Fastify();
  await channels.register(app, { authorizeAdmin: async () => {} });
  await app.ready();
  return { app, runtime };
}

describe('Direct Line tokens across a restart', () => {
  it('with BATON_TOKEN_SECRET set, a visitor token from before a restart still opens the same conversation', async () => {
    const before = await start();
    const session = (
      await before.app.inject({ method: 'POST', url: '/v3/directline/tokens/generate', payload: {} })
    ).json<{ conversationId: string; token: string }>();
    await before.app.close();

    const after = await start(); // a new process: empty feed, same secret
    const auth = { authorization: `Bearer ${session.token}` };
    expect(
      (await after.app.inject({ url: `/v3/directline/conversations/${session.conversationId}`, headers: auth }))
        .statusCode,
    ).toBe(200);
    const post = await after.app.inject({
      method: 'POST',
      url: `/v3/directline/conversations/${session.conversationId}/activities`,
      headers: auth,
      payload: { type: 'message', text: 'back again' },
    });
    expect(post.statusCode).toBe(200);
    await expect
      .poll(() => after.runtime.inbound.map((m) => [m.channelConversationId, m.businessId]))
      .toEqual([[session.conversationId, acme.id]]);
    await after.app.close();
  });

  it('a reply delivered after a restart, before the visitor reconnects, is in the feed when they do', async () => {
    const before = await start();
    const session = (
      await before.app.inject({ method: 'POST', url: '/v3/directline/tokens/generate', payload: {} })
    ).json<{ conversationId: string; token: string }>();
    const auth = { authorization: `Bearer ${session.token}` };
    await before.app.inject({
      method: 'POST',
      url: `/v3/directline/conversations/${session.conversationId}/activities`,
      headers: auth,
      payload: { type: 'message', text: 'can a person call me?' },
    });
    await expect.poll(() => before.runtime.inbound.length).toBe(1);
    const reference = before.runtime.inbound[0]!.reference;
    await before.app.close();

    // a new process (the embedded database's in-memory feed is empty) delivers the reply its backlog held …
    const after = await start();
    const gateway = after.runtime.gateways.get('*')!;
    await gateway.send({ conversationId: 'conv-1', channel: 'webchat', reference, text: 'Sam here', author: 'agent' });
    await gateway.typing?.({ conversationId: 'conv-1', channel: 'webchat', reference });
    // … and the visitor, reconnecting, finds it (a typing indicator from then is not kept)
    const reconnect = await after.app.inject({
      url: `/v3/directline/conversations/${session.conversationId}`,
      headers: auth,
    });
    expect(reconnect.statusCode).toBe(200);
    const feed = (
      await after.app.inject({
        url: `/v3/directline/conversations/${session.conversationId}/activities`,
        headers: auth,
      })
    ).json<Frame>();
    expect(feed.activities.map((a) => [a.type, a.text])).toEqual([['message', 'Sam here']]);
    await after.app.close();
  });
});

describe('a returning visitor', () => {
  it('whose token expired (away for hours or days) resumes the same conversation with it, within 30 days', async () => {
    const { app, runtime } = await start();
    try {
      const signer = new TokenSigner(SECRET);
      const now = Math.floor(Date.now() / 1000);
      const claims = { c: 'dl-conv-returning', u: 'dl_visitor-1', b: acme.id };
      const yesterday = signer.sign(claims, now - 24 * 3600);
      const auth = (token: string) => ({ authorization: `Bearer ${token}` });
      // the expired token no longer opens the conversation …
      const reconnect = await app.inject({ url: `/v3/directline/conversations/${claims.c}`, headers: auth(yesterday) });
      expect(reconnect.statusCode).toBe(403);
      // … but resumes it: a fresh token for the same conversation and visitor
      const resumed = await app.inject({
        method: 'POST',
        url: '/v3/directline/tokens/resume',
        headers: auth(yesterday),
      });
      expect(resumed.statusCode).toBe(200);
      const body = resumed.json<{ conversationId: string; token: string; userId: string; expires_in: number }>();
      expect(body).toMatchObject({ conversationId: claims.c, userId: claims.u, expires_in: 3600 });
      const post = await app.inject({
        method: 'POST',
        url: `/v3/directline/conversations/${claims.c}/activities`,
        headers: auth(body.token),
        payload: { type: 'message', text: 'back again' },
      });
      expect(post.statusCode).toBe(200);
      // the runtime sees the same channel conversation: the same contact, not a new guest
      await expect
        .poll(() => runtime.inbound.map((m) => [m.channelConversationId, m.sender.channelUserId]))
        .toEqual([[claims.c, claims.u]]);

      // too old, forged, or none: refused, naming no conversation
      const lastYear = signer.sign(claims, now - 31 * 24 * 3600 - TOKEN_TTL_SECONDS);
      const forged = new TokenSigner('another-secret-another-secret-another-secret').sign(claims, now - 3600);
      for (const headers of [auth(lastYear), auth(forged), {}]) {
        const refused = await app.inject({ method: 'POST', url: '/v3/directline/tokens/resume', headers });
        expect(refused.statusCode).toBe(403);
        expect(refused.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      }
    } finally {
      await app.close();
    }
  });
});
