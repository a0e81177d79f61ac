// `baton users …`: list, add, reset the password of, and deactivate a business's agents and admins from the shell
// (a lost admin password is recovered here). The same rules as the API: emails and phones are checked against
// contacts and other users, and a business keeps one active admin. Changes are audited as made by the system.
import { Command, InvalidArgumentError } from 'commander';
import {
  DomainError,
  createUser,
  findUserByEmail,
  generatePassword,
  listUsers,
  updateUser,
  type UserView,
} from '../../contacts/index.ts';
import { resolveBusiness, withDatabase } from './database.ts';

const SYSTEM = { type: 'system' } as const;

const role = (v: string) => {
  if (v !== 'admin' && v !== 'agent') throw new InvalidArgumentError('must be admin or agent');
  return v;
};

/** The password piped on standard input (its last line ending dropped), e.g. `printf %s "$PW" | baton …`. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY)
    throw new DomainError(
      'VALIDATION_FAILED',
      '--password-stdin: pipe the password in, e.g. `printf %s "$PW" | baton …`',
      'password',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A password from standard input, or a generated one the caller prints once. */
async function newPassword(fromStdin: boolean | undefined): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generatePassword(), generated: true };
  const password = await readPassword();
  // Said before the database is opened (the API's rule, users.ts, says it again).
  if (password.length < 10)
    throw new DomainError('VALIDATION_FAILED', 'password: must be at least 10 characters', 'password');
  return { password, generated: false };
}

const line = (u: UserView) =>
  [
    u.email ?? '-',
    u.role,
    `${u.firstName} ${u.lastName}`.trim() || '-',
    u.phone ?? '-',
    u.active ? 'active' : 'deactivated',
  ].join('  ');

export function usersCommand(): Command {
  const users = new Command('users').description("manage a business's agents and admins");

  users
    .command('list')
    .description('print the users: email, role, name, phone, active or deactivated')
    .option('--business <slug>', 'the business (default: the only one)')
    .option('--json', 'print a JSON array of users')
    .action(async (opts: { business?: string; json?: boolean }) => {
      const all = await withDatabase(async (db) => listUsers(db, (await resolveBusiness(db, opts.business)).id));
      if (opts.json) console.log(JSON.stringify(all));
      else for (const u of all) console.log(line(u));
    });

  users
    .command('create')
    .description('add an agent or admin; prints a generated password once unless --password-stdin')
    .requiredOption('--role <role>', 'admin or agent', role)
    .requiredOption('--email <email>', 'their email (the login)')
    .option('--phone <phone>', 'their phone (read in the business country when written without +)')
    .option('--first-name <name>', 'first name (default: the part of the email before @)')
    .option('--last-name <name>', 'last name')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .option('--business <slug>', 'the business (default: the only one)')
    .option('--json', 'print the user (and a generated password) as JSON')
    .action(
      async (opts: {
        role: 'admin' | 'agent';
        email: string;
        phone?: string;
        firstName?: string;
        lastName?: string;
        passwordStdin?: boolean;
        business?: string;
        json?: boolean;
      }) => {
        const { password, generated } = await newPassword(opts.passwordStdin);
        const user = await withDatabase(async (db) => {
          const business = await resolveBusiness(db, opts.business);
          return createUser(
            db,
            business.id,
            {
              role: opts.role,
              email: opts.email,
              phone: opts.phone ?? null,
              firstName: opts.firstName ?? opts.email.split('@')[0] ?? opts.email,
              lastName: opts.lastName ?? '',
              password,
            },
            SYSTEM,
          );
        });
        if (opts.json) console.log(JSON.stringify({ ...user, ...(generated ? { password } : {}) }));
        else {
          console.log(`created ${user.role} ${user.email}`);
          if (generated) console.log(`password (shown once): ${password}`);
        }
      },
    );

  users
    .command('reset-password')
    .description('set a new password: generated and printed once, or read from standard input')
    .argument('<email>', "the user's email")
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .option('--business <slug>', 'the business (default: the only one)')
    .action(async (email: string, opts: { passwordStdin?: boolean; business?: string }) => {
      const { password, generated } = await newPassword(opts.passwordStdin);
      const user = await withDatabase(async (db) => {
        const business = await resolveBusiness(db, opts.business);
        const found = await findUserByEmail(db, business.id, email);
        return updateUser(db, business.id, found.id, { password }, SYSTEM);
      });
      console.log(`password of ${user.email} changed`);
      if (generated) console.log(`password (shown once): ${password}`);
    });

  users
    .command('deactivate')
    .description('stop a user from logging in; their tokens stop working at once (a business keeps one active admin)')
    .argument('<email>', "the user's email")
    .option('--business <slug>', 'the business (default: the only one)')
    .action(async (email: string, opts: { business?: string }) => {
      const user = await withDatabase(async (db) => {
        const business = await resolveBusiness(db, opts.business);
        const found = await findUserByEmail(db, business.id, email);
        return updateUser(db, business.id, found.id, { active: false }, SYSTEM);
      });
      console.log(`deactivated ${user.email}`);
    });

  return users;
}
