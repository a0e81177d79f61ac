// npm run bench -- messages [--customers 20] [--seconds 15] [--runs echo,durable-echo,pglite,postgres,two]
//   [--profile DIR [--cpu-only]]
// Issue 18's message-path benchmark. Virtual customers talk to a bot over the Bot Framework protocol (bench/messages/
// load.ts): each starts conversations, says "Hello" and "what are your opening hours?", and waits for the bot's reply at
// a local serviceUrl before the next. Runs, one after another in this process's lifetime: the baseline, a bare
// botbuilder CloudAdapter echo bot; the same echo bot storing each message and its reply in PostgreSQL (two INSERTs on
// the `pg` driver before it replies: the floor of any bot that keeps its messages durably); Baton on the embedded
// PGlite; Baton on PostgreSQL; two Baton processes on one PostgreSQL, the requests taken in turn (and, on request, two
// echo bot processes). Each Baton is a real server process (`npm start`'s entry, local-only Bot Framework mode, the
// offline agent answering from the FAQ example). An agent's live stream is open on every Baton meanwhile, and the lag
// of customers' messages on it is measured.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freePort } from '../support/free-port.ts';
import { agentStream, channelServer, percentile, postJson, runLoad, type Channel, type LoadResult } from './load.ts';

const usage = `npm run bench -- messages [options]
  --customers N        virtual customers at once (default 20)
  --seconds N          measured seconds per run (default 15), after --warmup seconds (default 3)
  --runs LIST          which runs, in order, comma-separated (default echo,durable-echo,pglite,postgres,two):
                         echo          the baseline, a bare botbuilder CloudAdapter echo bot
                         durable-echo  the echo bot storing each message and its reply in PostgreSQL before replying
                         pglite, postgres, two   Baton on PGlite, on PostgreSQL, two Batons on one PostgreSQL
                         echo-two      two echo bot processes, the requests taken in turn (not in the default)
                         channel       Baton's Bot Framework channel alone, no database: its route and gateway,
                                       a stand-in runtime replying at once (not in the default)
  --database NAME      the PostgreSQL database the runs create and drop (default baton_bench_messages)
  --profile DIR        also write each server's CPU profile (node --cpu-prof; the echo bots' too, to compare) and
                       the statements it sent to PostgreSQL in the measured window (counted in the process, per
                       inbound message) to DIR
  --cpu-only           with --profile: the CPU profiles only, no statement counting (it costs the server CPU)
  --node-args ARGS     the Baton servers' Node options (default "--max-semi-space-size=8"), to compare settings
  --help               this text
CPU per message: the servers' (user + system, from /proc) plus, on PostgreSQL, its backends' (those connected to
the benchmark's database; the server runs on this machine).
PostgreSQL: BATON_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server.`;
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    runs: { type: 'string', default: 'echo,durable-echo,pglite,postgres,two' },
    database: { type: 'string', default: 'baton_bench_messages' },
    profile: { type: 'string' },
    'cpu-only': { type: 'boolean', default: false },
    'node-args': { type: 'string', default: '--max-semi-space-size=8' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const customers = Number(values.customers);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
if (!Number.isInteger(customers) || customers < 1) throw new Error('--customers must be a positive whole number');
if (!(seconds > 0) || !(warmup >= 0)) throw new Error('--seconds must be positive, --warmup not negative');
const RUNS = ['echo', 'durable-echo', 'echo-two', 'channel', 'pglite', 'postgres', 'two'] as const;
type RunName = (typeof RUNS)[number];
const runs = values.runs.split(',').map((r) => r.trim()) as RunName[];
for (const r of runs) if (!RUNS.includes(r)) throw new Error(`--runs: unknown run ${r} (${RUNS.join(', ')})`);
const countStatements = !values['cpu-only'];
const profileDir = values.profile ? path.resolve(values.profile) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const adminUrl = process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN = { email: 'admin@bench.test', password: 'correct horse battery staple' };

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  countsFile?: string;
}

