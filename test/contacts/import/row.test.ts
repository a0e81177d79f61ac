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
    expect(row({ First: 'X', Phone: '123', Email: 'nope', Agent: 'also@nope' })).toEqual({
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

describe('readRow: whole addresses, several phones, agents by name', () => {
  const wide = ['First', 'Last', 'Mobile', 'Home', 'Work', 'Email', 'Address', 'Billing', 'City', 'Notes', 'Agent'];
  const widePlan = planRows(
    wide,
    {
      First: 'firstName',
      Last: 'lastName',
      Mobile: 'phone',
      Home: 'otherPhone',
      Work: 'otherPhone',
      Email: 'email',
      Address: 'address',
      Billing: 'billingAddress',
      City: 'address.city',
      Notes: 'notes',
      Agent: 'assignedAgent',
    },
    'GB',
  );
  const read = (cells: Partial<Record<(typeof wide)[number], string>>) => {
    const r = readRow(
      wide.map((h) => cells[h] ?? ''),
      2,
      widePlan,
    );
    if (r.kind !== 'draft') throw new Error(JSON.stringify(r));
    return r.draft;
  };

  it('splits an address cell into its parts when it can, keeps it whole in line 1 otherwise', () => {
    expect(
      read({ First: 'A', Email: 'a@x.test', Address: '12 High Street, London SW1A 1AA, United Kingdom' }).fields,
    ).toMatchObject({
      addressLine1: '12 High Street',
      addressCity: 'London',
      addressPostalCode: 'SW1A 1AA',
      addressCountry: 'United Kingdom',
    });
    expect(read({ First: 'A', Email: 'a@x.test', Billing: 'Hauptstraße 5, 10115 Berlin' }).fields).toMatchObject({
      billingAddressLine1: 'Hauptstraße 5',
      billingAddressPostalCode: '10115',
      billingAddressCity: 'Berlin',
    });
    const whole = read({ First: 'A', Email: 'a@x.test', Address: 'Flat 2, Rose Court' }).fields;
    expect(whole.addressLine1).toBe('Flat 2, Rose Court');
    expect(whole.addressCity).toBeUndefined();
    // A city column wins over the city read from the address cell.
    expect(
      read({ First: 'A', Email: 'a@x.test', Address: '1 Rue X, 75001 Paris', City: 'Paris 1er' }).fields,
    ).toMatchObject({
      addressLine1: '1 Rue X',
      addressPostalCode: '75001',
      addressCity: 'Paris 1er',
    });
  });

  it('the mobile wins; other valid numbers are kept in notes, and one becomes the phone when the mobile has none', () => {
    const both = read({
      First: 'A',
      Mobile: '07911 123456',
      Home: '020 7946 0958',
      Work: '07911 123456',
      Notes: 'likes tea',
    });
    expect(both.phone).toBe('+447911123456');
    expect(both.fields.notes).toBe('likes tea\nHome: +442079460958');
    const noMobile = read({ First: 'A', Home: '020 7946 0958', Work: '0161 496 0000' });
    expect(noMobile.phone).toBe('+442079460958');
    expect(noMobile.fields.notes).toBe('Work: +441614960000');
    const badMobile = read({ First: 'A', Mobile: '07911', Home: '020 7946 0958' });
    expect(badMobile.phone).toBe('+442079460958');
    expect(badMobile.fields.notes).toBe('Mobile: 07911');
    // Nothing valid anywhere: the phone column's problem is reported.
    const r = readRow(['A', '', '07911', '12', '', '', '', '', '', '', ''], 2, widePlan);
    expect(r).toMatchObject({ kind: 'error', errors: [{ column: 'Mobile', code: 'PHONE_INVALID' }] });
  });

  it('an assigned agent is an email or a name', () => {
    expect(read({ First: 'A', Email: 'a@x.test', Agent: 'Sam@Shop.test' })).toMatchObject({
      agentEmail: 'sam@shop.test',
    });
    const byName = read({ First: 'A', Email: 'a@x.test', Agent: '  Sam   Baker ' });
    expect(byName.agentName).toBe('sam baker');
    expect(byName.agentEmail).toBeUndefined();
  });
});
