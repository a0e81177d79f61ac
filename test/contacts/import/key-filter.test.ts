// The import's filter of phones and emails already seen: never forgets a key, and mistakes few unseen ones for seen.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyFilter } from '../../../contacts/import/key-filter.ts';

describe('KeyFilter', () => {
  it('has every key it was given, and takes ~1 % of the others for seen', () => {
    const n = 50_000;
    const filter = new KeyFilter(n);
    for (let i = 0; i < n; i++) filter.add(`p:+447${String(i).padStart(9, '0')}`);
    for (let i = 0; i < n; i++) expect(filter.mayHave(`p:+447${String(i).padStart(9, '0')}`)).toBe(true);
    let seen = 0;
    for (let i = 0; i < n; i++) if (filter.mayHave(`e:someone.${i}@example.org`)) seen++;
    expect(seen / n).toBeLessThan(0.02);
    expect(seen).toBeGreaterThan(0);
  });

  it('an empty filter has nothing; a small one still works past its capacity', () => {
    expect(new KeyFilter(0).mayHave('p:+447911123456')).toBe(false);
    const filter = new KeyFilter(1);
    for (let i = 0; i < 500; i++) filter.add(`e:${i}@x.com`);
    for (let i = 0; i < 500; i++) expect(filter.mayHave(`e:${i}@x.com`)).toBe(true);
  });

  it('never forgets any string it was given (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 200 }),
        fc.nat({ max: 1000 }),
        (keys, capacity) => {
          const filter = new KeyFilter(capacity);
          for (const k of keys) filter.add(k);
          return keys.every((k) => filter.mayHave(k));
        },
      ),
    );
  });
});
