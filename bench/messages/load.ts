// The messages benchmark's load (bench/messages/index.ts): virtual customers talking to a bot over the Bot Framework
// protocol, the local channel server (the serviceUrl) that receives the bot's replies, and an agent's live stream.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export const TEXTS = ['Hello', 'what are your opening hours?'] as const;

/** The serviceUrl: receives the bot's activities at /v3/conversations/:id/activities[/:replyToId]. */
export async function channelServer() {
  const waiting = new Map<string, () => void>();
  let replies = 0;
  let typing = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '');
      const activity = JSON.parse(body || '{}') as { type?: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"r"}');
      if (!m) return;
      if (activity.type === 'typing') typing++;
      if (activity.type !== 'message') return;
      replies++;
      const id = decodeURIComponent(m[1]!);
      const w = waiting.get(id);
      waiting.delete(id);
      w?.();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** resolves at the next message the bot sends to this channel conversation */
    nextReply(conversationId: string, timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          waiting.delete(conversationId);
          resolve(false);
        }, timeoutMs);
        waiting.set(conversationId, () => {
          clearTimeout(t);
          resolve(true);
        });
      });
    },
    counts: () => ({ replies, typing }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Channel = Awaited<ReturnType<typeof channelServer>>;

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface LoadResult {
  messages: number;
  seconds: number;
  latencies: number[];
  failed: number;
  statuses: Record<string, number>;
}

/**
 * `customers` virtual customers, each starting conversation after conversation: "Hello", then "what are your opening
 * hours?", each sent when the reply to the one before has arrived. A message counts when its POST is answered and
 * the bot's reply has arrived. Messages finished in the warm-up are not counted. `bots`: the /api/messages URLs, taken
 * in turn (a load balancer's round robin).
 */
export async function runLoad(o: {
  bots: string[];
  channel: Channel;
  customers: number;
  warmupMs: number;
  measureMs: number;
  tag: string;
  /** told when the measured window starts and ends */
  onWindow?: (edge: 'start' | 'end') => void | Promise<void>;
}): Promise<LoadResult> {
  const start = performance.now();
  const from = start + o.warmupMs;
  const until = from + o.measureMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failed = 0;
  let turn = 0;
  let activity = 0;
  let windowStarted = false;
  const timers = [
    setTimeout(() => {
      windowStarted = true;
      void o.onWindow?.('start');
    }, o.warmupMs),
  ];
  const customer = async (i: number) => {
    for (let c = 0; performance.now() < until; c++) {
      const conversationId = `${o.tag}-${i}-${c}`;
      for (const text of TEXTS) {
        if (performance.now() >= until) return;
        const bot = o.bots[turn++ % o.bots.length]!;
        const t0 = performance.now();
        const replied = o.channel.nextReply(conversationId, 30_000);
        const status = await post(bot, {
          type: 'message',
          id: `a${++activity}`,
          channelId: 'emulator',
          serviceUrl: o.channel.url,
          timestamp: new Date().toISOString(),
          locale: 'en-GB',
          text,
          from: { id: `customer-${i}-${c}`, name: `Customer ${i}`, role: 'user' },
          recipient: { id: 'bot', name: 'Bot', role: 'bot' },
          conversation: { id: conversationId },
        }).catch(() => 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        const ok = status === 200 && (await replied);
        const t1 = performance.now();
        if (t1 < from || t1 > until) continue;
        if (ok) latencies.push(t1 - t0);
        else failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: o.customers }, (_, i) => customer(i)));
  for (const t of timers) clearTimeout(t);
  if (!windowStarted) void o.onWindow?.('start');
  await o.onWindow?.('end');
  return { messages: latencies.length, seconds: o.measureMs / 1000, latencies, failed, statuses };
}

/**
 * An agent's console: the live stream (GET /api/v1/conversations/events). The lag of a customer's message: from the
 * moment it was stored (its createdAt, on this machine's clock) to the moment it arrives on the stream.
 */
export function agentStream(baseUrl: string, token: string) {
  const lags: number[] = [];
  let counting = false;
  let buffer = '';
  const req = http.get(`${baseUrl}/api/v1/conversations/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  const ready = new Promise<void>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`events: ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = Date.now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith('event: ready')) resolve();
          if (!counting || !block.startsWith('event: message')) continue;
          const data = block.slice(block.indexOf('data: ') + 6);
          const event = JSON.parse(data) as { message: { author: string; createdAt: string } };
          if (event.message.author === 'customer') lags.push(now - Date.parse(event.message.createdAt));
        }
      });
    });
  });
  return {
    ready,
    lags,
    count: (on: boolean) => {
      counting = on;
    },
    close: () => req.destroy(),
  };
}

export const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
