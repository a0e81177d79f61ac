// `baton contacts list` and `baton contacts export`.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, InvalidArgumentError } from 'commander';
import { exportContacts, exportCsv } from '../../contacts/index.ts';
import { resolveBusiness, withDatabase } from './database.ts';

interface FilterOptions {
  business?: string;
  search?: string;
  tag?: string;
  status?: 'active' | 'archived' | 'guest';
  json?: boolean;
  output?: string;
}

const status = (v: string) => {
  if (v !== 'active' && v !== 'archived' && v !== 'guest') {
    throw new InvalidArgumentError('must be active, archived or guest');
  }
  return v;
};

const withFilters = (cmd: Command) =>
  cmd
    .option('--business <slug>', 'the business (default: the only one)')
    .option('--search <text>', 'names, email or phone fragments')
    .option('--tag <name>', 'only contacts with this tag')
    .option('--status <status>', 'active (default), archived or guest', status);

export function contactsCommand(): Command {
  const contacts = new Command('contacts').description('list and export contacts');
  withFilters(contacts.command('list').description('print contacts'))
    .option('--json', 'print a JSON array of contacts (canonical field names, phone in E.164)')
    .action(async (opts: FilterOptions) => {
      await withDatabase(async (db) => {
        const business = await resolveBusiness(db, opts.business);
        const filter = { search: opts.search, tag: opts.tag, status: opts.status };
        if (opts.json) process.stdout.write('[');
        let first = true;
        for await (const page of exportContacts(db, business.id, filter)) {
          for (const c of page) {
            if (opts.json) {
              // Backpressure: a slow reader of a pipe must not make this process hold the whole list in memory.
              if (!process.stdout.write(`${first ? '' : ','}\n${JSON.stringify(c)}`))
                await once(process.stdout, 'drain');
            } else {
              const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
              const tags = c.tags.length ? `  [${c.tags.join(', ')}]` : '';
              console.log(`${name}  ${c.phone ?? '-'}  ${c.email ?? '-'}${tags}`);
            }
            first = false;
          }
        }
        if (opts.json) process.stdout.write(first ? ']\n' : '\n]\n');
      });
    });
  withFilters(contacts.command('export').description('write contacts as CSV (re-importable as is)'))
    .option('--output <file>', 'write to a file instead of standard output')
    .action(async (opts: FilterOptions) => {
      await withDatabase(async (db) => {
        const business = await resolveBusiness(db, opts.business);
        const out = opts.output ? createWriteStream(opts.output) : process.stdout;
        for await (const chunk of exportCsv(db, business.id, {
          search: opts.search,
          tag: opts.tag,
          status: opts.status,
        })) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
        if (opts.output) {
          out.end();
          await once(out, 'finish');
        }
      });
    });
  return contacts;
}
