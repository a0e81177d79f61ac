// Shared by the CLI modules: open the configured database for one command, and pick the business.
import { DomainError, getBusinessBySlug } from '../../contacts/index.ts';
import { openDatabase, type Database } from '../../prisma/index.ts';
import { loadConfig } from '../config.ts';

/**
 * Opens the database for one command. On the embedded database the command takes the data directory's lock: a
 * directory a running server holds is refused (DataDirLockedError, printed by runCli), never written on the side.
 */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.BATON_DATA_DIR,
    lockOwner: commandName(process.argv.slice(2)),
  });
  try {
    await db.migrate();
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * The command as the lock file names it: its leading words only ("baton business create", "baton import"), never
 * its arguments, which may hold a password or an email.
 */
export function commandName(args: readonly string[]): string {
  const words: string[] = [];
  for (const a of args) {
    if (words.length === 2 || !/^[a-z][a-z-]*$/.test(a)) break;
    words.push(a);
  }
  return ['baton', ...words].join(' ');
}

/** The business named by its slug, or the only one; refuses when there are several and none is named. */
export async function resolveBusiness(db: Database, slug: string | undefined) {
  if (slug) {
    return getBusinessBySlug(db, slug);
  }
  const all = await db.prisma.business.findMany({ take: 2, orderBy: { createdAt: 'asc' } });
  if (all.length === 0)
    throw new DomainError('NOT_FOUND', 'there is no business yet: run `baton serve` once', 'business');
  if (all.length > 1) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'there are several businesses: name one with --business <slug>',
      'business',
    );
  }
  return all[0]!;
}
