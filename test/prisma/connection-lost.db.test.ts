import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../prisma/index.ts';
import { createPostgresDatabase, testDbKind } from '../support/db.ts';
import { databaseUrl } from '../support/postgres-urls.ts';

// A PostgreSQL restart (or an administrator) closes the pool's idle connections. pg's pool then emits 'error';
// with nobody listening, Node would end the process. The pool must drop them and go on.
describe.skipIf(testDbKind() !== 'postgres')('PostgreSQL closing idle connections', () => {
  let db: Database | undefined;
  afterEach(async () => db?.close());

  it('is reported, and the next queries open new connections', async () => {
    const url = databaseUrl(await createPostgresDatabase());
    const lost: Error[] = [];
    db = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: 3, onConnectionLost: (e) => lost.push(e) });
    const d = db;
    // Three idle connections, before Prisma's client (which listens on the pool too) has ever connected.
    const pids = await Promise.all(
      [1, 2, 3].map(
        async () => (await d.query<{ pid: number }>('select pg_backend_pid() as pid, pg_sleep(0.05)'))[0]!.pid,
      ),
    );
    expect(new Set(pids).size).toBe(3);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
    } finally {
      await admin.end();
    }
    await expect.poll(() => lost.length, { timeout: 5000 }).toBe(3);
    expect(lost[0]!.message).toMatch(/terminat/i);

    const [row] = await d.query<{ pid: number }>('select pg_backend_pid() as pid');
    expect(pids).not.toContain(row!.pid);
    // Prisma's client, on the same pool, also gets a live connection.
    const [viaPrisma] = await d.prisma.$queryRaw<{ pid: number }[]>`select pg_backend_pid() as pid`;
    expect(pids).not.toContain(viaPrisma!.pid);
  });
});
