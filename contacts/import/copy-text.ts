// PostgreSQL's COPY text format: one row a line, fields separated by tabs, NULL as \N, and backslash, tab, newline
// and carriage return escaped. Pure.
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export type CopyValue = string | number | null;

export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

/** A row to COPY: its values, or its line already encoded (without the newline). */
export type CopyRow = readonly CopyValue[] | string;

/** The COPY text of some rows (every line ends with a newline). */
export function copyText(rows: readonly CopyRow[]): string {
  if (rows.length === 0) return '';
  const lines = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (typeof row === 'string') {
      lines[r] = row;
      continue;
    }
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : '\t') + copyField(row[i]!);
    lines[r] = line;
  }
  return lines.join('\n') + '\n';
}
