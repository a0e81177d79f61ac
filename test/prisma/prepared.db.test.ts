// The raw driver's prepared statements (`query(text, params, { prepare: true })`): on PostgreSQL a named statement,
// parsed once per connection, prepared again on a connection that replaced a lost one; PGlite runs it as before.
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
