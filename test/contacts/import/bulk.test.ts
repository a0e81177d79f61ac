// The pure pieces of the import's bulk path: COPY text escaping, time-ordered ids, rows prepared while reading (the
// same text as the general path), and the phone rule's one-pass classification, which must judge every number exactly
// as libphonenumber-js's isValid() does.
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { phoneSpelling } from '../../../bench/import/generate.ts';
import { normalizePhone } from '../../../contacts/shared/phone.ts';
import { changes, matchBatch } from '../../../contacts/import/batch.ts';
import { CopyBuffer, copyField, copyText } from '../../../contacts/import/copy-text.ts';
import { CONTACT_COLUMNS } from '../../../contacts/import/fields.ts';
import { v7 } from 'uuid';
import { formatId, newId, v7Layout } from '../../../contacts/import/ids.ts';
import { planRows, readRow, suggestMapping } from '../../../contacts/import/index.ts';
import {
  prepare,
  preparedCells,
  preparedCreated,
  preparedFields,
  sealPrepared,
} from '../../../contacts/import/prepared.ts';

describe('COPY text', () => {
  it('escapes backslash, tab, newline and carriage return, and writes NULL as \\N', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('plain')).toBe('plain');
    expect(copyField(42)).toBe('42');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    // The two characters "\N" written by a person are text, not NULL.
    expect(copyField('\\N')).toBe('\\\\N');
    expect(
      copyText([
        ['1', null, 'x\ty'],
        ['2', '', 'z'],
      ]),
    ).toBe('1\t\\N\tx\\ty\n2\t\tz\n');
  });

  it('is built as UTF-8 bytes equal to the text, across growth of the buffer and with copied byte ranges', () => {
    const rows: (string | null)[][] = Array.from({ length: 3000 }, (_, i) => [
      `row ${i}`,
      i % 7 === 0 ? null : `ünïcödé ✓ 😀 tab\there ${'x'.repeat(i % 50)}`,
    ]);
    const b = new CopyBuffer();
    for (const r of rows) b.row(r);
    const source = new TextEncoder().encode('«prefix» middle suffix');
    b.text('a\tb\n');
    b.bytes(source, 11, 17); // «» are two bytes each
    const bytes = b.done();
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    expect(new TextDecoder().decode(bytes)).toBe(copyText(rows) + 'a\tb\n' + 'middle');
  });

  it("owns its memory, never a slice of Node's shared pool of small buffers (a batch's bytes are transferred)", () => {
    const b = new CopyBuffer(10);
    b.text('x');
    const bytes = b.done();
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(1024);
    // Transferring it leaves other small buffers alone.
    const other = Buffer.from('still here');
    structuredClone(bytes, { transfer: [bytes.buffer] });
    expect(bytes.buffer.byteLength).toBe(0);
    expect(other.toString()).toBe('still here');
  });
});

describe('newId', () => {
  it('makes UUIDv7 ids that sort in the order they were made', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // The first 48 bits are the time in milliseconds.
    const ms = parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it('lays an id out exactly as uuid v7 does for the same time, counter and random bytes', () => {
    let seed = 11;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2000; i++) {
      const random = Uint8Array.from({ length: 16 }, () => Math.floor(r() * 256));
      const msecs = Math.floor(r() * 2 ** 47) + (i % 2) * 2 ** 47;
      const seq = Math.floor(r() * 2 ** 32) | 0;
      const ours = formatId(v7Layout(random, 0, msecs, seq, new Uint8Array(16)));
      expect(ours).toBe(v7({ random, msecs, seq }));
    }
  });
});

describe('normalizePhone', () => {
  it('judges numbers exactly as libphonenumber-js isValid() does (one classification instead of two)', () => {
    let seed = 7;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const inputs: [string, string][] = [];
    for (let i = 0; i < 3000; i++) inputs.push([phoneSpelling(i * 7919, r), 'GB']);
    const others = [
      '+1 212 555 0123',
      '+1 800 555 0199',
      '+34 612 34 56 78',
      '+52 55 1234 5678',
      '+44 20 7946 0958',
      '+49 30 123456',
      '+33 1 23 45 67 89',
      '+7 800 555 35 35',
      '+247 4567',
      '+882 1234 5678',
      '+800 1234 5678',
      '+979 1234 5678',
      '0612345678',
      '5512345678',
      '2125550123',
      '+44 7624 369230',
      '+1 684 733 1234',
    ];
    for (const o of others) for (const c of ['GB', 'US', 'ES', 'MX', 'DE']) inputs.push([o, c]);
    let valid = 0;
    for (const [input, country] of inputs) {
      let expected: string | null;
      try {
        const p = parsePhoneNumberWithError(input.replace(/^\(?00(?=[\s\d(])/, '+'), {
          defaultCountry: country as 'GB',
        });
        expected = p.isValid() ? p.number : null;
      } catch {
        expected = null;
      }
      const got = normalizePhone(input, country);
      expect(got.ok ? got.e164 : null, `${input} read in ${country}`).toBe(expected);
      if (expected) valid++;
    }
    // Both kinds are exercised.
    expect(valid).toBeGreaterThan(inputs.length / 2);
    expect(valid).toBeLessThan(inputs.length);
  });
});

const asSent = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));

