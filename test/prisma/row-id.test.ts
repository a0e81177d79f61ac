import { describe, expect, it } from 'vitest';
import { newRowId } from '../../prisma/row-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRowId', () => {
  it('makes UUIDv7s, unique and in order within the process, across many draws of random bytes', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newRowId());
    const after = Date.now();
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // strictly increasing, as text (what `ORDER BY id` on a uuid column sees for UUIDs of one version)
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! < ids[i]!).toBe(true);
    // the time prefix is the clock's millisecond
    const ms = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(ms(ids.at(-1)!)).toBeLessThanOrEqual(after + 1);
  });
});
