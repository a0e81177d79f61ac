// npm run bench -- waiting [--db postgres|pglite] [--waiting N] [--sample N] [--due N] [--window S] [--down S]
// Conversations waiting for a person, handed over for real by a Baton server (a customer asks for a person through
// POST /api/messages; the AI hands over; the handover timer is armed), then copied in SQL to N, row for row as the
// runtime wrote them. Baton runs in a process of its own; the benchmark reads its memory from /proc and each timer's
// lateness (firedAt − dueAt) from the timer rows. Phases:
//   1. baseline: the sample alone waiting (1,000), `--due` timers due evenly over `--window` seconds;
//   2. N waiting, the same number of timers over the same window: peak RSS, RSS, lateness, ratios to 1;
//   3. restart: the same again, Baton killed (SIGKILL) a third into the window, started again `--down` s later:
//      lateness of the timers due while it was down (late rather than never) and of those due after it started.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type Database } from '../../prisma/index.ts';
import { startBaton, type BatonProcess, type Memory } from './baton-process.ts';
import { askForPeople, fakeChannel } from './channel.ts';
import {
  armWindow,
  copyConversations,
  keepTemplate,
  pendingTimers,
  timersDue,
  waitingCount,
  type Fired,
} from './fill.ts';

const usage = `npm run bench -- waiting [options]
  --db postgres|pglite   the database (default postgres)
  --waiting N            conversations waiting for a person at once (default 100000)
  --sample N             of which handed over for real through Baton's HTTP endpoint (default 1000); the rest are copies
  --due N                timers that fall due in each measured window (default 200)
  --window S             the window's length in seconds (default 20: 10 timers a second)
  --burst N              then N timers due at one instant, at N waiting: how fast Baton fires (default 1000)
  --down S               how long Baton stays down in the restart phase (default 5)
  --profile DIR          write a CPU profile of each Baton process there (node --cpu-prof)
  --help                 this text`;
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    waiting: { type: 'string', default: '100000' },
    sample: { type: 'string', default: '1000' },
    due: { type: 'string', default: '200' },
    window: { type: 'string', default: '20' },
    burst: { type: 'string', default: '1000' },
    down: { type: 'string', default: '5' },
    profile: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.profile) process.env.BATON_BENCH_PROFILE_DIR = path.resolve(values.profile);
const kind = values.db;
if (kind !== 'pglite' && kind !== 'postgres') throw new Error('--db must be pglite or postgres');
const whole = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
  return n;
};
const total = whole('waiting', values.waiting, 10);
const sample = whole('sample', values.sample, 10);
const due = whole('due', values.due, 10);
const windowMs = whole('window', values.window, 1) * 1000;
const downMs = whole('down', values.down, 0) * 1000;
const burst = whole('burst', values.burst, 0);
if (total % sample !== 0) throw new Error('--waiting must be a multiple of --sample');
if (due > sample) throw new Error('--due must be at most --sample (the baseline fires the sample’s timers)');

const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

// The database, and how Baton is told to open it.
let env: Record<string, string>;
let open: () => Promise<Database>;
let cleanup: () => Promise<void>;
if (kind === 'postgres') {
  const admin = process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `baton_bench_waiting_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  env = { DATABASE_URL: url.toString(), BATON_DATA_DIR: path.join(os.tmpdir(), name) };
  open = () => openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  cleanup = async () => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
    await rm(env.BATON_DATA_DIR!, { recursive: true, force: true });
  };
} else {
  const dir = path.join(os.tmpdir(), `baton-bench-waiting-${process.pid}`);
  env = { DATABASE_URL: '', BATON_DATA_DIR: dir };
  open = () => openDatabase({ dataDir: dir, optimizedWasmOnly: true });
  cleanup = () => rm(dir, { recursive: true, force: true });
}
/** Runs `fn` on the database while no Baton holds it (PGlite allows one process). */
async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

interface Lateness {
  count: number;
  fired: number;
  p50: number;
  p99: number;
  max: number;
}
function lateness(rows: Fired[]): Lateness {
  const late = rows.flatMap((r) => (r.lateMs === null ? [] : [r.lateMs]));
  return {
    count: rows.length,
    fired: late.length,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    max: late.length ? Math.max(...late) : NaN,
  };
}
const ms = (x: number) => (Number.isNaN(x) ? '–' : `${Math.round(x)} ms`);
const describe = (l: Lateness) =>
  `${l.fired}/${l.count} fired; lateness p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)}`;

/** Arms `due` timers over the window starting `leadMs` after Baton would be ready, runs Baton through it. */
async function windowPhase(
  label: string,
  startupMs: number,
): Promise<{ memory: Memory; late: Lateness; startupMs: number }> {
  const leadMs = startupMs + 3000;
  const [from, to] = await withDb((db) => armWindow(db, due, new Date(Date.now() + leadMs), windowMs));
  const baton = await startBaton(env, label);
  await sleep(to.getTime() - Date.now() + 3000);
  const memory = await settle(baton);
  const late = lateness(await withDb((db) => timersDue(db, from, to)));
  log(`${label}: ${describe(late)}; Baton's peak RSS ${mb(memory.hwm)}, RSS at the end ${mb(memory.rss)}`);
  return { memory, late, startupMs: baton.readyAt - baton.spawnedAt };
}

