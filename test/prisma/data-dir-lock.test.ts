import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, LOCK_FILE } from '../../prisma/lock/index.ts';
import { runTypeScript } from '../support/spawn.ts';

// The lock file itself: taken, refused while its holder lives, taken over once the holder is gone.
describe('the data directory lock', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'baton-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('holds the process id, refuses a second holder naming the first, and is gone after release', () => {
    const dir = path.join(root, 'a');
    const lock = lockDataDir(dir, 'server');
    const held = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; owner: string };
    expect(held).toMatchObject({ pid: process.pid, owner: 'server' });
    let refused: unknown;
    try {
      lockDataDir(dir, 'baton import');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(`process ${process.pid}`);
    expect((refused as Error).message).toContain('running Baton server');
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, 'baton import').release();
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const dir = path.join(root, 'b');
    // A child takes the lock, says so, and is killed without a chance to clean up.
    const child = runTypeScript('test/prisma/hold-lock.ts', [dir], {}).child;
    await once(child.stdout!, 'data');
    expect(() => lockDataDir(dir, 'baton import')).toThrow(DataDirLockedError);
    child.kill('SIGKILL');
    await once(child, 'close');
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true); // left behind by the crash
    const lock = lockDataDir(dir, 'server');
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over an unreadable lock file (a crash while it was written elsewhere)', () => {
    const dir = path.join(root, 'c');
    lockDataDir(dir, 'x').release();
    writeFileSync(path.join(dir, LOCK_FILE), '{"pid":');
    lockDataDir(dir, 'server').release();
  });
});
