// npm run bench:broadcast -- [--contacts 100000] [--db pglite|postgres] [--latency-ms 10] [--concurrency 8]
// A broadcast to every contact of one tag, each reachable on a Bot Framework channel that is faked: a send takes
// `latency-ms` and never fails. Prints the time to build the queue, the sends per second the queue feeds with pacing
// lifted, as a ratio to the fake channel's own ceiling measured in the same run (the same sends at the same
// concurrency, straight from a loop, no database), and the peak RSS (targets: ratio ≥ 0.8, peak ≤ 300 MB).
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { createBusiness, createTag } from '../../contacts/index.ts';
import { openDatabase, type Database } from '../../prisma/index.ts';
import { createBroadcast, createBroadcastSender, getBroadcast, type BroadcastChannels } from '../../workflows/index.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'pglite' },
    'latency-ms': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .slice(0, 5)
      .join('\n')
      .replaceAll('// ', ''),
  );
  process.exit(0);
}
const n = Number(values.contacts);
const kind = values.db;
const latencyMs = Number(values['latency-ms']);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(n) || n < 1) throw new Error('--contacts must be a positive whole number');
if (kind !== 'pglite' && kind !== 'postgres') throw new Error('--db must be pglite or postgres');

function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* not Linux */
  }
}
function peakRss(): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return process.memoryUsage.rss();
  }
}
const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

/** The fake channel: each send takes `latencyMs`. */
let delivered = 0;
const fakeSend = () =>
  new Promise<void>((resolve) =>
    setTimeout(() => {
      delivered++;
      resolve();
    }, latencyMs),
  );
const channels: BroadcastChannels = {
  whatsappReady: () => false,
  sendWhatsApp: () => Promise.reject(new Error('not in this benchmark')),
  sendToReference: () => fakeSend(),
};

async function ceiling(): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await fakeSend();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

async function openBenchDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-broadcast-'));
    const db = await openDatabase({ dataDir: dir, optimizedWasmOnly: true });
    return { db, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `baton_bench_broadcast_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  return {
    db,
    drop: async () => {
      if (process.env.BENCH_KEEP) return void console.log(`kept ${name}`);
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

const { db, drop } = await openBenchDatabase();
try {
  await db.migrate();
  const { business } = await createBusiness(db, {
    name: 'Bench',
    country: 'GB',
    admin: { email: 'admin@bench.test', password: 'correct horse battery' },
  });
  const tag = await createTag(db, business.id, 'Everyone', { type: 'system' });
  const t0 = performance.now();
  await db.prisma.$executeRaw`
    INSERT INTO "Contact" (id, "businessId", status, "firstName", "lastName", channel, "updatedAt")
    SELECT gen_random_uuid(), ${business.id}::uuid, 'active', 'C' || g, 'Bench', 'import', now()
    FROM generate_series(1, ${n}) g`;
  await db.prisma.$executeRaw`
    INSERT INTO "ContactTag" ("contactId", "tagId") SELECT id, ${tag.id}::uuid FROM "Contact"
    WHERE "businessId" = ${business.id}::uuid`;
  await db.prisma.$executeRaw`
    INSERT INTO "Conversation" (id, "businessId", channel, "channelConversationId", reference, "contactId", status, "updatedAt")
    SELECT gen_random_uuid(), ${business.id}::uuid, 'emulator', 'conv-' || c.id,
      jsonb_build_object('channelId', 'emulator', 'serviceUrl', 'http://127.0.0.1:9/fake',
        'conversation', jsonb_build_object('id', 'conv-' || c.id), 'bot', jsonb_build_object('id', 'bot')),
      c.id, 'closed', now()
    FROM "Contact" c WHERE c."businessId" = ${business.id}::uuid`;
  await db.query('ANALYZE');
  console.log(
    `${n.toLocaleString('en')} tagged contacts, each with a conversation: ${Math.round(performance.now() - t0)} ms`,
  );

  const ceilingRate = await ceiling();
  delivered = 0;
  resetPeak();
  const logger = pino({ level: 'silent' });
  const sender = createBroadcastSender({ db, channels, logger, instanceId: `bench:${process.pid}`, concurrency });
  const { id } = await createBroadcast(db, business.id, { tags: [tag.id], message: 'Hi {{firstName|there}}' }, null);
  // Queue build: what the sender does first when a broadcast falls due (one INSERT … SELECT of the audience).
  const q0 = performance.now();
  const { queueNextDue } = await import('../../workflows/broadcasts/queue.ts');
  await queueNextDue(db, { now: new Date(), whatsapp: false });
  const queueMs = performance.now() - q0;
  const s0 = performance.now();
  const sent = await sender.drain();
  const sendS = (performance.now() - s0) / 1000;
  const view = await getBroadcast(db, business.id, id);
  const rate = sent / sendS;
  const peak = peakRss();
  console.log(`queue built:        ${Math.round(queueMs)} ms for ${view.counts.total.toLocaleString('en')} recipients`);
  console.log(
    `fake channel alone: ${Math.round(ceilingRate)} sends/s (concurrency ${concurrency}, ${latencyMs} ms a send)`,
  );
  console.log(
    `broadcast sender:   ${Math.round(rate)} sends/s (${sent} sent, ${delivered} delivered, status ${view.status})`,
  );
  console.log(`ratio:              ${(rate / ceilingRate).toFixed(2)} (target ≥ 0.8)`);
  console.log(`peak RSS:           ${mb(peak)} (target ≤ 300 MB) · database ${kind}`);
  if (view.counts.sent !== n || delivered !== n)
    throw new Error(`expected ${n} sent, got ${JSON.stringify(view.counts)}`);
} finally {
  await db.close();
  await drop();
}
