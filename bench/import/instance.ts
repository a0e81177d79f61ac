// One instance's import, in a process of its own (bench/import/instances.ts starts one or several at once): uploads
// the CSV into the business named on the command line and runs the import as the server does (runImport), then
// prints one line of JSON: seconds, rows, peak RSS.
import { readFileSync } from 'node:fs';
import { createImport, runImport, startImport } from '../../contacts/import/index.ts';
import { openDatabase } from '../../prisma/index.ts';

const [databaseUrl, businessId, file] = process.argv.slice(2);
if (!databaseUrl || !businessId || !file) throw new Error('usage: instance.ts <databaseUrl> <businessId> <csv>');
const db = await openDatabase({ databaseUrl, dataDir: '' });
try {
  const upload = await createImport(db, { businessId, fileName: 'bench.csv', filePath: file });
  await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
  const t = performance.now();
  const status = await runImport(db, upload.id);
  const seconds = (performance.now() - t) / 1000;
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  console.log(JSON.stringify({ seconds, rows: status.processedRows, status: status.status, peak: Number(kb) * 1024 }));
} finally {
  await db.close();
}
