// npm run bench:import -- --rows 100000 [--db pglite|postgres] [--batch N (default: the import's own)] [--skip-ceiling]
// Generates an Outlook-style CSV, measures two ceilings (parse + normalise, no database: with Baton's patch of
// libphonenumber-js and with the library as published), then imports it into a fresh database and prints rows/s, peak
// RSS, CPU time per row by thread, and the ratio against each ceiling.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createBusiness } from '../../contacts/index.ts';
import { createImport, importReport, runImport, startImport } from '../../contacts/import/index.ts';
import { workerBundle } from '../../contacts/import/read-batches-in-worker.ts';
import { openDatabase, type Database } from '../../prisma/index.ts';
import type { Ceiling } from './ceiling.ts';
import { generateOutlookCsv } from './generate.ts';
import { runInstances } from './instances.ts';

const usage = `npm run bench:import -- [options]   (or: npm run bench -- import [options])
  --rows N          rows of the generated CSV (default 100000)
  --db pglite|postgres   the database (default pglite)
  --batch N         rows a batch (default: the import's own)
  --skip-ceiling    skip the two parse + normalise ceilings
  --instances N     (postgres) N instances (processes) importing the file at once, each into its own business,
                    against one instance alone, in the same run (an import is carried by one instance)
  --help            this text`;
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'pglite' },
    batch: { type: 'string' },
    'skip-ceiling': { type: 'boolean', default: false },
    instances: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const rows = Number(values.rows);
const kind = values.db;
if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive whole number');
if (kind !== 'pglite' && kind !== 'postgres') throw new Error('--db must be pglite or postgres');
const instances = values.instances === undefined ? undefined : Number(values.instances);
if (instances !== undefined && (!Number.isInteger(instances) || instances < 2 || kind !== 'postgres'))
  throw new Error('--instances must be a whole number ≥ 2, with --db postgres');

// Peak RSS: the kernel's high-water mark of this process (VmHWM), reset at the start of each phase through
// /proc/self/clear_refs (Linux). A sampler alone misses peaks: it runs on the main thread, which PGlite's statements
// hold for hundreds of milliseconds. The sampler stays for the breakdown at its highest sample, and where /proc is
// not there.
let peak = 0;
let atPeak: NodeJS.MemoryUsage | undefined;
function resetPeak(): void {
  peak = 0;
  atPeak = undefined;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the sampler's peak only
  }
}
function peakRss(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.max(peak, Number(kb) * 1024);
  } catch {
    // not Linux
  }
  return peak;
}
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peak) {
    peak = rss;
    atPeak = process.memoryUsage();
  }
}, 100);
const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

// CPU time by thread (Linux /proc): where the import's work goes on a machine of few cores, where every thread
// competes for the same CPUs. The main thread, the process's other threads alive at the end (V8's helpers — mostly
// garbage collection: --single-threaded-gc took them from ~14 to ~2 µs a row — and libuv's) and, by difference from
// the process's total, the reader's worker thread (gone when the import ends); and every local PostgreSQL process
// (its dead backends' time counted through the postmaster's children's time).
const TICK_MS = 10; // USER_HZ is 100 on Linux
function taskTicks(stat: string, children = false): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
}
function threadsMs(): { main: number; helpers: number } | undefined {
  try {
    let main = 0;
    let helpers = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const t = taskTicks(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')) * TICK_MS;
      if (Number(tid) === process.pid) main += t;
      else helpers += t;
    }
    return { main, helpers };
  } catch {
    return undefined;
  }
}
function postgresMs(): number | undefined {
  try {
    let total = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      if (stat.includes('(postgres)')) total += taskTicks(stat, true) * TICK_MS;
    }
    return total;
  } catch {
    return undefined;
  }
}

