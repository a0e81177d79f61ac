// The ceiling: the import's parsing and row rules (csv-parse, libphonenumber-js/max for every phone) over the same
// file, on one thread, with no database.
import { inspectFile, readRecords } from '../../contacts/import/parse.ts';
import { suggestMapping } from '../../contacts/import/mapping.ts';
import { planRows, readRow } from '../../contacts/import/row.ts';

export interface Ceiling {
  rows: number;
  valid: number;
  seconds: number;
}

export async function measureCeiling(file: string): Promise<Ceiling> {
  const shape = await inspectFile(file);
  const plan = planRows(shape.headers, suggestMapping(shape.headers), 'GB');
  const t = performance.now();
  let rows = 0;
  let valid = 0;
  for await (const record of readRecords(file, shape.delimiter)) {
    if (readRow(record, rows + 2, plan).kind === 'draft') valid++;
    rows++;
  }
  return { rows, valid, seconds: (performance.now() - t) / 1000 };
}
