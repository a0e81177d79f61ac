// One record → what it would save: phones, emails, names, tags, neutralised cells, several values in a cell.
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../contacts/index.ts';
import { planRows, readRow, splitFullName, unneutralize } from '../../../contacts/import/index.ts';

const headers = ['First', 'Last', 'Full', 'Phone', 'Email', 'Tags', 'Country', 'Notes', 'Agent'];
const plan = planRows(
  headers,
  {
    First: 'firstName',
    Last: 'lastName',
    Full: 'fullName',
    Phone: 'phone',
    Email: 'email',
    Tags: 'tags',
    Country: 'address.country',
    Notes: 'notes',
    Agent: 'assignedAgent',
  },
  'GB',
);
const row = (cells: Partial<Record<(typeof headers)[number], string>>) =>
  readRow(
    headers.map((h) => cells[h] ?? ''),
    2,
    plan,
  );

describe('readRow', () => {
  it('normalises phone (business country), email, tags', () => {
    const r = row({
      First: ' Jane ',
      Last: 'Doe',
      Phone: '07911 123456',
      Email: ' Jane@Example.COM',
      Tags: 'VIP; vip, London',
    });
    expect(r).toEqual({
      kind: 'draft',
      draft: {
        row: 2,
        fields: { firstName: 'Jane', lastName: 'Doe' },
        phone: '+447911123456',
        email: 'jane@example.com',
        tags: [
          { name: 'VIP', key: 'vip' },
          { name: 'London', key: 'london' },
        ],
      },
    });
  });

  it('a mapped country column wins for its row', () => {
    const r = row({ First: 'Hans', Phone: '030 123456', Country: 'Germany' });
    expect(r.kind === 'draft' && r.draft.phone).toBe('+4930123456');
    const us = row({ First: 'Ann', Phone: '(201) 555-0123', Country: 'USA' });
    expect(us.kind === 'draft' && us.draft.phone).toBe('+12015550123');
  });

  it('reads back cells neutralised on export', () => {
    expect(unneutralize("'+447911123456")).toBe('+447911123456');
    expect(unneutralize("'=1+1")).toBe('=1+1');
    expect(unneutralize("O'Neill")).toBe("O'Neill");
    const r = row({ First: "'=Jane", Last: 'Doe', Phone: "'+447911123456" });
    expect(r).toMatchObject({ kind: 'draft', draft: { phone: '+447911123456', fields: { firstName: '=Jane' } } });
  });

  it('takes the first valid of several values (Google writes "a ::: b")', () => {
    const r = row({ First: 'Jane', Phone: '12 ::: +44 7911 123456', Email: 'not-an-email ::: jane@x.com ::: j@y.com' });
    expect(r).toMatchObject({ kind: 'draft', draft: { phone: '+447911123456', email: 'jane@x.com' } });
  });

  it('splits a full name when there is no first/last value', () => {
    expect(splitFullName('Mary Ann  Smith')).toEqual({ first: 'Mary Ann', last: 'Smith' });
    expect(splitFullName('Smith, Mary')).toEqual({ first: 'Mary', last: 'Smith' });
    expect(splitFullName('Cher')).toEqual({ first: 'Cher' });
    expect(row({ Full: 'Jane Doe', Email: 'j@x.com' })).toMatchObject({
      draft: { fields: { firstName: 'Jane', lastName: 'Doe' } },
    });
  });

  it('judges every phone exactly as normalizePhone (libphonenumber-js/max) does', () => {
    for (const p of ['07911 123456', '+44 20 7946 0958', '0044 7911 123456', '(07911) 123-456', '07911', '+999 1']) {
      const r = row({ First: 'X', Phone: p });
      const n = normalizePhone(p, 'GB');
      if (n.ok) expect(r).toMatchObject({ kind: 'draft', draft: { phone: n.e164 } });
      else expect(r).toMatchObject({ kind: 'error', errors: [{ code: 'PHONE_INVALID', message: n.message }] });
    }
  });

  it('reports every problem of a row with its column', () => {
    expect(row({ First: 'X', Phone: '123', Email: 'nope', Agent: 'also nope' })).toEqual({
      kind: 'error',
      row: 2,
      errors: [
        { row: 2, column: 'Agent', code: 'AGENT_INVALID', message: expect.any(String) },
        { row: 2, column: 'Phone', code: 'PHONE_INVALID', message: expect.any(String) },
        { row: 2, column: 'Email', code: 'EMAIL_INVALID', message: expect.any(String) },
      ],
    });
    expect(row({ First: 'X' })).toMatchObject({ errors: [{ code: 'IDENTIFIER_MISSING', column: null }] });
    expect(row({ Email: 'a@b.com' })).toMatchObject({ errors: [{ code: 'NAME_MISSING' }] });
    expect(row({ First: 'x'.repeat(1001), Email: 'a@b.com' })).toMatchObject({
      errors: [{ code: 'FIELD_TOO_LONG', column: 'First' }],
    });
    expect(row({})).toEqual({ kind: 'skipped', row: 2 });
    expect(row({ First: '  ', Notes: '\t' })).toEqual({ kind: 'skipped', row: 2 });
  });
});