const file = path.join(os.tmpdir(), `baton-bench-outlook-${rows}.csv`);
if (!existsSync(file)) {
  const t = performance.now();
  await generateOutlookCsv(file, rows);
  console.log(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// Ceilings: the same parsing and the same row rules (libphonenumber-js/max), no database, one thread — with
// libphonenumber-js as the import runs it (Baton's patch: each pattern compiled once) and as published. Each runs in a
// worker thread of its own (ceiling-worker.ts), alone, with the same settings.
let ceiling = NaN;
let stock = NaN;
if (!values['skip-ceiling']) {
  const c = await ceilingInWorker(file, false);
  ceiling = c.rows / c.seconds;
  console.log(`ceiling (parse + normalise, no database): ${Math.round(ceiling)} rows/s, ${c.valid}/${c.rows} valid`);
  const s = await ceilingInWorker(file, true);
  stock = s.rows / s.seconds;
  console.log(
    `ceiling with libphonenumber-js as published (without Baton's patch): ${Math.round(stock)} rows/s, ${s.valid}/${s.rows} valid`,
  );
  if (s.valid !== c.valid) throw new Error('the two ceilings judged the phones differently');
}

/**
 * The ceiling, in a worker thread running a bundle of ceiling-worker.ts; `published`: with 'libphonenumber-js'
 * resolved to libphonenumber-js-stock, the same version as published (an npm alias that patch-package leaves alone).
 */
async function ceilingInWorker(csv: string, published: boolean): Promise<Ceiling> {
  const code = await workerBundle(
    fileURLToPath(new URL('./ceiling-worker.ts', import.meta.url)),
    published ? { 'libphonenumber-js': 'libphonenumber-js-stock' } : {},
  );
  const worker = new Worker(code, { eval: true, workerData: { file: csv } });
  try {
    return await new Promise<Ceiling>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

// A fresh database.
resetPeak();
let db: Database;
let cleanup: () => Promise<void>;
let databaseUrl = '';
if (kind === 'pglite') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-bench-pglite-'));
  // As the server opens it (bot/start-baton.ts).
  db = await openDatabase({ dataDir: dir, optimizedWasmOnly: true });
  cleanup = () => rm(dir, { recursive: true, force: true });
} else {
  const admin = process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `baton_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  db = await openDatabase({ databaseUrl, dataDir: '' });
  cleanup = async () => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  };
}
try {
  await db.migrate();
  if (instances !== undefined) {
    await runInstances(db, databaseUrl, file, instances);
  } else await importOnce();
} finally {
  clearInterval(sampler);
  await db.close();
  await cleanup();
}

async function importOnce(): Promise<void> {
  console.log(`fresh database opened and migrated: peak RSS ${mb(peakRss())}`);
  resetPeak();
  const { business } = await createBusiness(db, {
    name: 'Bench',
    country: 'GB',
    admin: { email: 'admin@bench.test', password: 'correct horse battery' },
  });
  const t0 = performance.now();
  const upload = await createImport(db, { businessId: business.id, fileName: 'bench.csv', filePath: file });
  await startImport(db, business.id, upload.id, { mapping: upload.suggestedMapping });
  const uploadPeak = peakRss();
  const before = process.memoryUsage();
  console.log(
    `before the import: RSS ${mb(before.rss)} (JS heap ${mb(before.heapUsed)}, external ${mb(before.external)})`,
  );
  resetPeak();
  const elu0 = performance.eventLoopUtilization();
  // How long a request arriving during the import could wait for the event loop (the server's chats and API).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu0 = { process: process.cpuUsage(), threads: threadsMs(), postgres: postgresMs() };
  const t1 = performance.now();
  let last = 0;
  const timings = new Map<string, number>();
  const status = await runImport(db, upload.id, {
    timings,
    batchSize: values.batch === undefined ? undefined : Number(values.batch),
    onProgress: (done, total) => {
      if (process.stderr.isTTY && performance.now() - last > 1000) {
        last = performance.now();
        process.stderr.write(`\r${done}/${total}`);
      }
    },
  });
  const importPeak = peakRss();
  const s = (performance.now() - t1) / 1000;
  const cpu1 = { process: process.cpuUsage(cpu0.process), threads: threadsMs(), postgres: postgresMs() };
  const busy = performance.eventLoopUtilization(elu0).active / 1000;
  if (process.stderr.isTTY) process.stderr.write('\n');
  const report = await importReport(db, business.id, upload.id, 0);
  const rate = rows / s;
  console.log(
    `upload check (encoding, header, row count): ${((t1 - t0) / 1000).toFixed(1)} s; import ${status.status}: ` +
      `created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, skipped ${report.skipped}, failed ${report.failed}; ` +
      `peak RSS of the upload check ${mb(uploadPeak)}`,
  );
  console.log(
    `import into ${kind}: ${rows} rows in ${s.toFixed(1)} s = ${Math.round(rate)} rows/s, peak RSS ${mb(importPeak)}`,
  );
  if (db.driver.kind === 'pglite') {
    // PGlite's WASM memory only grows (its size is not public API: read through the Emscripten module).
    const heap = (db.driver.pglite as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod?.HEAPU8;
    if (heap) console.log(`PGlite's WASM memory after the import: ${mb(heap.byteLength)}`);
  }
  if (atPeak) {
    console.log(
      `at the highest sample (${mb(peak)}): main thread's JS heap ${mb(atPeak.heapUsed)} used of ${mb(atPeak.heapTotal)}, ` +
        `external ${mb(atPeak.external)} (${kind === 'pglite' ? "PGlite's WASM memory, " : ''}the batches' and COPY ` +
        `buffers), the rest is code, stacks and the reader's heap`,
    );
  }
  delay.disable();
  const ms = (ns: number) => `${Math.round(ns / 1e6)} ms`;
  console.log(
    `main thread busy ${busy.toFixed(1)} s of ${s.toFixed(1)} s; event loop delay p50 ${ms(delay.percentile(50))}, ` +
      `p99 ${ms(delay.percentile(99))}, max ${ms(delay.max)}`,
  );
  if (!Number.isNaN(ceiling)) {
    console.log(
      `ratio import/ceiling: ${(rate / ceiling).toFixed(2)} (the ceiling with Baton's patch, as the import runs); ` +
        `${(rate / stock).toFixed(2)} of the ceiling with libphonenumber-js as published`,
    );
  }
  const us = (ms: number) => ((ms * 1000) / rows).toFixed(1);
  const processMs = (cpu1.process.user + cpu1.process.system) / 1000;
  const cpu = [`this process ${us(processMs)}`];
  if (cpu0.threads && cpu1.threads) {
    const main = cpu1.threads.main - cpu0.threads.main;
    const helpers = cpu1.threads.helpers - cpu0.threads.helpers;
    cpu.push(`main thread ${us(main)}`, `helper threads ${us(helpers)}`, `reader ${us(processMs - main - helpers)}`);
  }
  if (kind === 'postgres' && cpu0.postgres !== undefined && cpu1.postgres !== undefined) {
    cpu.push(`local PostgreSQL ${us(cpu1.postgres - cpu0.postgres)}`);
  }
  console.log(`CPU time per row, µs (${os.cpus().length} cores): ${cpu.join(', ')}`);
  const perRow = [...timings].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${((ms * 1000) / rows).toFixed(1)}`);
  console.log(`database time per row, µs (wall clock, by statement): ${perRow.join(', ')}`);
}
