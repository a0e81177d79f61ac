// The extraction table: every reply run through the offline extractor; precision and recall printed and asserted.
import { describe, expect, it } from 'vitest';
import { extractDetails, type DetailFinding } from '../../../workflows/agent/index.ts';
import { TABLE, type Expected } from './extraction-table.ts';

function matches(expected: Expected, got: DetailFinding): boolean {
  if (expected === null) return got.status === 'none';
  if (expected === 'invalid') return got.status === 'invalid';
  if (typeof expected === 'string') return got.status === 'found' && got.value === expected;
  return got.status === 'ambiguous' && [...got.options].sort().join() === [...expected.ambiguous].sort().join();
}

describe('extraction table (offline extractor)', () => {
  it('has at least 60 varied rows', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
    expect(new Set(TABLE.map((r) => r.kind)).size).toBeGreaterThanOrEqual(15);
  });

  it('reaches 100% precision and at least 95% recall', () => {
    let returned = 0;
    let correct = 0;
    let expectedValues = 0;
    let exactRows = 0;
    const misses: string[] = [];
    const started = performance.now();
    for (const row of TABLE) {
      const got = extractDetails(row.say, { country: 'GB', ...row.ctx });
      let rowOk = (row.declined ?? false) === got.declined;
      for (const field of ['email', 'phone'] as const) {
        const expected = row[field];
        const finding = got[field];
        if (typeof expected === 'string' && expected !== 'invalid') expectedValues++;
        if (finding.status === 'found') {
          returned++;
          if (finding.value === expected) correct++;
        }
        if (!matches(expected, finding)) rowOk = false;
      }
      if (row.name !== undefined) {
        const name = got.name ? [got.name.firstName, got.name.lastName].filter(Boolean).join(' ') : null;
        if (name !== row.name) rowOk = false;
      }
      if (rowOk) exactRows++;
      else misses.push(`${row.kind}: ${JSON.stringify(row.say)} → ${JSON.stringify(got)}`);
    }
    const ms = performance.now() - started;
    const precision = returned === 0 ? 1 : correct / returned;
    const recall = correct / expectedValues;
    console.log(
      `extraction table: ${TABLE.length} replies, ${expectedValues} expected values, ${returned} returned as found, ` +
        `${correct} correct → precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%; ` +
        `rows fully right (incl. none/invalid/ambiguous/declined) ${exactRows}/${TABLE.length}; ` +
        `${(ms / TABLE.length).toFixed(2)} ms a reply`,
    );
    if (misses.length) console.log(`rows not fully right:\n  ${misses.join('\n  ')}`);
    expect(precision).toBe(1);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // the rows written for issue 19 (anger, refusals, country hints, names) are all fully right
    const issue19 = TABLE.slice(TABLE.findIndex((r) => r.kind === 'angry'));
    expect(misses.filter((m) => issue19.some((r) => m.startsWith(`${r.kind}: ${JSON.stringify(r.say)}`)))).toEqual([]);
  });
});
