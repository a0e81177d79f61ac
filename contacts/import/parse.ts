// Reading CSV files: encoding and delimiter detection, the header row, and a streaming reader of data records.
// csv-parse does the parsing (quotes, embedded delimiters and line breaks, CRLF/LF, BOM).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import { DomainError } from '../shared/errors.ts';

export type Delimiter = ',' | ';' | '\t';

export interface FileShape {
  delimiter: Delimiter;
  headers: string[];
  /** Data records after the header, empty ones included. */
  totalRows: number;
}

const SAMPLE = 64 * 1024;

function invalid(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('VALIDATION_FAILED', message, 'file', details);
}

/** Refuses what is not UTF-8 text: UTF-16/32 byte order marks, NUL bytes, invalid UTF-8 sequences. */
export function checkEncoding(bytes: Uint8Array, complete: boolean): void {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw invalid('the file is UTF-16; save it as "CSV UTF-8" and upload it again');
  }
  if (bytes.includes(0)) throw invalid('the file is not a CSV text file (it holds binary data)');
  // A sample may end inside a multi-byte character: leave out its last 3 bytes.
  const view = complete ? bytes : bytes.subarray(0, Math.max(0, bytes.length - 3));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(view);
  } catch {
    throw invalid('the file is not UTF-8 text; save it as "CSV UTF-8" and upload it again');
  }
}

/** The delimiter of the header line: the most frequent of comma, semicolon and tab outside quotes. */
export function detectDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

export function csvParser(delimiter: Delimiter, fromLine = 1): Parser {
  return parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    from_line: fromLine,
    max_record_size: 1024 * 1024,
  });
}

const LOOKS_LIKE_DATA = /@|^\+?[\d\s().-]{7,}$/;

/** Checks a header row: present, no duplicates, no values where names should be. Returns the trimmed headers. */
export function checkHeaders(record: string[] | undefined): string[] {
  const headers = (record ?? []).map((h) => h.trim());
  if (headers.every((h) => h === '')) throw invalid('the file has no header row (the first row is empty)');
  const data = headers.find((h) => LOOKS_LIKE_DATA.test(h));
  if (data !== undefined) {
    throw invalid('the file has no header row: its first row holds data; add a row of column names first');
  }
  const seen = new Set<string>();
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (h === '') {
      headers[i] = `(column ${i + 1})`;
      continue;
    }
    const key = h.toLowerCase();
    if (seen.has(key)) throw invalid(`the header "${h}" appears twice; rename one of the columns`, { header: h });
    seen.add(key);
  }
  return headers;
}

/**
 * Reads a whole file once: checks its encoding, finds its delimiter and header row, counts the data rows.
 * Throws VALIDATION_FAILED for anything that cannot be imported (nothing is imported then).
 */
export async function inspectFile(filePath: string): Promise<FileShape> {
  const handle = await open(filePath, 'r');
  let sample: Uint8Array;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const buf = Buffer.alloc(Math.min(SAMPLE, size));
    await handle.read(buf, 0, buf.length, 0);
    sample = buf;
  } finally {
    await handle.close();
  }
  if (size === 0) throw invalid('the file is empty');
  checkEncoding(sample, size <= SAMPLE);
  const delimiter = detectDelimiter(
    Buffer.from(sample)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  );

  // The whole file: strict UTF-8 while counting records.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const strictUtf8 = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      try {
        decoder.decode(chunk, { stream: true });
        callback(null, chunk);
      } catch {
        callback(invalid('the file is not UTF-8 text; save it as "CSV UTF-8" and upload it again'));
      }
    },
  });
  const parser = csvParser(delimiter);
  const input = createReadStream(filePath);
  input.on('error', (e) => parser.destroy(e));
  strictUtf8.on('error', (e) => parser.destroy(e));
  input.pipe(strictUtf8).pipe(parser);
  let headers: string[] | undefined;
  let totalRows = 0;
  let hasData = false;
  try {
    for await (const records of recordChunks(parser)) {
      for (const record of records) {
        if (!headers) {
          headers = checkHeaders(record);
          continue;
        }
        totalRows++;
        if (!hasData && !isEmptyRecord(record)) hasData = true;
      }
    }
  } catch (e) {
    input.destroy();
    if (e instanceof DomainError) throw e;
    throw invalid(`the file cannot be read as CSV: ${(e as Error).message}`);
  }
  if (!headers) throw invalid('the file has no header row');
  if (!hasData) throw invalid('the file has a header row but no data rows');
  return { delimiter, headers, totalRows };
}

export const isEmptyRecord = (record: readonly string[]) => record.every((c) => c.trim() === '');

/** Streams the data records of a file (header skipped), starting after `skip` data records. */
export async function* readRecords(filePath: string, delimiter: Delimiter, skip = 0): AsyncGenerator<string[]> {
  for await (const records of readRecordChunks(filePath, delimiter, skip)) yield* records;
}

/** The file's data records after `skip`, as many at a time as the parser has ready. */
export async function* readRecordChunks(filePath: string, delimiter: Delimiter, skip = 0): AsyncGenerator<string[][]> {
  const input = createReadStream(filePath);
  const parser = input.pipe(csvParser(delimiter));
  // A file that disappears or cannot be read ends the iteration with its error instead of hanging it.
  input.on('error', (e) => parser.destroy(e));
  let index = -1;
  try {
    for await (const records of recordChunks(parser)) {
      // `index` is the last record passed (the header is record 0): this chunk starts at index + 1.
      const from = Math.max(0, skip - index);
      index += records.length;
      if (from < records.length) yield from === 0 ? records : records.slice(from);
    }
  } finally {
    // Stopped early (an error, or the consumer returned): close the file.
    parser.destroy();
    input.destroy();
  }
}

/**
 * A parser's records, as many at a time as it has ready (up to a read buffer's worth): taken with `read()`, not
 * through the stream's async iterator, which cost a promise and a result object a record. Ends with the parser's
 * error, if any.
 */
async function* recordChunks(parser: Parser): AsyncGenerator<string[][]> {
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  parser.on('readable', signal);
  parser.on('end', () => {
    ended = true;
    signal();
  });
  parser.on('error', (e: Error) => {
    failure = e;
    signal();
  });
  for (;;) {
    const chunk: string[][] = [];
    let record: string[] | null;
    while ((record = parser.read() as string[] | null) !== null) chunk.push(record);
    // Read again before waiting: what arrived while the consumer had the chunk announced itself meanwhile.
    if (chunk.length > 0) {
      yield chunk;
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
