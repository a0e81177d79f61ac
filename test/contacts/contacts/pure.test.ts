import { describe, expect, it } from 'vitest';
import { diff } from '../../../contacts/audit/audit.ts';
import { GUEST_EMAIL_DOMAIN, guestPseudonym, normalizeEmail, splitProfileName } from '../../../contacts/index.ts';
import { phoneDigits } from '../../../contacts/contacts/queries.ts';
import { DomainError } from '../../../contacts/index.ts';
import { toErrorResponse } from '../../../bot/http/errors.ts';

describe('guest pseudonyms', () => {
  it('look like "Guest Amber Falcon" with an email on the reserved domain that no real email can use', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const g = guestPseudonym();
      expect(`${g.firstName} ${g.lastName}`).toMatch(/^Guest [A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(g.email.endsWith(`@${GUEST_EMAIL_DOMAIN}`)).toBe(true);
      seen.add(g.email);
      expect(normalizeEmail(g.email).ok).toBe(false); // nobody can type it in
    }
    expect(seen.size).toBe(200);
  });
});

describe('profile names', () => {
  it('split into first and last name', () => {
    expect(splitProfileName('  Jane   Mary Smith ')).toEqual({ firstName: 'Jane', lastName: 'Mary Smith' });
    expect(splitProfileName('Cher')).toEqual({ firstName: 'Cher', lastName: '' });
    expect(splitProfileName('   ')).toBeUndefined();
    expect(splitProfileName(undefined)).toBeUndefined();
  });
});

describe('phone fragments in a search', () => {
  it('are reduced to digits without the national 0; words are not phone searches', () => {
    expect(phoneDigits('7911 123')).toBe('7911123');
    expect(phoneDigits('07911-123')).toBe('7911123');
    expect(phoneDigits('+44 (0)7911')).toBe('4407911');
    expect(phoneDigits('12')).toBeNull();
    expect(phoneDigits('jane 7911')).toBeNull();
  });
});

describe('audit diff', () => {
  it('records only changed fields with old and new values', () => {
    expect(diff({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', c: undefined, d: 'new' })).toEqual({
      b: { from: 'x', to: 'y' },
      d: { from: null, to: 'new' },
    });
  });
});

describe('HTTP error mapping', () => {
  it.each([
    ['VALIDATION_FAILED', 400],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['IDENTIFIER_TAKEN', 409],
    ['IDENTIFIERS_CONFLICT', 409],
    ['RATE_LIMITED', 429],
  ] as const)('%s → %i with {error:{code,message,field}}', (code, status) => {
    const r = toErrorResponse(new DomainError(code, 'why', 'phone'));
    expect(r).toMatchObject({ status, body: { error: { code, message: 'why', field: 'phone' } } });
  });
  it('hides internal errors', () => {
    const r = toErrorResponse(new Error('connection string postgres://secret'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('secret');
  });
});
