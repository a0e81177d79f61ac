// The raw driver's prepared statements (`query(text, params, { prepare: true })`): a named statement, parsed once per
// connection (PostgreSQL: prepared again on a connection that replaced a lost one; PGlite: prisma/pglite-prepared.ts),
// giving the same rows and the same errors as the unprepared statement, in and out of a transaction.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, preparedName, type Database } from '../../prisma/index.ts';
import { createPostgresDatabase, createTestDatabase, testDbKind } from '../support/db.ts';
import { databaseUrl } from '../support/postgres-urls.ts';

const TEXT = `SELECT $1::int + 1 AS n, pg_backend_pid() AS pid`;
const PREPARED = `SELECT name, statement FROM pg_prepared_statements WHERE statement = $1`;

describe('prepared statements', () => {
  let db: Database | undefined;
  afterEach(async () => db?.close());

  it('give the same rows as an unprepared statement, in and out of a transaction', async () => {
    db = await createTestDatabase();
    const d = db;
    expect((await d.query<{ n: number }>(TEXT, [1], { prepare: true }))[0]!.n).toBe(2);
    expect((await d.query<{ n: number }>(TEXT, [2], { prepare: true }))[0]!.n).toBe(3);
    expect(await d.transaction(async (tx) => (await tx.query<{ n: number }>(TEXT, [5], { prepare: true }))[0]!.n)).toBe(
      6,
    );
  });

  const TABLE = `CREATE TABLE prep_t (
    id uuid PRIMARY KEY, n int, big bigint, ok boolean, at timestamptz, day date, doc jsonb, tags text[], note text,
    amount numeric)`;
  const INSERT = `INSERT INTO prep_t (id, n, big, ok, at, day, doc, tags, note, amount)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`;
  const SELECT = `SELECT *, n + 1 AS next, tags[1] AS first_tag, doc->'a' AS a FROM prep_t WHERE id = $1`;
  const ids = ['6f1c2d3e-0000-4000-8000-000000000001', '6f1c2d3e-0000-4000-8000-000000000002'];
  const rows: unknown[][] = [
    [
      ids[0],
      7,
      '9007199254740993',
      true,
      new Date('2026-12-07T10:00:00.123Z'),
      '2026-12-07',
      { a: [1, 'x'], b: null },
      ['x', 'y z', '"q"'],
      'héllo',
      '12.50',
    ],
    [ids[1], null, null, false, null, null, null, [], null, null],
  ];

  async function prepared(d: Database, name: string): Promise<unknown[]> {
    return d.query(`SELECT name, statement FROM pg_prepared_statements WHERE name = $1`, [name]);
  }

  it('give the rows of the unprepared statement: timestamps, jsonb, uuid, int, bool, arrays, nulls', async () => {
    db = await createTestDatabase();
    const d = db;
    await d.query(TABLE);
    for (const row of rows) {
      const inserted = await d.query(INSERT, row, { prepare: true });
      expect(inserted).toEqual(await d.query(`SELECT * FROM prep_t WHERE id = $1`, [row[0]]));
    }
    for (const id of ids) {
      const plain = await d.query(SELECT, [id]);
      expect(plain).toHaveLength(1);
      expect(await d.query(SELECT, [id], { prepare: true })).toEqual(plain);
      expect(await d.transaction((tx) => tx.query(SELECT, [id], { prepare: true }))).toEqual(plain);
    }
    const [first] = await d.query<Record<string, unknown>>(SELECT, [ids[0]], { prepare: true });
    expect(first).toMatchObject({ n: 7, next: 8, ok: true, tags: ['x', 'y z', '"q"'], first_tag: 'x', a: [1, 'x'] });
    expect(first!.at).toEqual(new Date('2026-12-07T10:00:00.123Z'));
    expect(await d.query(SELECT, ['6f1c2d3e-0000-4000-8000-00000000000f'], { prepare: true })).toEqual([]);
    // a statement without rows
    expect(await d.query(`UPDATE prep_t SET n = $1 WHERE id = $2`, [8, ids[0]], { prepare: true })).toEqual([]);
    expect(await d.query(SELECT, [ids[0]], { prepare: true })).toMatchObject([{ n: 8, next: 9 }]);
    // several rows in order, a column name twice (the later one wins) and a column named __proto__: as unprepared
    const ODD = `SELECT g AS n, g * 10 AS n, 'p' AS "__proto__" FROM generate_series(1, $1::int) AS g`;
    const odd = await d.query<Record<string, unknown>>(ODD, [3], { prepare: true });
    expect(odd).toEqual(await d.query(ODD, [3]));
    expect(odd.map((r) => r.n)).toEqual([10, 20, 30]);
    expect(Object.getPrototypeOf(odd[0])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(odd[0], '__proto__')?.value).toBe('p');
    // each text once, under its name (PGlite: its one connection; PostgreSQL: the test below)
    if (d.kind === 'pglite')
      expect(await prepared(d, preparedName(SELECT)!)).toEqual([{ name: preparedName(SELECT), statement: SELECT }]);
  });

  it('fail as the unprepared statement does, and run again after an error and after a rollback', async () => {
    db = await createTestDatabase();
    const d = db;
    await d.query(TABLE);
    await d.query(INSERT, rows[0], { prepare: true });
    const plain = await d.query(INSERT, rows[0]).catch((e: unknown) => e);
    const error = await d.query(INSERT, rows[0], { prepare: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe((plain as Error).constructor);
    expect(error).toMatchObject({ code: '23505', message: (plain as Error).message, constraint: 'prep_t_pkey' });
    // the next statements run
    expect(await d.query(SELECT, [ids[0]], { prepare: true })).toHaveLength(1);
    expect(await d.query<{ n: number }>(TEXT, [1], { prepare: true })).toMatchObject([{ n: 2 }]);

    // inside a transaction: the same error, the transaction rolled back, its statements prepared still
    const inTx = await d
      .transaction(async (tx) => {
        await tx.query(INSERT, rows[1], { prepare: true });
        await tx.query(INSERT, rows[0], { prepare: true });
      })
      .catch((e: unknown) => e);
    expect(inTx).toMatchObject({ code: '23505', constraint: 'prep_t_pkey' });
    expect(await d.query(SELECT, [ids[1]], { prepare: true })).toEqual([]);
    expect(await d.transaction((tx) => tx.query(INSERT, rows[1], { prepare: true }))).toHaveLength(1);
    expect(await d.query(SELECT, [ids[1]], { prepare: true })).toMatchObject([{ id: ids[1], ok: false }]);
    if (d.kind === 'pglite') expect(await prepared(d, preparedName(INSERT)!)).toHaveLength(1);

    // a statement that does not parse: the parser's error, nothing kept; the database goes on
    const bad = `SELEC $1::int AS n`;
    await expect(d.query(bad, [1], { prepare: true })).rejects.toMatchObject({ code: '42601' });
    await expect(d.query(bad, [1], { prepare: true })).rejects.toMatchObject({ code: '42601' });
    expect(await d.query<{ n: number }>(TEXT, [2], { prepare: true })).toMatchObject([{ n: 3 }]);
  });

  it('keep concurrent callers apart, and a transaction from the statements outside it', async () => {
    db = await createTestDatabase();
    const d = db;
    await d.query(TABLE);
    const ns = Array.from({ length: 30 }, (_, i) => i);
    const results = await Promise.all(
      ns.map(async (i) =>
        i % 3 === 0
          ? d.transaction(async (tx) => {
              const [a] = await tx.query<{ n: number }>(TEXT, [i], { prepare: true });
              await new Promise((r) => setTimeout(r, 1));
              const [b] = await tx.query<{ n: number }>(TEXT, [a!.n], { prepare: true });
              return b!.n - 1;
            })
          : (await d.query<{ n: number }>(TEXT, [i], { prepare: true }))[0]!.n,
      ),
    );
    expect(results).toEqual(ns.map((i) => i + 1));

    // a statement outside the transaction never sees its writes (PGlite: it waits for the transaction's end)
    let seen: unknown[] | undefined;
    const rolledBack = await d
      .transaction(async (tx) => {
        await tx.query(INSERT, rows[0], { prepare: true });
        const outside = d.query(SELECT, [ids[0]], { prepare: true }).then((r) => (seen = r));
        await new Promise((r) => setTimeout(r, 50));
        expect(await tx.query(SELECT, [ids[0]], { prepare: true })).toHaveLength(1);
        void outside;
        throw new Error('roll back');
      })
      .catch((e: unknown) => e);
    expect(rolledBack).toMatchObject({ message: 'roll back' });
    await expect.poll(() => seen).toEqual([]);
  });

  it.skipIf(testDbKind() !== 'postgres')(
    'are named, parsed once per connection, and prepared again on the connection that replaces a lost one',
    async () => {
      const url = databaseUrl(await createPostgresDatabase());
      const lost: Error[] = [];
      db = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: 1, onConnectionLost: (e) => lost.push(e) });
      const d = db;
      const name = preparedName(TEXT);
      expect(name).toMatch(/^baton_\d+$/);
      const [first] = await d.query<{ n: number; pid: number }>(TEXT, [1], { prepare: true });
      await d.query(TEXT, [2], { prepare: true });
      // one connection: the statement is prepared on it, once, under its name
      expect(await d.query(PREPARED, [TEXT])).toEqual([{ name, statement: TEXT }]);

      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [first!.pid]);
      } finally {
        await admin.end();
      }
      await expect.poll(() => lost.length, { timeout: 5000 }).toBe(1);

      const [again] = await d.query<{ n: number; pid: number }>(TEXT, [41], { prepare: true });
      expect(again).toMatchObject({ n: 42 });
      expect(again!.pid).not.toBe(first!.pid);
      expect(await d.query(PREPARED, [TEXT])).toEqual([{ name, statement: TEXT }]);
    },
  );
});