describe('prepared rows', () => {
  it('give exactly the COPY line and audit changes the general path gives, for a contact made from one row', () => {
    const headers = ['First Name', 'Last Name', 'Company', 'Mobile Phone', 'E-mail Address', 'Notes', 'Categories'];
    const plan = planRows(headers, suggestMapping(headers), 'GB');
    const rows: string[][] = [
      ['Jane', 'Smith', '', '07911 123456', 'jane@example.com', '', ''],
      ['Ann', '', 'Tab\tand back\\slash', '+44 7911 123457', '', 'line one\nline two\r\n"quoted"', 'VIP; retail;vip'],
      ['', "Ö'Neill", ':::', '', 'o@example.com', 'ünïcödé ✓', ':::'],
      ['Zoë', 'Müller', 'Acme, Inc.', '0044 7911 123458', 'ZOE@Example.COM', '', 'a,b'],
      ['Bell\u0007', 'Emoji 😀', 'Lone \ud800 surrogate', '+44 7911 123459', '', 'ctl \u001f "q" \\', 'tag "x"'],
    ];
    let seed = 3;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 300; i++) {
      rows.push([
        `First${i}`,
        r() < 0.2 ? '' : `Last\\${i}`,
        r() < 0.5 ? `Co ${i}` : '',
        phoneSpelling(i, r),
        r() < 0.5 ? `p${i}@example.com` : '',
        r() < 0.2 ? `n\t${i}` : '',
        r() < 0.3 ? 'X;Y' : '',
      ]);
    }
    const now = '2026-11-25T12:00:00.000Z';
    let compared = 0;
    // All rows' prepared text in one buffer, as a batch has it.
    const bytes = new CopyBuffer();
    const drafts = rows.flatMap((record, i) => {
      const out = readRow(record, i + 2, plan);
      if (out.kind !== 'draft') return [];
      out.draft.prepared = prepare(out.draft, record, bytes);
      return [{ draft: out.draft, record }];
    });
    sealPrepared(
      drafts.map((d) => d.draft),
      bytes,
    );
    for (const { draft, record } of drafts) {
      const pre = draft.prepared!;
      const state = { holders: new Map(), agents: new Map<string, string>() };
      const m = matchBatch([draft], state, {});
      const e = m.touched[0]!;
      expect(e.source).toBe(draft);
      expect(pre.bytes).toBe(drafts[0]!.draft.prepared!.bytes);
      const general = copyText([
        [e.id, 'B', e.status, 'import', e.assignedAgentId, ...CONTACT_COLUMNS.map((c) => e.fields[c]), now, now],
      ]);
      // Compared as the drivers send them: UTF-8 (where a lone surrogate becomes U+FFFD on both paths).
      expect(`${e.id}\tB\t${e.status}\timport\t\\N\t${preparedFields(pre)}\t${now}\t${now}\n`).toBe(asSent(general));
      expect(preparedCreated(pre)).toBe(asSent(copyField(JSON.stringify(changes(e)))));
      expect(preparedCells(pre)).toBe(asSent(JSON.stringify(record)));
      compared++;
    }
    expect(compared).toBeGreaterThan(250);
  });

  it('are not used once a second row of the file, an assigned agent or an existing contact touches the contact', () => {
    const headers = ['First Name', 'Mobile Phone', 'Assigned To'];
    const plan = planRows(
      headers,
      { 'First Name': 'firstName', 'Mobile Phone': 'phone', 'Assigned To': 'assignedAgent' },
      'GB',
    );
    const draft = (cells: string[], row: number) => {
      const out = readRow(cells, row, plan);
      if (out.kind !== 'draft') throw new Error('expected a draft');
      out.draft.prepared = prepare(out.draft, cells, new CopyBuffer());
      return out.draft;
    };
    const state = { holders: new Map(), agents: new Map([['agent@example.com', 'agent-id']]) };
    const m = matchBatch(
      [
        draft(['Jane', '07911 123456', ''], 2),
        draft(['Janet', '07911 123456', ''], 3),
        draft(['Al', '07911 123457', 'agent@example.com'], 4),
      ],
      state,
      {},
    );
    expect(m.created).toBe(2);
    expect(m.touched.map((e) => e.source)).toEqual([undefined, undefined]);
    expect(m.touched[0]!.fields.firstName).toBe('Janet');
  });
});
