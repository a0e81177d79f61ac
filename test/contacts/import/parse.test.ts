// Reading files: delimiters, BOM, CRLF, quoted fields, and the files that must be refused whole.
import { describe, expect, it } from 'vitest';
import { inspectFile } from '../../../contacts/import/index.ts';
import { readRecordChunks, readRecords } from '../../../contacts/import/parse.ts';
import { tempFile } from './helpers.ts';

async function records(content: string | Buffer) {
  const file = await tempFile(content);
  const shape = await inspectFile(file);
  const rows: string[][] = [];
  for await (const r of readRecords(file, shape.delimiter)) rows.push(r);
  return { shape, rows };
}

describe('CSV variants', () => {
  const body = ['First Name', 'Last Name', 'Phone'];
  it.each([
    ['comma, LF', 'First Name,Last Name,Phone\nJane,Doe,07911 123456\n', ','],
    ['semicolon, CRLF', 'First Name;Last Name;Phone\r\nJane;Doe;07911 123456\r\n', ';'],
    ['tab', 'First Name\tLast Name\tPhone\nJane\tDoe\t07911 123456', '\t'],
    ['UTF-8 BOM', '\uFEFFFirst Name,Last Name,Phone\r\nJane,Doe,07911 123456\r\n', ','],
  ])('%s', async (_name, content, delimiter) => {
    const { shape, rows } = await records(content);
    expect(shape).toEqual({ delimiter, headers: body, totalRows: 1 });
    expect(rows).toEqual([['Jane', 'Doe', '07911 123456']]);
  });

  it('reads quoted fields with delimiters, quotes and line breaks', async () => {
    const { rows } = await records('Name,Notes,Tags\n"Doe, Jane","said ""hi""\nthen left","a;b"\n');
    expect(rows).toEqual([['Doe, Jane', 'said "hi"\nthen left', 'a;b']]);
  });

  it('a semicolon file whose cells hold commas is still read as semicolons', async () => {
    const { shape } = await records('Name;Email;Tags\n"Doe, Jane";j@x.com;"a,b"\n');
    expect(shape.delimiter).toBe(';');
  });
});

describe('files refused whole', () => {
  it.each([
    ['empty', '', /empty/],
    ['no header (first row is data)', 'Jane,Doe,jane@example.com\nJohn,Roe,john@example.com\n', /no header row/],
    ['blank header row', ',,\nJane,Doe,x@y.com\n', /no header row/],
    ['duplicated header', 'Email,Name,email\nx@y.com,Jane,z@y.com\n', /"email" appears twice/],
    ['header only', 'First Name,Last Name,Email\n', /no data rows/],
    ['header and empty rows only', 'First Name,Last Name,Email\n,,\n\n', /no data rows/],
  ])('%s', async (_name, content, message) => {
    await expect(inspectFile(await tempFile(content))).rejects.toThrow(message);
  });

  it('binary data', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x41]);
    await expect(inspectFile(await tempFile(bytes))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(inspectFile(await tempFile(bytes))).rejects.toThrow(/binary/);
  });

  it('UTF-16 and Latin-1 encodings', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name,Email\nJ,j@x.com\n', 'utf16le')]);
    await expect(inspectFile(await tempFile(utf16))).rejects.toThrow(/UTF-16/);
    const latin1 = Buffer.from('Name,Email\nJos\xe9,j@x.com\n', 'latin1');
    await expect(inspectFile(await tempFile(latin1))).rejects.toThrow(/not UTF-8/);
  });

  it('invalid UTF-8 far into a large file', async () => {
    const big = Buffer.concat([
      Buffer.from(`Name,Email\n${'Jane,jane@example.com\n'.repeat(10_000)}`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',x@y.com\n'),
    ]);
    await expect(inspectFile(await tempFile(big))).rejects.toThrow(/not UTF-8/);
  });
});

describe('reading records', () => {
  it('a file that cannot be read ends with its error, never hangs', async () => {
    const rows = async () => {
      for await (const r of readRecords('/nonexistent/B-missing.csv', ',')) void r;
    };
    await expect(rows()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives every record once and in order, in chunks, to a consumer that takes its time', async () => {
    const n = 20_000;
    const lines = Array.from({ length: n }, (_, i) => `First${i},"Last, ${i}",0791112${String(i).padStart(4, '0')}`);
    const file = await tempFile(`First Name,Last Name,Phone\n${lines.join('\n')}\n`);
    const seen: string[] = [];
    let chunks = 0;
    for await (const chunk of readRecordChunks(file, ',', 5)) {
      chunks++;
      for (const r of chunk) seen.push(r[0]!);
      // Slower than the parser: records arrive while this consumer waits.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(chunks).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: n - 5 }, (_, i) => `First${i + 5}`));
  });
});
