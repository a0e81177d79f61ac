// The pure pieces of the import's bulk path: COPY text escaping, time-ordered ids, and the phone rule's one-pass
// classification, which must judge every number exactly as libphonenumber-js's isValid() does.
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { phoneSpelling } from '../../../bench/import/generate.ts';
import { normalizePhone } from '../../../contacts/phone.ts';
import { copyField, copyText } from '../../../contacts/import/copy-text.ts';
import { newId } from '../../../contacts/import/ids.ts';

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
