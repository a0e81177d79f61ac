// One writer per embedded database: the data directory's lock file.
export { DataDirLockedError, isDataDirLockedError, lockDataDir, LOCK_FILE } from './data-dir-lock.ts';
export type { DataDirLock, LockHolder } from './data-dir-lock.ts';
