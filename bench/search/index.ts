// npm run bench -- search [--db postgres|pglite] [--contacts N] [--queries 30] [--keep] [--name db] [--explain]
// Fills a business with N contacts in the database (bench/search/fill.ts), then times each kind of search the contact
// list offers through listContacts — the function GET /api/v1/contacts calls: the page's ids, then their cards — and
// prints p50/p95 and the ratio of each p95 to the baseline's, the first page with no filter, measured in the same run.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createBusiness, listContacts } from '../../contacts/index.ts';
import { contactPageSql } from '../../contacts/contacts/queries.ts';
import { openDatabase, type Database } from '../../prisma/index.ts';
import { COMMON_LAST, contactIdOf, fillContacts, TAGS } from './fill.ts';

const usage = `npm run bench -- search [options]
  --db postgres|pglite   the database (default postgres)
  --contacts N           contacts to fill (default 1000000 on postgres, 100000 on pglite)
  --queries N            timed queries of each kind (default 30)
  --keep                 keep the filled database and reuse it next time (same --db, --contacts and --name)
  --name NAME            the database's name (PostgreSQL) or directory under the temp dir (PGlite)
                         (default baton_bench_search_<contacts>)
  --explain              print each kind's query plan (EXPLAIN ANALYZE) once
  --help                 this text`;
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    contacts: { type: 'string' },
    queries: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
    name: { type: 'string' },
    explain: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const kind = values.db;
if (kind !== 'pglite' && kind !== 'postgres') throw new Error('--db must be pglite or postgres');
const n = Number(values.contacts ?? (kind === 'postgres' ? 1_000_000 : 100_000));
const queries = Number(values.queries);
if (!Number.isInteger(n) || n < 1000) throw new Error('--contacts must be a whole number ≥ 1000');
if (!Number.isInteger(queries) || queries < 1) throw new Error('--queries must be a positive whole number');
const target = kind === 'postgres' ? 50 : 100;

