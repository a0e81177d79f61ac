// Baton posts its Bot Framework activities through the kept connector client's pipeline without core-client's
// operation machinery (bot/channels/connector-send.ts). What the channel's serviceUrl receives must be what
// botframework-connector's own ConnectorClient operations send: the same method, path, headers and JSON body.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationServiceClientCredentialFactory, TurnContext, type Activity } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector'; // botbuilder's own dependency
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendActivityVia, serializeActivity, type ConnectorClientLike } from '../../../bot/channels/connector-send.ts';

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A serviceUrl that records each request and answers with `answer`'s status and body. */
async function serviceUrl(answer: () => { status: number; body: string; contentType?: string }) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const a = answer();
      res.writeHead(a.status, { 'content-type': a.contentType ?? 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function connector(baseUri: string) {
  const settings = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppTenantId: '' };
  const credentials = await new ConfigurationServiceClientCredentialFactory(settings).createCredentials(
    '',
    '',
    '',
    true,
  );
  return new ConnectorClient(credentials, { baseUri });
}

/** A reply as TurnContext builds it from a stored conversation reference. */
function reply(serviceUrl: string, extra: Partial<Activity> = {}, reference: Record<string, unknown> = {}) {
  return TurnContext.applyConversationReference(
    {
      type: 'message',
      text: 'Our opening hours are 9–17 “every” day',
      channelData: { batonAuthor: 'ai', batonMessageId: '0193b1c2-0000-7000-8000-000000000001', nested: [1, null] },
      ...extra,
    },
    {
      activityId: 'd6e22a0f-f2c6-47c5-b46d-60ee270af3fd',
      channelId: 'msteams',
      locale: 'en-GB',
      serviceUrl,
      conversation: {
        id: '19:abc@thread.skype;messageid=1',
        isGroup: true,
        conversationType: 'channel',
        tenantId: 't',
      },
      bot: { id: '28:bot', name: 'Bot', role: 'bot' },
      user: { id: '29:user', name: 'Ada', aadObjectId: 'aad-1', role: 'user' },
      ...reference,
    } as never,
  );
}

describe('serializeActivity', () => {
  const cases: [string, Partial<Activity>][] = [
    ['a reply', reply('https://smba.trafficmanager.net/emea/')],
    ['a typing indicator', reply('http://127.0.0.1:1', { type: 'typing', text: undefined, channelData: {} })],
    [
      'accounts with properties the mapper does not know (dropped) and properties it does',
      reply(
        'http://x',
        {},
        {
          user: { id: 'u', name: 'N', unknown: 'dropped', properties: { kept: true } },
          conversation: { id: 'c', extra: 1, tenantId: 't' },
        },
      ),
    ],
    ['a property outside the mapper on the activity (dropped)', { ...reply('http://x'), notInTheMapper: 'x' } as never],
    ['a Date (the mapper serialiser)', reply('http://x', { timestamp: new Date('2026-12-07T10:00:00.123Z') })],
    [
      'attachments and entities (the mapper serialiser)',
      reply('http://x', {
        attachments: [{ contentType: 'text/plain', content: 'x', name: 'a' }],
        entities: [{ type: 'mention', text: '@x' }],
      }),
    ],
    ['a null value (the mapper serialiser)', reply('http://x', { locale: null as never })],
  ];
  it.each(cases)("gives the Activity mapper's JSON for %s", (_, activity) => {
    expect(serializeActivity(activity)).toBe(serializeActivity(activity, false));
  });

  it('refuses what the mapper refuses', () => {
    const bad = reply('http://x', { text: 42 as never });
    expect(() => serializeActivity(bad)).toThrow(/must be of type string/);
  });
});

describe('sendActivityVia', () => {
  let channel: Awaited<ReturnType<typeof serviceUrl>>;
  let status = 200;
  let body = '{"id":"reply-1"}';
  let contentType = 'application/json';
  beforeAll(async () => {
    channel = await serviceUrl(() => ({ status, body, contentType }));
  });
  afterAll(() => channel.close());

  /** The request botframework-connector's operation sends, and the one sendActivityVia sends, side by side. */
  async function both(baseUri: string, activity: Partial<Activity>) {
    const client = await connector(baseUri);
    const from = channel.received.length;
    const theirs = activity.replyToId
      ? await client.conversations.replyToActivity(activity.conversation!.id, activity.replyToId, activity as Activity)
      : await client.conversations.sendToConversation(activity.conversation!.id, activity as Activity);
    const ours = await sendActivityVia(client as unknown as ConnectorClientLike, activity);
    const [a, b] = channel.received.slice(from).map((r): Received => ({
      ...r,
      headers: { ...r.headers, 'x-ms-client-request-id': r.headers['x-ms-client-request-id'] ? 'a uuid' : 'none' },
    }));
    return { theirs, ours, a: a!, b: b! };
  }

  it('sends what replyToActivity sends: method, path, headers, body; and gives its id', async () => {
    const { theirs, ours, a, b } = await both(channel.url, reply(channel.url));
    expect(b).toEqual(a);
    expect(a.method).toBe('POST');
    expect(a.path).toBe(
      '/v3/conversations/19%3Aabc%40thread.skype%3Bmessageid%3D1/activities/d6e22a0f-f2c6-47c5-b46d-60ee270af3fd',
    );
    expect(a.headers['x-ms-conversation-id']).toBe('19:abc@thread.skype;messageid=1');
    expect(JSON.parse(a.body)).toMatchObject({ type: 'message', channelData: { batonAuthor: 'ai' } });
    expect(ours).toEqual({ id: 'reply-1' });
    expect(theirs.id).toBe('reply-1');
  });

  it('sends what sendToConversation sends (no replyToId), to a service URL with a path of its own', async () => {
    const activity = { ...reply(`${channel.url}/emea/`), replyToId: undefined };
    const { a, b } = await both(`${channel.url}/emea/`, activity);
    expect(b).toEqual(a);
    expect(a.path).toBe('/emea/v3/conversations/19%3Aabc%40thread.skype%3Bmessageid%3D1/activities');
    expect(a.headers['x-ms-conversation-id']).toBeUndefined();
  });

  it('throws as the operation throws when the channel refuses: the status code and its error', async () => {
    const client = await connector(channel.url);
    const activity = reply(channel.url);
    type Thrown = Error & { statusCode?: number; code?: string };
    const compare = async () => {
      const theirs = await client.conversations
        .replyToActivity(activity.conversation!.id, activity.replyToId!, activity as Activity)
        .then((): Thrown => new Error('no error'))
        .catch((e: unknown) => e as Thrown);
      const ours = await sendActivityVia(client as unknown as ConnectorClientLike, activity)
        .then((): Thrown => new Error('no error'))
        .catch((e: unknown) => e as Thrown);
      expect([ours.name, ours.statusCode, ours.code, ours.message]).toEqual([
        theirs.name,
        theirs.statusCode,
        theirs.code,
        theirs.message,
      ]);
      return ours;
    };
    try {
      status = 403;
      body = JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of it' } });
      expect((await compare()).statusCode).toBe(403);
      contentType = 'text/plain';
      status = 404;
      body = 'no such conversation';
      expect((await compare()).message).toBe('no such conversation');
      contentType = 'application/json';
      status = 400;
      body = 'not json';
      expect((await compare()).statusCode).toBe(400);
    } finally {
      status = 200;
      body = '{"id":"reply-1"}';
      contentType = 'application/json';
    }
  });
});