/** Stops Baton cleanly and returns its memory just before. */
async function settle(baton: BatonProcess): Promise<Memory> {
  return baton.stop('SIGTERM');
}

const channel = await fakeChannel();
try {
  await withDb(async (db) => {
    await db.migrate();
  });
  // The business Baton creates at its first start; handovers time out after a day, so that only the timers a
  // phase arms fall due while it runs.
  let baton = await startBaton(env, 'setup');
  await baton.stop('SIGTERM');
  await withDb((db) => db.query(`UPDATE "Business" SET "handoverTimeoutSeconds" = 86400`));

  log(`handing over ${sample} conversations for real (POST /api/messages, 8 customers at once) on ${kind}`);
  baton = await startBaton(env, 'sample');
  const t0 = Date.now();
  await askForPeople(baton.url, channel, sample, 8, (n) => process.stderr.write(`\r${n}/${sample}`));
  const sampleSeconds = (Date.now() - t0) / 1000;
  const sampleMemory = await baton.stop('SIGTERM');
  const startupMs = baton.readyAt - baton.spawnedAt;
  await withDb(async (db) => {
    const waiting = await waitingCount(db);
    if (waiting !== sample) throw new Error(`${waiting} conversations wait, not ${sample}`);
    await keepTemplate(db);
  });
  log(
    `${sample} handed over in ${sampleSeconds.toFixed(1)} s (${Math.round(sample / sampleSeconds)}/s); ` +
      `Baton's peak RSS meanwhile ${mb(sampleMemory.hwm)}`,
  );

  // 1. Baseline: the sample alone.
  const base = await windowPhase(`baseline, ${sample} waiting`, startupMs);

  // 2. N waiting.
  const copies = total / sample - 1;
  const tFill = Date.now();
  await withDb((db) =>
    copyConversations(db, copies, (k) => process.stderr.write(`\rcopies: ${k * sample}/${copies * sample}`)),
  );
  const [waiting, pending] = await withDb(async (db) => [await waitingCount(db), await pendingTimers(db)]);
  log(
    `copied to ${waiting} waiting conversations (${pending} armed timers) in ${((Date.now() - tFill) / 1000).toFixed(0)} s`,
  );
  const full = await windowPhase(`${waiting} waiting`, base.startupMs);

  // 2b. Capacity: `--burst` timers due at one instant; how long Baton takes to fire them all.
  let burstLine = '';
  if (burst > 0) {
    const [at] = await withDb((db) => armWindow(db, burst, new Date(Date.now() + full.startupMs + 3000), 0));
    const b = await startBaton(env, 'burst');
    let rows: Fired[] = [];
    for (let i = 0; i < 600; i++) {
      await sleep(Math.max(1000, at.getTime() - Date.now() + 1000));
      // PGlite: only Baton may open the database meanwhile, so the count waits until the end (Baton stops at 60 s)
      if (kind === 'pglite' && Date.now() < at.getTime() + 60_000) continue;
      if (kind === 'postgres') {
        rows = await withDb((db) => timersDue(db, at, at));
        if (rows.every((r) => r.lateMs !== null)) break;
      } else break;
    }
    await b.stop('SIGTERM');
    rows = await withDb((db) => timersDue(db, at, at));
    const l = lateness(rows);
    burstLine =
      `burst: ${l.fired}/${l.count} timers due at one instant at ${waiting} waiting, the last fired after ` +
      `${ms(l.max)}: ${Math.round((l.fired * 1000) / l.max)} timers/s`;
    log(burstLine);
  }

  // 3. Restart: timers at the same rate, over a quarter window before the kill, the time Baton is down and starting,
  // and a whole window after it started; killed (SIGKILL), up again `--down` s later.
  const beforeKillMs = windowMs / 4;
  const restartMs = beforeKillMs + downMs + full.startupMs + windowMs;
  const [from, to] = await withDb((db) =>
    armWindow(db, Math.round((due * restartMs) / windowMs), new Date(Date.now() + full.startupMs + 3000), restartMs),
  );
  baton = await startBaton(env, 'before the restart');
  await sleep(from.getTime() + beforeKillMs - Date.now());
  const killedAt = Date.now();
  await baton.stop('SIGKILL');
  await sleep(downMs);
  const again = await startBaton(env, 'after the restart');
  await sleep(to.getTime() - Date.now() + 3000);
  const restartMemory = await settle(again);
  const rows = await withDb((db) => timersDue(db, from, to));
  const before = lateness(rows.filter((r) => r.dueAt.getTime() < killedAt));
  const down = lateness(rows.filter((r) => r.dueAt.getTime() >= killedAt && r.dueAt.getTime() < again.spawnedAt));
  const starting = lateness(
    rows.filter((r) => r.dueAt.getTime() >= again.spawnedAt && r.dueAt.getTime() < again.readyAt),
  );
  const after = lateness(rows.filter((r) => r.dueAt.getTime() >= again.readyAt));
  log(
    `restart: Baton killed ${Math.round(killedAt - from.getTime())} ms into the window, ${downMs / 1000} s down, ` +
      `listening again ${again.readyAt - again.spawnedAt} ms after it was started`,
  );

  const load = os.loadavg().map((x) => x.toFixed(1));
  const table = [
    ['phase', 'timers fired', 'lateness p50', 'p99', 'max', 'peak RSS (VmHWM)', 'RSS at the end'],
    [
      `baseline: ${sample} waiting`,
      `${base.late.fired}/${base.late.count}`,
      ms(base.late.p50),
      ms(base.late.p99),
      ms(base.late.max),
      mb(base.memory.hwm),
      mb(base.memory.rss),
    ],
    [
      `${waiting} waiting`,
      `${full.late.fired}/${full.late.count}`,
      ms(full.late.p50),
      ms(full.late.p99),
      ms(full.late.max),
      mb(full.memory.hwm),
      mb(full.memory.rss),
    ],
    [
      'restart: due before the kill',
      `${before.fired}/${before.count}`,
      ms(before.p50),
      ms(before.p99),
      ms(before.max),
      '',
      '',
    ],
    [
      'restart: due while down (overdue)',
      `${down.fired}/${down.count}`,
      ms(down.p50),
      ms(down.p99),
      ms(down.max),
      '',
      '',
    ],
    [
      'restart: due while starting',
      `${starting.fired}/${starting.count}`,
      ms(starting.p50),
      ms(starting.p99),
      ms(starting.max),
      '',
      '',
    ],
    [
      'restart: due after it started',
      `${after.fired}/${after.count}`,
      ms(after.p50),
      ms(after.p99),
      ms(after.max),
      mb(restartMemory.hwm),
      mb(restartMemory.rss),
    ],
  ];
  console.log(
    `\nwaiting on ${kind}: ${due} timers due over ${windowMs / 1000} s in each phase; load average ${load.join(' ')}`,
  );
  for (const row of table) console.log(`| ${row.join(' | ')} |`);
  const perConversation = (full.memory.rss - base.memory.rss) / (waiting - sample);
  console.log(
    `\nratios to the baseline (${sample} waiting): peak RSS ${(full.memory.hwm / base.memory.hwm).toFixed(2)}, ` +
      `RSS ${(full.memory.rss / base.memory.rss).toFixed(2)} (${perConversation.toFixed(0)} bytes a conversation), ` +
      `lateness p99 ${(full.late.p99 / base.late.p99).toFixed(2)}`,
  );
  const worstHwm = Math.max(full.memory.hwm, restartMemory.hwm);
  const targets = [
    `peak RSS ≤ 400 MB: ${worstHwm <= 400 * 1024 * 1024 ? 'met' : 'MISSED'} (${mb(worstHwm)})`,
    `p99 ≤ 1 s at ${waiting}: ${full.late.p99 <= 1000 && full.late.fired === full.late.count ? 'met' : 'MISSED'}`,
    `p99 ≤ 1 s after the restart: ${after.p99 <= 1000 && after.fired === after.count ? 'met' : 'MISSED'}`,
    `every overdue timer fired: ${down.fired === down.count ? 'yes' : 'NO'}`,
  ];
  console.log(`targets: ${targets.join('; ')}`);
  if (burstLine) console.log(burstLine);
} finally {
  await channel.close();
  await cleanup();
}
