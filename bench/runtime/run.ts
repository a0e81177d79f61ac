// One run of `npm run bench -- runtime` (bench/runtime/index.ts), in a process of its own: the conversation runtime
// alone on PostgreSQL, driven as the `messages` benchmark drives Baton — customers each saying "Hello" then "what are
// your opening hours?" in a conversation of their own, a few at a time — with the offline agent answering from the
// example FAQ, a gateway that sends nothing, an agent's live stream serialising every event, and the relay running.
// Prints one line of JSON: the CPU a message, of the process and of its main thread.
//   node bin/run.mjs bench/runtime/run.ts <database URL> <customers> <at once> <warm-up customers>
import { readdirSync, readFileSync } from 'node:fs';
import { eventText } from '../../bot/http/event-stream.ts';
import { createLogger } from '../../bot/logger.ts';
import { ensureFirstBusiness } from '../../contacts/index.ts';
import { openDatabase } from '../../prisma/index.ts';
import { createAgent, createConversationRuntime, loadFaqFile } from '../../workflows/index.ts';
import { TEXTS } from '../messages/load.ts';

const [url, customersArg, atOnceArg, warmupArg] = process.argv.slice(2);
if (!url || !customersArg || !atOnceArg || !warmupArg)
  throw new Error('usage: run.ts <url> <customers> <at once> <warm-up>');
const customers = Number(customersArg);
const atOnce = Number(atOnceArg);

/** CPU time of each thread of this process so far, µs (from /proc: clock ticks of 10 ms). */
function threadsCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    cpu.set(tid, (Number(fields[11]) + Number(fields[12])) * 10_000);
  }
  return cpu;
}

const db = await openDatabase({ databaseUrl: url, dataDir: '' });
await db.migrate();
await ensureFirstBusiness(db, {
  name: 'Bench Bikes',
  country: 'GB',
  adminEmail: 'admin@bench.test',
  adminPassword: 'correct horse battery staple',
});
const business = await db.prisma.business.findFirstOrThrow({ orderBy: { createdAt: 'asc' } });
const logger = createLogger('warn');
const faqFile = new URL('../../workflows/agent/faq.example.md', import.meta.url).pathname;
const agent = createAgent({ faqMarkdown: await loadFaqFile(faqFile), logger });
const runtime = createConversationRuntime({ db, agent, logger, instanceId: `bench-runtime-${process.pid}` });
let sent = 0;
runtime.registerGateway('*', {
  send: () => {
    sent++;
    return Promise.resolve();
  },
});
let streamed = 0;
runtime.subscribe((event) => {
  streamed += eventText(event).length;
});
await runtime.start();

const tag = `${process.pid}-${Date.now()}`;
let activity = 0;
const customer = async (i: number) => {
  const conversation = `${tag}-${i}`;
  for (const text of TEXTS) {
    const id = `a${++activity}`;
    await runtime.handleInbound({
      businessId: business.id,
      channel: 'emulator',
      channelConversationId: conversation,
      // as inboundFromActivity makes it from the benchmark's activity
      reference: {
        activityId: id,
        user: { id: `customer-${i}`, name: `Customer ${i}`, role: 'user' },
        bot: { id: 'bot', name: 'Bot', role: 'bot' },
        conversation: { id: conversation },
        channelId: 'emulator',
        locale: 'en-GB',
        serviceUrl: 'http://127.0.0.1:9/',
      },
      sender: { profileName: `Customer ${i}`, channelUserId: `customer-${i}` },
      text,
      locale: 'en-GB',
      channelMessageId: id,
    });
  }
};
const drive = async (from: number, n: number) => {
  let next = from;
  await Promise.all(
    Array.from({ length: atOnce }, async () => {
      while (next < from + n) await customer(next++);
    }),
  );
};

await drive(0, Number(warmupArg));
const threads0 = threadsCpu();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await drive(1_000_000, customers);
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
const threads1 = threadsCpu();
const messages = customers * TEXTS.length;
// the main thread's id is the process's
const main = (threads1.get(String(process.pid)) ?? 0) - (threads0.get(String(process.pid)) ?? 0);
await runtime.stop();
await db.close();
console.log(
  JSON.stringify({
    messages,
    perSecond: Math.round(messages / seconds),
    cpuUs: Math.round((cpu.user + cpu.system) / messages),
    userUs: Math.round(cpu.user / messages),
    systemUs: Math.round(cpu.system / messages),
    mainThreadUs: Math.round(main / messages),
    replies: sent,
    streamedBytes: streamed,
  }),
);
