// npm run bench -- runtime [--customers 2000] [--at-once 20] [--warmup 500] [--rounds 3] [--vs DIR]
//   [--database NAME] [--fresh]
// The CPU a customer message costs the conversation runtime alone (no HTTP, no botbuilder), on PostgreSQL: each run a
// process of its own (bench/runtime/run.ts) driving `handleInbound` as the `messages` benchmark drives Baton, measured
// with process.cpuUsage and the main thread's CPU from /proc after a warm-up. On a shared machine a rate moves with the
// load more than with the code: with `--vs DIR` (another checkout, with this bench/runtime/run.ts copied in if it has
// none) each round runs both, the order alternating, so that a pair shares the same load.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    'at-once': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    vs: { type: 'string' },
    database: { type: 'string', default: 'baton_bench_runtime' },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`npm run bench -- runtime [options]
  --customers N   measured customers, 2 messages each (default 2000), after --warmup customers (default 500)
  --at-once N     customers at once (default 20)
  --rounds N      runs of each checkout (default 3)
  --vs DIR        also run DIR's runtime (another checkout: its bench/runtime/run.ts), alternated with this one's
  --database NAME the PostgreSQL database (default baton_bench_runtime), created and migrated when missing;
                  --fresh drops it first
PostgreSQL: BATON_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server.`);
  process.exit(0);
}
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const checkouts = [ROOT, ...(values.vs ? [path.resolve(values.vs)] : [])];
for (const dir of checkouts)
  if (!existsSync(path.join(dir, 'bench/runtime/run.ts')))
    throw new Error(`${dir} has no bench/runtime/run.ts: copy this checkout's in`);

const adminUrl = process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const name = values.database;
if (!/^\w+$/.test(name)) throw new Error('--database: letters, digits and _ only');
if (values.fresh) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount)
  await admin.query(`CREATE DATABASE "${name}"`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${name}`;

interface Run {
  perSecond: number;
  cpuUs: number;
  mainThreadUs: number;
}
const results = new Map<string, Run[]>(checkouts.map((d) => [d, []]));
const rounds = Number(values.rounds);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? checkouts : [...checkouts].reverse();
  for (const dir of order) {
    // as the server runs (package.json's start)
    const child = spawnSync(
      process.execPath,
      [
        '--max-semi-space-size=8',
        path.join(dir, 'bin/run.mjs'),
        path.join(dir, 'bench/runtime/run.ts'),
        url.toString(),
        values.customers,
        values['at-once'],
        values.warmup,
      ],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, MALLOC_ARENA_MAX: '1', BATON_ENV_FILE: '' } },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${dir}: ${child.stderr || child.stdout}`);
    const run = JSON.parse(line) as Run;
    results.get(dir)!.push(run);
    console.log(`${dir === ROOT ? 'this' : 'vs  '} ${line}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('\n| checkout | CPU µs/message (median, all) | main thread µs/message | messages/s |');
console.log('| --- | --- | --- | --- |');
for (const [dir, runs] of results)
  console.log(
    `| ${dir} | ${median(runs.map((r) => r.cpuUs))} (${runs.map((r) => r.cpuUs).join(', ')}) | ${median(runs.map((r) => r.mainThreadUs))} | ${median(runs.map((r) => r.perSecond))} |`,
  );