/** CPU time (user + system) a process used so far, in ms (Linux /proc). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return NaN;
  }
}

function start(name: string, entry: string, args: string[], env: Record<string, string>, profile: boolean): Server {
  const nodeArgs = name.startsWith('baton-')
    ? values['node-args'].split(' ').filter(Boolean)
    : ['--max-semi-space-size=8'];
  let countsFile: string | undefined;
  if (profile && profileDir) {
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
    if (countStatements) nodeArgs.push('--import', path.join(ROOT, 'bench/messages/count-statements.mjs'));
    if (countStatements) countsFile = path.join(profileDir, `${name}.statements.json`);
  }
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/run.mjs'), entry, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MALLOC_ARENA_MAX: '1',
      BATON_ENV_FILE: '',
      ...(countsFile ? { BATON_BENCH_COUNTS: countsFile } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  child.stderr?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  return { name, url: '', child, output: () => out, ...(countsFile ? { countsFile } : {}) };
}

async function waitReady(s: Server, url: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (s.child.exitCode !== null) throw new Error(`${s.name} exited:\n${s.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`${s.name} did not start:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = once(s.child, 'exit');
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const ECHO = 'bare botbuilder CloudAdapter echo bot';
const ECHO_TWO = 'two echo bots';
const DURABLE_ECHO = 'echo bot storing its messages in PostgreSQL';
const CHANNEL = "Baton's Bot Framework channel alone (no database)";

async function startEcho(name: string, databaseUrl?: string): Promise<Server> {
  const port = await freePort();
  const args = [String(port), ...(databaseUrl ? [databaseUrl] : [])];
  const s = start(name, 'bench/messages/echo-bot.ts', args, {}, Boolean(profileDir));
  s.url = `http://127.0.0.1:${port}`;
  await waitReady(s, `${s.url}/`);
  return s;
}

async function startBaton(name: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const s = start(
    name,
    'bot/main.ts',
    [],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BATON_BUSINESS_NAME: 'Bench Bikes',
      BATON_ADMIN_EMAIL: ADMIN.email,
      BATON_ADMIN_PASSWORD: ADMIN.password,
      BATON_TOKEN_SECRET: 'bench-messages-token-secret-0123456789abcdef',
      BATON_FAQ_FILE: path.join(ROOT, 'workflows/agent/faq.example.md'),
      BATON_PUBLIC_REQUESTS_PER_MINUTE: '10000000',
      ...env,
    },
    Boolean(profileDir),
  );
  s.url = `http://127.0.0.1:${port}`;
  await waitReady(s, `${s.url}/healthz`);
  return s;
}

/** Resets a server's statement counts (window start) or writes them (window end). */
async function signalCounts(s: Server): Promise<void> {
  if (!s.countsFile) return;
  s.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
}

/**
 * CPU time so far of each PostgreSQL backend connected to `database` (the server runs on this machine: its processes
 * are readable in /proc). What the database itself spends on a run's messages, which the servers' CPU leaves out.
 */
async function backendCpu(database: string): Promise<Map<number, number>> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      database,
    ]);
    return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
  } finally {
    await admin.end();
  }
}

interface Row {
  run: string;
  load: LoadResult;
  cpuMsPerMessage: number;
  /** PostgreSQL's backends (of the benchmark's database), per message */
  dbCpuMsPerMessage: number;
  lags: number[];
  statements?: { perMessage: number; transactionsPerMessage: number; top: [string, number][] };
}
const rows: Row[] = [];

