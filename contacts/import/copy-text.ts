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

/** One row's values as a COPY line (without the newline). */
export function copyLine(row: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : '\t') + copyField(row[i]!);
  return line;
}

/** The COPY text of some rows (every line ends with a newline). */
export function copyText(rows: readonly (readonly CopyValue[])[]): string {
  if (rows.length === 0) return '';
  return rows.map(copyLine).join('\n') + '\n';
}

/**
 * COPY text built directly as UTF-8 bytes: what the drivers send. Rows prepared while reading arrive as bytes
 * (prepared.ts) and are copied in as they are; the rest is encoded once, into place. Building a batch's text as one
 * joined string instead cost a join, then an encoding of the whole text, and a string per line for the collector.
 */
export class CopyBuffer {
  private buf: Buffer<ArrayBuffer>;
  length = 0;

  /**
   * `capacity`: the bytes expected; a good guess spares the copies (and the garbage) of growing. The memory is never
   * from Node's shared pool of small buffers (allocUnsafeSlow): a batch's buffer is transferred to another thread,
   * which would take the pool with it.
   */
  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(1024, capacity));
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** Appends text already in COPY form (escaped fields, tabs, newlines). */
  text(s: string): void {
    const n = s.length;
    this.room(n * 3);
    // Short ASCII text (ids, separators, kinds) byte by byte: cheaper than a call into the encoder.
    if (n <= 64) {
      const buf = this.buf;
      const at = this.length;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        this.length += n;
        return;
      }
    }
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** Appends bytes[start, end) as they are. */
  bytes(bytes: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.buf.set(bytes.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** Appends one row of values as a line. */
  row(row: readonly CopyValue[]): void {
    this.text(copyLine(row) + '\n');
  }

  /** The bytes written (a view of the builder's buffer: done with the builder). */
  done(): Buffer<ArrayBuffer> {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.length);
  }
}
