// The customers' side: a local Bot Framework channel (the Emulator's role) that answers Baton's replies at its
// serviceUrl and counts them, and customers who ask for a person through Baton's POST /api/messages.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChannel {
  url: string;
  /** message activities received, by channel conversation id */
  replies: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

export async function fakeChannel(): Promise<FakeChannel> {
  const replies = new Map<string, number>();
  let total = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const activity = JSON.parse(body || '{}') as { type?: string; conversation?: { id?: string } };
      const id = /\/v3\/conversations\/([^/]+)\/activities/.exec(req.url ?? '')?.[1];
      if (activity.type === 'message' && id) {
        total++;
        const key = decodeURIComponent(id);
        replies.set(key, (replies.get(key) ?? 0) + 1);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `r${total}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    replies,
    total: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `count` customers, `concurrency` at a time, each opening a conversation with a request for a person (the AI hands
 * over: the conversation waits, its handover timer armed); resolves when Baton answered every one at `channel`.
 */
export async function askForPeople(
  batonUrl: string,
  channel: FakeChannel,
  count: number,
  concurrency: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const now = new Date().toISOString();
      const body = JSON.stringify({
        type: 'message',
        id: `bench-${i}`,
        channelId: 'emulator',
        serviceUrl: channel.url,
        timestamp: now,
        localTimestamp: now,
        locale: 'en-GB',
        text: 'Hi, can I talk to a person please?',
        textFormat: 'plain',
        from: { id: `customer-${i}`, name: `Customer ${i}`, role: 'user' },
        recipient: { id: 'bot', name: 'Baton', role: 'bot' },
        conversation: { id: `bench-conv-${i}` },
      });
      const req = http.request(
        `${batonUrl}/api/messages`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`POST ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await post(i);
    }),
  );
  // the handover reply comes from the effect loop, after the message's transaction
  const deadline = Date.now() + 300_000;
  while (channel.replies.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${channel.replies.size} of ${count} customers were answered`);
    onProgress(channel.replies.size);
    await new Promise((r) => setTimeout(r, 200));
  }
  agent.destroy();
}