// The database: reused when --keep left one with the same number of contacts.
const name = values.name ?? `baton_bench_search_${n}`;
if (!/^[a-z0-9_]+$/.test(name)) throw new Error('--name: lower-case letters, digits and _ only');
let db: Database;
let drop: () => Promise<void>;
let end = async () => {};
if (kind === 'postgres') {
  const admin = process.env.BATON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`).catch((e: Error & { code?: string }) => {
    if (e.code !== '42P04') throw e; // already there (--keep)
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  drop = async () => {
    await db.close();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  end = () => client.end();
} else {
  const dir = path.join(os.tmpdir(), name);
  db = await openDatabase({ dataDir: dir, optimizedWasmOnly: true });
  drop = async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

try {
  await db.migrate();
  const [existing] = await db.query<{ id: string; contacts: string }>(
    `SELECT b.id, (SELECT count(*) FROM "Contact" c WHERE c."businessId" = b.id)::text AS contacts
     FROM "Business" b WHERE slug = 'bench-search'`,
  );
  let businessId: string;
  if (existing && Number(existing.contacts) === n) {
    businessId = existing.id;
    console.log(`reusing ${n.toLocaleString('en')} contacts on ${kind} (--keep)`);
  } else {
    if (existing) throw new Error(`${name} holds another run's data: drop it, or run without --keep`);
    const { business } = await createBusiness(db, {
      name: 'Bench search',
      slug: 'bench-search',
      country: 'GB',
      admin: { email: 'admin@bench.test', password: 'correct horse battery' },
    });
    businessId = business.id;
    const t0 = performance.now();
    await fillContacts(db, businessId, n, (done) => {
      process.stdout.write(`\rfilling: ${done.toLocaleString('en')} / ${n.toLocaleString('en')} contacts`);
    });
    const s = (performance.now() - t0) / 1000;
    console.log(`\rfilled ${n.toLocaleString('en')} contacts on ${kind} in ${s.toFixed(0)} s (then ANALYZE)`);
  }

  // Samples: real contacts' last names, email fragments and phone endings (contacts with both).
  const picks = Array.from({ length: queries }, () => 1 + Math.floor(Math.random() * n));
  const samples = await db.query<{ first: string; last: string; email: string; phone: string }>(
    `SELECT c."firstName" AS first, c."lastName" AS last, e.value AS email, p.value AS phone
     FROM unnest($1::int[]) g JOIN "Contact" c ON c.id = ${contactIdOf(businessId, 'g')}
     JOIN "Identifier" e ON e."contactId" = c.id AND e.kind = 'email'
     JOIN "Identifier" p ON p."contactId" = c.id AND p.kind = 'phone'`,
    [picks],
  );
  const pick = <T>(i: number, f: (s: (typeof samples)[number]) => T) => f(samples[i % samples.length]!);
  type Query = { search?: string; tag?: string; limit?: number; cursor?: string };
  let cursor: string | undefined; // the paging kind's, walking on
  const kinds: { label: string; query: (i: number) => Query }[] = [
    { label: 'first page (baseline)', query: () => ({}) },
    { label: 'last name of a random contact', query: (i) => ({ search: pick(i, (s) => s.last) }) },
    { label: 'common last name (~1 %)', query: (i) => ({ search: COMMON_LAST[i % 5]! }) },
    { label: 'first and last name', query: (i) => ({ search: pick(i, (s) => `${s.first} ${s.last}`) }) },
    // "smith123": the last name and the first digits of the number in first.last<n>@…
    { label: 'email fragment', query: (i) => ({ search: pick(i, (s) => s.email.split('.')[1]!.slice(0, 8)) }) },
    { label: 'common email fragment (@gmail)', query: () => ({ search: '@gmail' }) },
    { label: 'last 6 digits of a phone', query: (i) => ({ search: pick(i, (s) => s.phone.slice(-6)) }) },
    { label: '?tag= (1.7 % or 0.1 %)', query: (i) => ({ tag: i % 5 === 0 ? 'vip' : `t${i % TAGS}` }) },
    { label: 'next page of 200 by cursor', query: () => ({ limit: 200, cursor }) },
  ];

  // Round robin, one query of each kind in turn: on a shared machine, load that comes and goes weighs on every kind
  // alike, and the ratios to the baseline stay comparable.
  const times = kinds.map(() => [] as number[]);
  const found = kinds.map(() => 0);
  for (const k of kinds) {
    for (let i = 0; i < 3; i++) await listContacts(db, businessId, k.query(i)); // warm-up
    if (values.explain) await explain(k.label, k.query(0));
  }
  cursor = (await listContacts(db, businessId, { limit: 200 })).nextCursor ?? undefined;
  for (let i = 0; i < queries; i++) {
    for (const [j, k] of kinds.entries()) {
      const t = performance.now();
      const page = await listContacts(db, businessId, k.query(i));
      times[j]!.push(performance.now() - t);
      if (k.query(i).limit === 200) cursor = page.nextCursor ?? undefined;
      found[j]! += page.items.length;
    }
  }
  const rows = kinds.map((k, j) => ({
    label: k.label,
    p50: percentile(times[j]!, 50),
    p95: percentile(times[j]!, 95),
    max: Math.max(...times[j]!),
    found: found[j]!,
  }));
  const base = rows[0]!.p95;
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  })();
  console.log(
    `\nsearch on ${kind}, ${n.toLocaleString('en')} contacts, ${queries} queries each, ${new Date().toISOString()}, ` +
      `commit ${commit}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}; target p95 ≤ ${target} ms`,
  );
  console.log('| query | p50 | p95 | max | p95 ÷ baseline p95 | results/query | target |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} | ${(r.p95 / base).toFixed(2)} | ` +
        `${(r.found / queries).toFixed(0)} | ${r.p95 <= target ? 'met' : 'MISSED'} |`,
    );
  }

  async function explain(label: string, query: Query): Promise<void> {
    const q = { status: 'active' as const, limit: query.limit ?? 50, search: query.search };
    let tagId: string | null = null;
    if (query.tag) {
      const [t] = await db.query<{ id: string }>(`SELECT id FROM "Tag" WHERE "businessId" = $1 AND "nameKey" = $2`, [
        businessId,
        query.tag,
      ]);
      tagId = t?.id ?? null;
    }
    const { indexed, recent, matches } = contactPageSql(businessId, q, tagId, null);
    // listContacts runs `indexed` when its plan sorts matches, else `recent` (then `matches` if it found too few).
    for (const [part, sql] of [
      ['indexed', indexed],
      ['recent', recent],
      ['matches', matches],
    ] as const) {
      if (!sql) continue;
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql.text}`,
        sql.params,
      );
      console.log(`\n${label} ${JSON.stringify(query)}, ${part}:\n${plan.map((p) => p['QUERY PLAN']).join('\n')}`);
    }
  }
} finally {
  if (values.keep) await db.close();
  else await drop();
  await end();
}
