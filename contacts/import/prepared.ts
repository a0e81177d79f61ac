// What a row writes when it creates a contact on its own (the common case of an import): its text columns as COPY
// text and its audit event's changes, made while the file is read — in the reader's worker thread for large files —
// so that the main thread, which matches and writes (and on PGlite also runs the database), only copies bytes.
// A batch's prepared text, and each row's cells (saved with the row if it fails when matched), are UTF-8 bytes in one
// buffer per batch: a batch crosses from the worker without a copy, and they are not strings on the main thread's
// heap for its garbage collector to copy while the batch is matched and written.
// Pure. Must give exactly what the general path gives (changes() in batch.ts, copyText): a test compares them.
import { CopyBuffer, copyField } from './copy-text.ts';
import { CONTACT_COLUMNS } from './fields.ts';
import type { RowDraft } from './row.ts';

/** Where a row's prepared text lies in its batch's bytes: [fields, created) [created, cells) [cells, end). */
export interface Prepared {
  /** The batch's bytes, shared by its rows. */
  bytes: Uint8Array;
  /** The contact's CONTACT_COLUMNS as COPY text fields, tab-separated. */
  fields: number;
  /** The changes of the audit event of a contact created from this row alone (no assigned agent), as a COPY field. */
  created: number;
  /** The row's cells as read, as JSON. */
  cells: number;
  end: number;
}

const NO_BYTES = new Uint8Array(0);

/** Writes a row's prepared text and its cells into `out`; `bytes` is set by `sealPrepared` once the batch is done. */
export function prepare(d: RowDraft, record: readonly string[], out: CopyBuffer): Prepared {
  let fields = '';
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (let i = 0; i < CONTACT_COLUMNS.length; i++) {
    const column = CONTACT_COLUMNS[i]!;
    const value = d.fields[column];
    fields += (i === 0 ? '' : '\t') + copyField(value ?? null);
    if (value !== undefined) changes[column] = { from: null, to: value };
  }
  changes.status = { from: null, to: 'active' };
  if (d.phone) changes.phone = { from: null, to: d.phone };
  if (d.email) changes.email = { from: null, to: d.email };
  if (d.tags.length > 0) changes.tags = { from: [], to: d.tags.map((t) => t.key) };
  const p: Prepared = { bytes: NO_BYTES, fields: out.length, created: 0, cells: 0, end: 0 };
  out.text(fields);
  p.created = out.length;
  out.text(copyField(JSON.stringify(changes)));
  p.cells = out.length;
  out.text(JSON.stringify(record));
  p.end = out.length;
  return p;
}

/** Points every draft's prepared text at the batch's finished bytes. */
export function sealPrepared(drafts: readonly RowDraft[], out: CopyBuffer): Uint8Array {
  const bytes = out.done();
  for (const d of drafts) if (d.prepared) d.prepared.bytes = bytes;
  return bytes;
}

const decoder = new TextDecoder();
export const preparedFields = (p: Prepared) => decoder.decode(p.bytes.subarray(p.fields, p.created));
export const preparedCreated = (p: Prepared) => decoder.decode(p.bytes.subarray(p.created, p.cells));
export const preparedCells = (p: Prepared) => decoder.decode(p.bytes.subarray(p.cells, p.end));