async function measure(
  run: string,
  servers: Server[],
  channel: Channel,
  options: { streams: boolean; postgres: boolean },
): Promise<Row> {
  const streams = options.streams;
  let db0 = new Map<number, number>();
  let dbCpu = NaN;
  const agents: ReturnType<typeof agentStream>[] = [];
  if (streams) {
    for (const s of servers) {
      const { token } = await postJson<{ token: string }>(`${s.url}/api/v1/auth/login`, ADMIN);
      const a = agentStream(s.url, token);
      await a.ready;
      agents.push(a);
    }
  }
  const cpu0 = new Map<Server, number>();
  const load = await runLoad({
    bots: servers.map((s) => `${s.url}/api/messages`),
    channel,
    customers,
    warmupMs: warmup * 1000,
    measureMs: seconds * 1000,
    tag: `${run}-${Date.now()}`,
    onWindow: async (edge) => {
      if (edge === 'start') {
        for (const s of servers) cpu0.set(s, cpuMs(s.child.pid));
        if (options.postgres) db0 = await backendCpu(values.database);
        for (const a of agents) a.count(true);
        await Promise.all(servers.map(signalCounts));
      } else {
        for (const a of agents) a.count(false);
        for (const s of servers) cpu0.set(s, cpuMs(s.child.pid) - (cpu0.get(s) ?? NaN));
        if (options.postgres) {
          // a backend that ended in the window is missed; one that started in it counts whole
          const db1 = await backendCpu(values.database);
          dbCpu = [...db1].reduce((sum, [pid, ms]) => sum + (Number.isFinite(ms) ? ms - (db0.get(pid) ?? 0) : 0), 0);
        }
        await Promise.all(servers.map(signalCounts));
      }
    },
  });
  // the events still in flight when the window closed
  await new Promise((r) => setTimeout(r, 1500));
  for (const a of agents) a.close();
  const cpu = [...cpu0.values()].reduce((a, b) => a + b, 0);
  const row: Row = {
    run,
    load,
    cpuMsPerMessage: cpu / Math.max(1, load.messages),
    dbCpuMsPerMessage: dbCpu / Math.max(1, load.messages),
    lags: agents.flatMap((a) => a.lags),
  };
  const counted = servers.filter((s) => s.countsFile);
  if (counted.length) {
    let statements = 0;
    let transactions = 0;
    const byStatement = new Map<string, number>();
    for (const s of counted) {
      const c = JSON.parse(readFileSync(s.countsFile!, 'utf8')) as {
        statements: number;
        transactions: number;
        byStatement: [string, number][];
      };
      statements += c.statements;
      transactions += c.transactions;
      for (const [k, v] of c.byStatement) byStatement.set(k, (byStatement.get(k) ?? 0) + v);
    }
    // POSTs answered in the window, not only those counted (a message's statements fall in the window either way)
    const n = Math.max(1, load.messages + load.failed);
    row.statements = {
      perMessage: statements / n,
      transactionsPerMessage: transactions / n,
      top: [...byStatement.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25),
    };
  }
  rows.push(row);
  const ms = percentile(load.latencies, 50);
  console.log(
    `  ${run}: ${(load.messages / load.seconds).toFixed(1)} messages/s, p50 ${ms.toFixed(1)} ms, ` +
      `p99 ${percentile(load.latencies, 99).toFixed(1)} ms, ${load.failed} failed, ` +
      `${row.cpuMsPerMessage.toFixed(1)} ms CPU/message (server)` +
      (Number.isFinite(row.dbCpuMsPerMessage) ? ` + ${row.dbCpuMsPerMessage.toFixed(1)} (PostgreSQL)` : '') +
      (row.lags.length ? `, live lag p99 ${percentile(row.lags, 99)} ms (${row.lags.length} events)` : ''),
  );
  return row;
}

async function withPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = values.database;
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

