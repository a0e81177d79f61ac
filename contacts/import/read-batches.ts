// Reading an import's file in batches of normalised rows: parsed by csv-parse and put through the row rules
// (libphonenumber for every phone). Runs inline here, or inside the reader's worker thread (read-batches-in-worker.ts).
import type { Delimiter } from './parse.ts';
import { readRecordChunks } from './parse.ts';
import { CopyBuffer } from './copy-text.ts';
import { prepare, sealPrepared } from './prepared.ts';
import { readRow, type RowDraft, type RowError, type RowPlan } from './row.ts';
import { runStepsYielding, type Steps } from './steps.ts';

export interface ReadBatch {
  /** Data rows of the file before this batch. */
  start: number;
  /** Records in the batch. */
  count: number;
  /** Each with its prepared text and its cells as read (saved with the row if it fails when matched) in `bytes`. */
  drafts: RowDraft[];
  /** The drafts' prepared text and cells (prepared.ts): one buffer, moved, not copied, from the reader's worker. */
  bytes: Uint8Array;
  skipped: number;
  errors: (RowError & { cells: string })[];
  /** Rows with at least one error. */
  errorRows: number[];
}

export interface ReadOptions {
  filePath: string;
  delimiter: Delimiter;
  /** Data rows already processed: reading starts after them. */
  from: number;
  plan: RowPlan;
  batchSize: number;
}

/** Rows normalised between two turns of the event loop when reading inline. */
const YIELD_EVERY = 200;

/** Puts a batch of records through the row rules. `yieldEvery` lets the event loop turn meanwhile (inline reading). */
export function normaliseBatch(
  records: string[][],
  start: number,
  plan: RowPlan,
  yieldEvery = Infinity,
): Promise<ReadBatch> {
  return runStepsYielding(normaliseRows(records, start, plan), yieldEvery);
}

function* normaliseRows(records: string[][], start: number, plan: RowPlan): Steps<ReadBatch> {
  const batch: ReadBatch = {
    start,
    count: records.length,
    drafts: [],
    bytes: new Uint8Array(0),
    skipped: 0,
    errors: [],
    errorRows: [],
  };
  // Sized for ~1 KB a row of prepared text and cells (an address-book export); it grows when rows are larger.
  const out = new CopyBuffer(records.length * 1024);
  for (let i = 0; i < records.length; i++) {
    // Normalising a row costs ~10–20 µs (libphonenumber): inline, the batch being written meanwhile gets its next
    // statement sent as soon as the database answers the previous one.
    yield;
    const record = records[i]!;
    const r = readRow(record, start + i + 2, plan);
    if (r.kind === 'draft') {
      r.draft.prepared = prepare(r.draft, record, out);
      batch.drafts.push(r.draft);
    } else if (r.kind === 'skipped') batch.skipped++;
    else {
      batch.errorRows.push(r.row);
      const cells = JSON.stringify(record);
      for (const e of r.errors) batch.errors.push({ ...e, cells });
    }
  }
  batch.bytes = sealPrepared(batch.drafts, out);
  return batch;
}

/** The file's batches, read on this thread. */
export async function* readBatchesInline(o: ReadOptions): AsyncGenerator<ReadBatch> {
  let records: string[][] = [];
  let start = o.from;
  for await (const chunk of readRecordChunks(o.filePath, o.delimiter, o.from)) {
    for (const record of chunk) {
      records.push(record);
      if (records.length >= o.batchSize) {
        const batch = records;
        records = [];
        yield await normaliseBatch(batch, start, o.plan, YIELD_EVERY);
        start += batch.length;
      }
    }
  }
  if (records.length > 0) yield await normaliseBatch(records, start, o.plan, YIELD_EVERY);
}
