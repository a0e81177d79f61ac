import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone } from '../../../contacts/index.ts';

describe('normalizePhone', () => {
  it.each([
    ['07911 123456', 'GB', '+447911123456', 'mobile'],
    ['+44 (0)7911-123-456', 'US', '+447911123456', 'mobile'],
    ['0044 7911 123456', 'GB', '+447911123456', 'mobile'],
    ['0044 7911 123456', 'US', '+447911123456', 'mobile'], // 00 is international even where the exit code is 011
    ['(020) 7946 0958', 'GB', '+442079460958', 'fixed_line'],
    ['612 345 678', 'ES', '+34612345678', 'mobile'],
    ['(201) 555-0123', 'US', '+12015550123', 'fixed_line_or_mobile'],
  ])('%s read in %s is %s', (input, country, e164, type) => {
    expect(normalizePhone(input, country)).toEqual(expect.objectContaining({ ok: true, e164, type }));
  });

  it.each([
    ['', 'EMPTY', /empty/],
    ['abc', 'NOT_A_NUMBER', /not a phone number/],
    ['123', 'TOO_SHORT', /too short for GB/],
    ['0791112345678', 'TOO_LONG', /too long/],
    ['+44 1632 96', 'TOO_SHORT', /too short/],
  ])('%s is refused: %s', (input, reason, message) => {
    const r = normalizePhone(input, 'GB');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.message).toMatch(message);
    }
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toEqual({ ok: true, email: 'jane.doe@example.com' });
  });
  it.each(['jane', 'jane@', '@x.com', 'a b@c.com', 'guest-x@guest.baton.invalid'])('refuses %s', (input) => {
    expect(normalizeEmail(input).ok).toBe(false);
  });
});