const channel = await channelServer();
const started: Server[] = [];
const cleanup = async () => {
  await Promise.all(started.map(stop));
  started.length = 0;
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  console.log(`messages: ${customers} customers, ${warmup} s warm-up + ${seconds} s measured per run`);
  for (const run of runs) {
    if (run === 'echo' || run === 'echo-two') {
      for (let i = 1; i <= (run === 'echo-two' ? 2 : 1); i++) started.push(await startEcho(`${run}-${i}`));
      await measure(run === 'echo' ? ECHO : ECHO_TWO, started, channel, { streams: false, postgres: false });
      await cleanup();
    } else if (run === 'channel') {
      const port = await freePort();
      const s = start(run, 'bench/messages/channel-bot.ts', [String(port)], {}, Boolean(profileDir));
      s.url = `http://127.0.0.1:${port}`;
      started.push(s);
      await waitReady(s, `${s.url}/`);
      await measure(CHANNEL, started, channel, { streams: false, postgres: false });
      await cleanup();
    } else if (run === 'durable-echo') {
      await withPostgres(async (url) => {
        started.push(await startEcho(run, url));
        await measure(DURABLE_ECHO, started, channel, { streams: false, postgres: true });
        await cleanup();
      });
    } else if (run === 'pglite') {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-messages-'));
      try {
        started.push(await startBaton('baton-pglite', { BATON_DATA_DIR: dir }));
        await measure('Baton, embedded PGlite', started, channel, { streams: true, postgres: false });
        await cleanup();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      await withPostgres(async (url) => {
        started.push(await startBaton(`baton-${run}-1`, { DATABASE_URL: url }));
        if (run === 'two') started.push(await startBaton(`baton-${run}-2`, { DATABASE_URL: url }));
        const name = run === 'two' ? 'two Batons, one PostgreSQL' : 'Baton, PostgreSQL';
        await measure(name, started, channel, { streams: true, postgres: true });
        await cleanup();
      });
    }
  }
} finally {
  await cleanup();
  await channel.close();
}

// The report.
const rate = (r: Row) => r.load.messages / r.load.seconds;
const echo = rows.find((r) => r.run === ECHO);
const one = rows.find((r) => r.run === 'Baton, PostgreSQL');
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
})();
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
console.log(
  `\nmessages, ${customers} customers, ${seconds} s each, ${new Date().toISOString()}, commit ${commit}, ` +
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}${profileDir ? ' (profiling: --cpu-prof and statement counting slow the servers)' : ''}`,
);
console.log(
  '| run | messages/s | p50 | p99 | ratio to echo bot | CPU ms/message (server + PostgreSQL) | failed | target |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const ratio = echo ? rate(r) / rate(echo) : NaN;
  const p99 = percentile(r.load.latencies, 99);
  let target = '';
  if (r.run === 'Baton, PostgreSQL') target = `≥ 0.5 and p99 ≤ 50 ms: ${ratio >= 0.5 && p99 <= 50 ? 'met' : 'MISSED'}`;
  if (r.run === 'Baton, embedded PGlite') target = `≥ 0.3: ${ratio >= 0.3 ? 'met' : 'MISSED'}`;
  if (r.run === ECHO_TWO && echo) target = `${(rate(r) / rate(echo)).toFixed(2)}× one echo bot`;
  if (r.run === 'two Batons, one PostgreSQL' && one) {
    const x = rate(r) / rate(one);
    target = `${x.toFixed(2)}× one instance (≥ 1.6×): ${x >= 1.6 ? 'met' : 'MISSED'}`;
  }
  console.log(
    `| ${r.run} | ${f(rate(r))} | ${f(percentile(r.load.latencies, 50))} ms | ${f(p99)} ms | ${Number.isFinite(ratio) ? ratio.toFixed(3) : '–'} | ` +
      `${f(r.cpuMsPerMessage)}${Number.isFinite(r.dbCpuMsPerMessage) ? ` + ${f(r.dbCpuMsPerMessage)}` : ''} | ` +
      `${r.load.failed} | ${target} |`,
  );
}
const withLag = rows.filter((r) => r.lags.length);
if (withLag.length) {
  console.log('\nlive updates: a customer message, from stored to on an agent’s stream (on every instance)');
  console.log('| run | events | p50 | p99 | max | target p99 ≤ 1 s |');
  console.log('|---|---|---|---|---|---|');
  for (const r of withLag) {
    const p99 = percentile(r.lags, 99);
    console.log(
      `| ${r.run} | ${r.lags.length} | ${percentile(r.lags, 50)} ms | ${p99} ms | ${Math.max(...r.lags)} ms | ` +
        `${p99 <= 1000 ? 'met' : 'MISSED'} |`,
    );
  }
}
for (const r of rows.filter((x) => x.statements)) {
  const s = r.statements!;
  console.log(
    `\n${r.run}: ${s.perMessage.toFixed(1)} statements and ${s.transactionsPerMessage.toFixed(1)} transactions ` +
      `per inbound message (PostgreSQL, counted in the server); the most frequent:`,
  );
  const n = Math.max(1, r.load.messages + r.load.failed);
  for (const [sql, count] of s.top) console.log(`  ${(count / n).toFixed(2)}  ${sql}`);
}
if (profileDir) console.log(`\nCPU profiles and statement counts: ${profileDir}`);
