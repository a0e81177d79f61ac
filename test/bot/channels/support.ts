// Helpers for the channel tests: a recording stand-in for the conversation runtime (an injected dependency with
// the runtime's two methods, not a database fake), a local "Bot Framework channel" HTTP server that records what
// the bot sends to its serviceUrl, and quiet config/logger.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { ChannelGateway, InboundMessage } from '../../../bot/channels/index.ts';
import { loadConfig } from '../../../bot/config.ts';

export const quietLogger = () => pino({ level: 'silent' });

export function channelsConfig(env: Record<string, string> = {}) {
  return loadConfig({ LOG_LEVEL: 'silent', ...env });
}

/** Stands in for the runtime: records inbound messages, answers each with "echo: …" through the gateway. */
export function recordingRuntime(options: { echo?: boolean } = {}) {
  const inbound: InboundMessage[] = [];
  const gateways = new Map<string, ChannelGateway>();
  return {
    inbound,
    gateways,
    registerGateway(channel: string, gateway: ChannelGateway) {
      gateways.set(channel, gateway);
    },
    async handleInbound(message: InboundMessage) {
      inbound.push(message);
      if (options.echo === false) return;
      await gateways.get('*')?.send({
        conversationId: 'conv-1',
        channel: message.channel,
        reference: message.reference,
        text: `echo: ${message.text}`,
        author: 'ai',
      });
    },
  };
}

export interface RecordedReply {
  path: string;
  authorization: string | undefined;
  activity: { type: string; text?: string; replyToId?: string; conversation?: { id: string }; from?: { id: string } };
}

/** A local HTTP server playing the Bot Framework channel (the Emulator's role): records the bot's replies. */
export async function recordingChannel() {
  const replies: RecordedReply[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      replies.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        activity: JSON.parse(body || '{}') as RecordedReply['activity'],
      });
      for (const w of waiters.splice(0)) w();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${replies.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    replies,
    /** the text messages received so far */
    texts: () => replies.filter((r) => r.activity.type === 'message').map((r) => r.activity.text ?? ''),
    /** waits until a message reply matches */
    async waitForText(match: RegExp | string, timeoutMs = 10_000): Promise<RecordedReply> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = replies.find(
          (r) =>
            r.activity.type === 'message' &&
            (typeof match === 'string' ? r.activity.text === match : match.test(r.activity.text ?? '')),
        );
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `no reply matching ${String(match)}; got ${JSON.stringify(replies.map((r) => r.activity.text))}`,
          );
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let activityCounter = 0;

/** An activity the way the Bot Framework Emulator posts it to /api/messages. */
export function emulatorActivity(
  serviceUrl: string,
  text: string,
  options: { conversationId?: string; userId?: string; userName?: string; channelId?: string } = {},
) {
  return {
    type: 'message',
    id: `act-${++activityCounter}`,
    channelId: options.channelId ?? 'emulator',
    serviceUrl,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    locale: 'en-GB',
    text,
    textFormat: 'plain',
    from: { id: options.userId ?? 'user-1', name: options.userName ?? 'User', role: 'user' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    conversation: { id: options.conversationId ?? 'emu-conv-1' },
    channelData: { clientActivityID: `c-${activityCounter}` },
  };
}
