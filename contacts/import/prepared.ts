// What a row writes when it creates a contact on its own (the common case of an import): its text columns as COPY
// text and its audit event's changes, made while the file is read — in the reader's worker thread for large files —
// so that the main thread, which matches and writes (and on PGlite also runs the database), only joins strings.
// Pure. Must give exactly what the general path gives (changes() in batch.ts, copyText): a test compares them.
import { copyField } from './copy-text.ts';
import { CONTACT_COLUMNS } from './fields.ts';
import type { RowDraft } from './row.ts';

export interface Prepared {
  /** The contact's CONTACT_COLUMNS as COPY text fields, tab-separated. */
  fields: string;
  /** The changes of the audit event of a contact created from this row alone (no assigned agent), as a COPY field. */
  created: string;
}

export function prepare(d: RowDraft): Prepared {
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
  return { fields, created: copyField(JSON.stringify(changes)) };
}
