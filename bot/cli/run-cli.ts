// `baton`: the command line. Each subcommand opens the database from the same configuration as the server.
import { Command, InvalidArgumentError } from 'commander';
import { createBusiness, isDomainError } from '../../contacts/index.ts';
import { isDataDirLockedError, openDatabase } from '../../prisma/index.ts';
import { serveUntilSignal } from '../serve-until-signal.ts';
import { broadcastCommand } from './broadcast.ts';
import { contactsCommand } from './contacts.ts';
import { withDatabase } from './database.ts';
import { importCommand } from './import.ts';
import { usersCommand } from './users.ts';
import { ConfigError, loadConfig } from '../config.ts';

const country = (value: string) => {
  const v = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(v)) throw new InvalidArgumentError('must be a two-letter ISO 3166 country code, like GB');
  return v;
};

export function buildCli(): Command {
  const program = new Command()
    .name('baton')
    .description('Baton: AI-first chat with timed human handover and contact capture')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('run the Baton server (same as npm start)')
    .action(async () => serveUntilSignal(loadConfig()));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase({
        databaseUrl: config.DATABASE_URL,
        dataDir: config.BATON_DATA_DIR,
        lockOwner: 'baton migrate',
      });
      try {
        const applied = await db.migrate();
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database schema up to date');
      } finally {
        await db.close();
      }
    });

  const business = program.command('business').description('manage businesses');
  business
    .command('create')
    .description('create a business with its first admin')
    .requiredOption('--name <name>', 'business name')
    .requiredOption('--country <XX>', 'ISO 3166 country code: the default region for phone numbers', country)
    .requiredOption('--admin-email <email>', "first admin's email (login)")
    .requiredOption('--admin-password <password>', "first admin's password (10+ characters)")
    .option('--slug <slug>', 'URL-safe identifier (default: from the name)')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        name: string;
        country: string;
        adminEmail: string;
        adminPassword: string;
        slug?: string;
        json?: boolean;
      }) => {
        if (opts.adminPassword.length < 10)
          throw new InvalidArgumentError('--admin-password must be at least 10 characters');
        const result = await withDatabase((db) =>
          createBusiness(db, {
            name: opts.name,
            slug: opts.slug,
            country: opts.country,
            admin: { email: opts.adminEmail, password: opts.adminPassword },
          }),
        );
        const out = {
          id: result.business.id,
          slug: result.business.slug,
          name: result.business.name,
          adminId: result.admin.id,
        };
        console.log(opts.json ? JSON.stringify(out) : `created business "${out.name}" (${out.slug})`);
      },
    );

  program.addCommand(importCommand());
  program.addCommand(contactsCommand());
  program.addCommand(usersCommand());
  program.addCommand(broadcastCommand());

  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code?.startsWith('commander.')) return err.exitCode ?? 1;
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 78;
    }
    if (isDataDirLockedError(e)) {
      console.error(`error ${e.code}: ${e.message}`);
      return 75; // EX_TEMPFAIL: nothing was done; try again once the directory is free
    }
    if (isDomainError(e)) {
      console.error(`error ${e.code}: ${e.message}`);
      return 1;
    }
    if (e instanceof InvalidArgumentError) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
