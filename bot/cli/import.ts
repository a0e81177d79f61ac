// `baton import <file.csv>`: the same import as the API, from the command line, with a progress bar.
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import {
  createImport,
  DomainError,
  FIELDS,
  importReport,
  runImport,
  startImport,
  type Field,
  type Mapping,
} from '../../contacts/index.ts';
import { resolveBusiness, withDatabase } from './database.ts';

interface ImportOptions {
  business?: string;
  country?: string;
  map: string[];
  dryRun?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** "Header=field" (field empty or "ignore" leaves the column out) applied over the suggested mapping. */
export function applyOverrides(headers: string[], suggested: Mapping, overrides: string[]): Mapping {
  const mapping = { ...suggested };
  for (const o of overrides) {
    const eq = o.lastIndexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`--map "${o}" must look like "Header=field"`);
    const header = o.slice(0, eq).trim();
    const field = o.slice(eq + 1).trim();
    const match = headers.find((h) => h === header) ?? headers.find((h) => h.toLowerCase() === header.toLowerCase());
    if (match === undefined) throw new InvalidArgumentError(`--map: the file has no column "${header}"`);
    if (field === '' || field === 'ignore') {
      mapping[match] = null;
      continue;
    }
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw new InvalidArgumentError(`--map: "${field}" is not a field; fields: ${FIELDS.join(', ')}, ignore`);
    }
    // A field mapped by hand leaves the column the suggestion had given it.
    for (const [h, f] of Object.entries(mapping)) if (f === field) mapping[h] = null;
    mapping[match] = field as Field;
  }
  return mapping;
}

export function importCommand(): Command {
  return new Command('import')
    .description('import contacts from a CSV file (Google, Outlook, HubSpot, Salesforce, Mailchimp, Excel)')
    .argument('<file>', 'the CSV file')
    .option('--business <slug>', 'the business to import into (default: the only one)')
    .option('--country <XX>', 'read phone numbers without + in this country (default: the business country)')
    .option('--map <Header=field>', 'map a column to a field, or "Header=ignore"; repeatable', collect, [])
    .option('--dry-run', 'check everything and report, save nothing')
    .option('--json', 'print one JSON report')
    .action(async (file: string, opts: ImportOptions) => {
      const code = await withDatabase(async (db) => {
        const business = await resolveBusiness(db, opts.business);
        const filePath = path.resolve(file);
        const upload = await createImport(db, { businessId: business.id, fileName: path.basename(file), filePath });
        const mapping = applyOverrides(upload.headers, upload.suggestedMapping, opts.map);
        await startImport(db, business.id, upload.id, { mapping, country: opts.country, dryRun: opts.dryRun });
        const bar =
          !opts.json && process.stderr.isTTY
            ? new SingleBar({ format: 'importing [{bar}] {percentage}% {value}/{total} rows', stream: process.stderr })
            : undefined;
        bar?.start(upload.totalRows, 0);
        const status = await runImport(db, upload.id, { onProgress: (done) => bar?.update(done) });
        bar?.stop();
        if (status.status === 'failed') throw new DomainError('CONFLICT', status.error ?? 'the import failed');
        const report = await importReport(db, business.id, upload.id, Number.MAX_SAFE_INTEGER);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          const verb = opts.dryRun ? 'would be ' : '';
          console.log(
            `${opts.dryRun ? 'dry run: ' : ''}${report.created} ${verb}created, ${report.updated} ${verb}updated, ` +
              `${report.unchanged} unchanged, ${report.skipped} empty rows skipped, ${report.failed} rows with errors`,
          );
          for (const e of report.errors.slice(0, 20)) {
            console.log(`  row ${e.row}${e.column ? ` (${e.column})` : ''}: ${e.code} ${e.message}`);
          }
          if (report.errors.length > 20) console.log(`  … and ${report.errors.length - 20} more (use --json)`);
        }
        return 0;
      });
      process.exitCode = code;
    });
}
