// npm run bench -- webchat-feed [--conversations 20] [--per 50] [--database-url postgresql://…]
// The webchat's Direct Line feed shared by several instances (bot/channels/directline/shared-feed.ts) against the
// in-memory feed of one process (the baseline, measured in the same run): appends from many conversations at once,
// each conversation with an open stream (a WebSocket's listener) that must receive every activity once, in order.
// Figures: appends/s, append latency, stream lag (append started → the listener got it), a poll's latency.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { MemoryFeedStore, SharedFeedStore, type FeedStore } from '../../bot/channels/directline/index.ts';
import { openDatabase } from '../../prisma/index.ts';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '20' },
    per: { type: 'string', default: '50' },
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run bench -- webchat-feed [flags]
  --conversations N   conversations appending at once (default 20)
  --per N             activities appended per conversation (default 50)
  --database-url URL  a PostgreSQL server's admin URL; a scratch database bench_webchat_feed is created and dropped`);
  process.exit(0);
}
const conversations = Number(values.conversations);
const per = Number(values.per);

const quantile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
};

async function measure(store: FeedStore) {
  await store.start();
  const convs = await Promise.all(Array.from({ length: conversations }, () => store.create(BUSINESS, 'dl_bench')));
  const sentAt = new Map<string, number>();
  const lags: number[] = [];
  const order = new Map<string, string[]>();
  for (const c of convs) {
    order.set(c.id, []);
    store.listen(c.id, undefined, (batch) => {
      for (const a of batch.activities) {
        order.get(c.id)?.push(String(a.text));
        const t = sentAt.get(String(a.text));
        if (t !== undefined) lags.push(performance.now() - t);
      }
    });
  }
  const appendMs: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    convs.map(async (c, i) => {
      for (let k = 0; k < per; k++) {
        const text = `${i}-${k}`;
        const started = performance.now();
        sentAt.set(text, started);
        await store.append(c.id, { type: 'message', text });
        appendMs.push(performance.now() - started);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const total = conversations * per;
  const until = Date.now() + 10_000;
  while (lags.length < total && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const pollMs: number[] = [];
  for (const c of convs) {
    const s = performance.now();
    await store.since(c.id, String(per - 10));
    pollMs.push(performance.now() - s);
  }
  const inOrder = convs.every(
    (c, i) => (order.get(c.id) ?? []).every((text, k) => text === `${i}-${k}`) && order.get(c.id)?.length === per,
  );
  await store.stop();
  return {
    rate: (total / elapsed) * 1000,
    appendP50: quantile(appendMs, 0.5),
    appendP99: quantile(appendMs, 0.99),
    lagP50: quantile(lags, 0.5),
    lagP99: quantile(lags, 0.99),
    received: lags.length,
    inOrder,
    pollP50: quantile(pollMs, 0.5),
  };
}

const BUSINESS = '00000000-0000-7000-8000-000000000000';
const adminUrl = values['database-url'];
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS bench_webchat_feed');
await admin.query('CREATE DATABASE bench_webchat_feed');
const url = new URL(adminUrl);
url.pathname = '/bench_webchat_feed';
const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
try {
  await db.migrate();
  const memory = await measure(new MemoryFeedStore());
  const shared = await measure(new SharedFeedStore(db, pino({ level: 'silent' })));
  const f = (n: number) => n.toFixed(2);
  console.log(`webchat-feed: ${conversations} conversations × ${per} activities, each conversation streamed`);
  for (const [name, r] of [
    ['memory (baseline)', memory],
    ['PostgreSQL, shared', shared],
  ] as const)
    console.log(
      `${name.padEnd(20)} ${r.rate.toFixed(0).padStart(7)} appends/s  append p50 ${f(r.appendP50)} p99 ${f(r.appendP99)} ms  stream lag p50 ${f(r.lagP50)} p99 ${f(r.lagP99)} ms  received ${r.received}${r.inOrder ? ' in order, once' : ' NOT IN ORDER'}  poll p50 ${f(r.pollP50)} ms`,
    );
  console.log(`ratio (shared / memory appends/s): ${(shared.rate / memory.rate).toFixed(4)}`);
} finally {
  await db.close();
  await admin.query('DROP DATABASE bench_webchat_feed');
  await admin.end();
}
