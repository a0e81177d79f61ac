// One writer per embedded database: the process that opens a PGlite data directory holds `<dir>/baton.lock`, a file
// created exclusively (written aside, then hard-linked to its name), holding its process id and what it is. A lock whose process is gone (a crash, kill -9)
// is stale and taken over at once, so a crashed server never blocks the next start.
//
// Hand-written rather than proper-lockfile: that library decides staleness by the lock's age (it refreshes the
// lock's mtime on a timer), so after a crash the next start would be refused until the stale period ran out; a
// process id answers at once whether the holder is alive.
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'baton.lock';

/** What the lock file holds: who has the directory. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** what holds it: "server", or the CLI command ("baton import") */
  owner: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(lockedMessage(dataDir, holder));
    this.name = 'DataDirLockedError';
  }
}

export function isDataDirLockedError(e: unknown): e is DataDirLockedError {
  return e instanceof DataDirLockedError;
}

function lockedMessage(dataDir: string, holder: LockHolder): string {
  const who = holder.owner === 'server' ? 'a running Baton server' : `another Baton command (${holder.owner})`;
  const what =
    holder.owner === 'server'
      ? 'Stop that server first (Ctrl-C, or `kill ' +
        holder.pid +
        '`), or do this through its HTTP API (/api/v1) while it runs.'
      : 'Wait for it to finish, or stop it.';
  return (
    `the embedded database in ${dataDir} is in use by ${who}, process ${holder.pid} on ${holder.hostname} ` +
    `(since ${holder.startedAt}); only one process may open it at a time. ${what} ` +
    `If no such process runs, delete ${path.join(dataDir, LOCK_FILE)}.`
  );
}

/** Is the process that wrote the lock still there? Only answerable on this host. */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return undefined;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      owner: typeof parsed.owner === 'string' ? parsed.owner : 'unknown',
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'unknown',
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable or half-written (a crash between create and write): nobody can be said to hold it.
    return undefined;
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/**
 * Takes the data directory's lock, or throws DataDirLockedError naming the live holder. Synchronous, so that the
 * process's 'exit' handler can release it too.
 */
export function lockDataDir(dataDir: string, owner: string): DataDirLock {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, hostname: os.hostname(), owner, startedAt: new Date().toISOString() };
  // The lock is written whole to a file of our own, then linked to its name: link fails if the name exists, and
  // nobody ever sees a half-written lock. Twice at most: a stale lock is removed once, then taken; a second failure
  // means another process took it meanwhile.
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, JSON.stringify(me) + '\n', { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(file);
      if (attempt > 0 || (holder && holderAlive(holder))) throw new DataDirLockedError(dir, holder ?? unknownHolder());
      removeIfHeldBy(file, holder);
    }
  } finally {
    unlinkQuietly(mine);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    // Only our own lock: never a successor's.
    if (readHolder(file)?.pid === process.pid) unlinkQuietly(file);
  };
  process.once('exit', release);
  return { file, release };
}

function unknownHolder(): LockHolder {
  return { pid: 0, hostname: 'unknown', owner: 'unknown', startedAt: 'unknown' };
}

/** Removes a stale lock — only if it still names the same holder, so a lock just taken by another start survives. */
function removeIfHeldBy(file: string, holder: LockHolder | undefined) {
  const now = readHolder(file);
  if (now?.pid === holder?.pid && now?.startedAt === holder?.startedAt) unlinkQuietly(file);
}

function unlinkQuietly(file: string) {
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
