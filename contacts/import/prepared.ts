// What a row writes when it creates a contact on its own (the common case of an import): its text columns as COPY
// text and its audit event's changes, made while the file is read — in the reader's worker thread for large files —
// so that the main thread, which matches and writes (and on PGlite also runs the database), only copies bytes.
// A batch's prepared text, and each row's cells (saved with the row if it fails when matched), are UTF-8 bytes in one
// buffer per batch: a batch crosses from the worker without a copy, and they are not strings on the main thread's
// heap for its garbage collector to copy while the batch is matched and written. The text is written straight into
// that buffer, JSON included, without building the objects and strings it describes.
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

/** Characters JSON.stringify escapes (quote, backslash, controls, surrogates) and COPY escapes (backslash). */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what JSON escapes
const JSON_SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Appends `s` as JSON.stringify(s) would write it, escaped for a COPY field (copyField) when `forCopy`. */
function jsonString(out: CopyBuffer, s: string, forCopy = true): void {
  if (JSON_SPECIAL.test(s)) {
    out.text(forCopy ? copyField(JSON.stringify(s)) : JSON.stringify(s));
    return;
  }
  out.text('"');
  out.text(s);
  out.text('"');
}

/** Writes a row's prepared text and its cells into `out`; `bytes` is set by `sealPrepared` once the batch is done. */
export function prepare(d: RowDraft, record: readonly string[], out: CopyBuffer): Prepared {
  const p: Prepared = { bytes: NO_BYTES, fields: out.length, created: 0, cells: 0, end: 0 };
  for (let i = 0; i < CONTACT_COLUMNS.length; i++) {
    if (i > 0) out.text('\t');
    out.text(copyField(d.fields[CONTACT_COLUMNS[i]!] ?? null));
  }
  p.created = out.length;
  // {"<column>":{"from":null,"to":"<value>"},…,"status":…,"phone":…,"email":…,"tags":{"from":[],"to":[…]}}
  out.text('{');
  let first = true;
  /** Opens the change of `key` from `from` (JSON); the caller writes the new value and closes it with `}`. */
  const change = (key: string, from = 'null') => {
    out.text(`${first ? '' : ','}"${key}":{"from":${from},"to":`);
    first = false;
  };
  const changeTo = (key: string, value: string) => {
    change(key);
    jsonString(out, value);
    out.text('}');
  };
  for (const column of CONTACT_COLUMNS) {
    const value = d.fields[column];
    if (value !== undefined) changeTo(column, value);
  }
  changeTo('status', 'active');
  if (d.phone) changeTo('phone', d.phone);
  if (d.email) changeTo('email', d.email);
  if (d.tags.length > 0) {
    change('tags', '[]');
    out.text('[');
    d.tags.forEach((t, i) => {
      if (i > 0) out.text(',');
      jsonString(out, t.key);
    });
    out.text(']}');
  }
  out.text('}');
  p.cells = out.length;
  // The cells as JSON.stringify(record) writes them (read back only for a row that fails when matched).
  out.text('[');
  for (let i = 0; i < record.length; i++) {
    if (i > 0) out.text(',');
    jsonString(out, record[i]!, false);
  }
  out.text(']');
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
