// `baton users …` through the real binary: list, create (checked against contacts as the API does), reset-password
// (generated or from standard input), deactivate (tokens stop at once; the business keeps one active admin).
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBusiness, createContact } from '../../../contacts/index.ts';
import { openDatabase, type Database } from '../../../prisma/index.ts';
import { migratedBatonData } from '../../support/data-dir.ts';
import { testDbKind } from '../../support/db.ts';
import { ROOT } from '../../support/spawn.ts';
import { buildApi, call, login } from '../http/api.ts';

/** `baton <args>` with `stdin` piped in (the product's bin, as an operator runs it). */
function baton(args: string[], env: Record<string, string>, stdin = '') {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/baton.mjs'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BATON_ENV_FILE: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let output = '';
  child.stdout.on('data', (d) => ((stdout += String(d)), (output += String(d))));
  child.stderr.on('data', (d) => (output += String(d)));
  child.stdin.end(stdin);
  return new Promise<{ code: number | null; stdout: string; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, output })),
  );
}

const shownOnce = (out: string) => /password \(shown once\): (\S+)/.exec(out)?.[1];

describe(`baton users on ${testDbKind()}`, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('creates, lists, resets passwords and deactivates users', async () => {
    const { dir, env } = await migratedBatonData('baton-users-');
    dirs.push(dir);
    env.LOG_LEVEL = 'warn';
    const open = async () => {
      const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR! });
      return { db, app: await buildApi(db) };
    };
    const closeAll = async (s: { db: Database; app: Awaited<ReturnType<typeof buildApi>> }) => {
      await s.app.close();
      await s.db.close();
    };

    let s = await open();
    await s.db.migrate();
    const { business } = await createBusiness(s.db, {
      name: 'Corner Shop',
      country: 'GB',
      admin: { email: 'boss@corner.test', password: 'the-first-password' },
    });
    await createContact(
      s.db,
      business.id,
      { firstName: 'Cora', lastName: 'Contact', phone: '07911 000777' },
      { type: 'system' },
    );
    await closeAll(s);

    // An agent with a generated password, printed once.
    const created = await baton(
      ['users', 'create', '--role', 'agent', '--email', 'Sam@Corner.test', '--phone', '07911 000555'],
      env,
    );
    expect(created.code, created.output).toBe(0);
    const samPassword = shownOnce(created.stdout);
    expect(samPassword).toBeDefined();
    // A contact's phone cannot be a user's, as through the API.
    const taken = await baton(
      ['users', 'create', '--role', 'agent', '--email', 'kim@corner.test', '--phone', '+44 7911 000777'],
      env,
    );
    expect(taken.code).toBe(1);
    expect(taken.output).toContain('IDENTIFIER_TAKEN');
    const listed = await baton(['users', 'list', '--json'], env);
    expect(listed.code, listed.output).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ email: 'boss@corner.test', role: 'admin', active: true }),
      expect.objectContaining({ email: 'sam@corner.test', role: 'agent', phone: '+447911000555', active: true }),
    ]);

    s = await open();
    const samToken = await login(s.app, 'sam@corner.test', samPassword);
    expect((await call(s.app, samToken, 'GET', '/api/v1/contacts')).statusCode).toBe(200);
    await closeAll(s);

    // The lost admin password: a new one from standard input.
    const reset = await baton(
      ['users', 'reset-password', 'BOSS@corner.test', '--password-stdin'],
      env,
      'a-new-secret-42\n',
    );
    expect(reset.code, reset.output).toBe(0);
    expect(reset.stdout).not.toContain('a-new-secret-42');

    const deactivated = await baton(['users', 'deactivate', 'sam@corner.test'], env);
    expect(deactivated.code, deactivated.output).toBe(0);
    // The only active admin stays.
    const lastAdmin = await baton(['users', 'deactivate', 'boss@corner.test'], env);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.output).toContain('at least one active admin');

    s = await open();
    try {
      // Sam's token, issued before, stops working at once; Sam cannot log in again.
      expect((await call(s.app, samToken, 'GET', '/api/v1/contacts')).statusCode).toBe(401);
      await expect(login(s.app, 'sam@corner.test', samPassword)).rejects.toThrow(/401/);
      await expect(login(s.app, 'boss@corner.test', 'the-first-password')).rejects.toThrow(/401/);
      const boss = await login(s.app, 'boss@corner.test', 'a-new-secret-42');
      const users = (await call(s.app, boss, 'GET', '/api/v1/users')).json() as {
        items: { email: string; active: boolean }[];
      };
      expect(users.items.map((u) => [u.email, u.active])).toEqual([
        ['boss@corner.test', true],
        ['sam@corner.test', false],
      ]);
    } finally {
      await closeAll(s);
    }
  }, 600_000);
});
