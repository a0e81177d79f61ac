import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../prisma/index.ts';
import { migratedBatonData } from '../support/data-dir.ts';
import { createEmptyPostgresDatabase, testDbKind } from '../support/db.ts';
import { baton, freePort, runTypeScript, waitFor } from '../support/spawn.ts';

// The product as a user runs it: `npm start` (bot/main.ts bundled by bin/run.mjs), then SIGTERM.
describe(`the Baton server on ${testDbKind()}`, { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** A new data directory (and, on PostgreSQL, an empty database): the first start, initdb and every migration. */
  async function environment() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-server-'));
    dirs.push(dir);
    const env: Record<string, string> = { BATON_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info' };
    if (testDbKind() === 'postgres') env.DATABASE_URL = await createEmptyPostgresDatabase();
    return env;
  }

  it('migrates, creates the first business and admin, serves /healthz, and stops cleanly on SIGTERM', async () => {
    const env = await environment();
    const port = await freePort();
    const server = runTypeScript('bot/main.ts', [], {
      ...env,
      PORT: String(port),
    });
    const health = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return res.ok ? ((await res.json()) as unknown) : undefined;
    }, 60_000);
    expect(health).toEqual({ status: 'ok', database: testDbKind() });
    expect(server.output()).toMatch(/password: \S{10,}/); // generated once, printed once
    // the admin logs in (no BATON_TOKEN_SECRET is set: tokens are signed with the key kept in the database)
    const password = /password: (\S+)/.exec(server.output())![1]!;
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const business = () =>
      fetch(`http://127.0.0.1:${port}/api/v1/business`, { headers: { authorization: `Bearer ${token}` } });
    expect((await business()).status).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('Baton stopped');

    // The data is all there after the stop: one business, its admin holding the admin email.
    const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR! });
    try {
      expect(await db.migrate()).toEqual([]);
      const businesses = await db.prisma.business.findMany({ include: { users: { include: { identifiers: true } } } });
      expect(businesses).toHaveLength(1);
      expect(businesses[0]).toMatchObject({
        name: 'My Business',
        slug: 'my-business',
        country: 'GB',
        handoverTimeoutSeconds: 120,
      });
      expect(businesses[0]?.users[0]).toMatchObject({ role: 'admin', active: true });
      expect(businesses[0]?.users[0]?.identifiers[0]).toMatchObject({ kind: 'email', value: 'admin@example.com' });
    } finally {
      await db.close();
    }

    // A second start finds the business and does not print a password again.
    const again = runTypeScript('bot/main.ts', [], {
      ...env,
      PORT: String(port),
    });
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 60_000);
    // the admin's token from before the restart still works: no one is logged out by a restart
    expect((await business()).status).toBe(200);
    again.child.kill('SIGINT');
    expect(await again.exit).toBe(0);
    expect(again.output()).not.toMatch(/password:/);
    expect(again.output()).not.toMatch(/BATON_TOKEN_SECRET is unset/);
  });

  it('stops cleanly on a signal that arrives while it is still starting (after it listens)', async () => {
    const { dir, env } = await migratedBatonData('baton-server-'); // not a first start: that is the test above
    dirs.push(dir);
    const port = await freePort();
    const server = runTypeScript('bot/main.ts', [], { ...env, LOG_LEVEL: 'info', PORT: String(port) });
    // Listening comes before the timers and channels start: the signal lands in the middle of the start.
    await waitFor(async () => (server.output().includes('Baton is listening') ? true : undefined), 60_000);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('Baton stopped');
  });

  it('refuses to start on bad configuration and names the variable', async () => {
    const env = await environment();
    const server = runTypeScript('bot/main.ts', [], {
      ...env,
      PORT: 'eighty',
    });
    expect(await server.exit).toBe(78);
    expect(server.output()).toMatch(/PORT: must be a port number/);
  });

  it('baton business create adds a second business; a duplicate slug is refused', async () => {
    const env = await environment();
    const args = [
      'business',
      'create',
      '--name',
      'Second Shop',
      '--country',
      'fr',
      '--admin-email',
      'Owner@Second.test',
      '--admin-password',
      'a-long-password',
      '--json',
    ];
    const first = await baton(args, env);
    expect(first.code, first.output).toBe(0);
    expect(JSON.parse(first.output)).toMatchObject({ slug: 'second-shop', name: 'Second Shop' });
    const dup = await baton(args, env);
    expect(dup.code).toBe(1);
    expect(dup.output).toContain('CONFLICT');

    const help = await baton(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/migrate/);
    expect(help.output).toMatch(/business/);
  });
});
