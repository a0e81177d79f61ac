import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandName } from '../../bot/cli/database.ts';
import { LOCK_FILE } from '../../prisma/index.ts';
import { baton, freePort, runTypeScript, waitFor } from '../support/spawn.ts';

// One writer per embedded database, through the real binaries: while a server runs on a data directory, a CLI
// command and a second server on it are refused and write nothing; after the server is killed with SIGKILL its
// stale lock does not block anyone.
describe('the embedded database has one writer', { timeout: 240_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('refuses a CLI command and a second server while a server runs; a SIGKILLed server blocks nobody', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'baton-lock-'));
    dirs.push(dir);
    const env = { BATON_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn' };
    const port = await freePort();
    const server = runTypeScript('bot/main.ts', [], { ...env, PORT: String(port) });
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 150_000);
      expect(existsSync(path.join(env.BATON_DATA_DIR, LOCK_FILE))).toBe(true);

      const create = [
        'business',
        'create',
        '--name',
        'Acme',
        '--slug',
        'acme',
        '--country',
        'US',
        '--admin-email',
        'boss@acme.test',
        '--admin-password',
        'long-enough-password',
      ];
      const refused = await baton(create, env);
      expect(refused.code).toBe(75);
      expect(refused.output).toContain('DATA_DIR_LOCKED');
      expect(refused.output).toContain(`in use by a running Baton server, process ${server.child.pid}`);
      expect(refused.output).toContain('Stop that server first');

      const second = runTypeScript('bot/main.ts', [], { ...env, PORT: String(await freePort()) });
      expect(await second.exit).toBe(75);
      expect(second.output()).toContain('Baton cannot start');
      expect(second.output()).toContain(`process ${server.child.pid}`);

      // The first server is unharmed.
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      server.child.kill('SIGKILL');
      await server.exit;
      expect(existsSync(path.join(env.BATON_DATA_DIR, LOCK_FILE))).toBe(true); // a crash leaves it behind

      // The refused command wrote nothing: the same slug is free now, and the stale lock is taken over at once.
      const created = await baton([...create, '--json'], env);
      expect(created.output).not.toContain('DATA_DIR_LOCKED');
      expect(created.code).toBe(0);
      expect(JSON.parse(created.output.trim().split('\n').at(-1)!)).toMatchObject({ slug: 'acme' });
      expect(existsSync(path.join(env.BATON_DATA_DIR, LOCK_FILE))).toBe(false); // released when the command ends
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  });

  it('names the command in the lock by its leading words only, never its arguments', () => {
    expect(commandName(['business', 'create', '--admin-password', 'secret-secret'])).toBe('baton business create');
    expect(commandName(['import', 'contacts.csv', '--dry-run'])).toBe('baton import');
    expect(commandName(['users', 'reset-password', 'ann@shop.test'])).toBe('baton users reset-password');
  });
});
