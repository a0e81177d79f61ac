// Property: whatever the rows, the importer never crashes, and every row is accounted for exactly once.
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { business, importCsv } from './helpers.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const weird = fc.constantFrom(
  '',
  ' ',
  'a,b',
  'a;b',
  '"q"',
  'x\ny',
  "'=1+1",
  '=HYPERLINK()',
  '@x',
  ' ::: ',
  'Ünïcødé',
  '\t',
);
const name = fc.oneof(weird, fc.string({ maxLength: 12 }), fc.constantFrom('Jane', "O'Neill", 'Li'));
const phone = fc.oneof(
  weird,
  fc.constantFrom('07911 123456', '+44 7911 123457', '0044 7912 345678', '(07400) 123-456', '+1 201 555 0123', '12'),
  fc.stringMatching(/^[0-9 +()-]{0,16}$/),
);
const email = fc.oneof(
  weird,
  fc.constantFrom('a@x.com', 'A@X.com', 'b@x.com', 'admin@p.test', 'nope@'),
  fc.emailAddress(),
);
const row = fc.tuple(name, name, phone, email, fc.oneof(weird, fc.string({ maxLength: 20 })));

describe('property: random rows', () => {
  it('never crash the importer and every row is counted once', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, batchSize) => {
          const { businessId } = await business(db, `p${++n}`);
          const csv = stringify([['First Name', 'Last Name', 'Phone', 'Email', 'Tags'], ...rows]);
          let result;
          try {
            result = await importCsv(db, businessId, csv, { batchSize });
          } catch (e) {
            // A file refused whole (e.g. only empty rows) is a clear validation error, never a crash.
            expect(isDomainError(e) && e.code === 'VALIDATION_FAILED').toBe(true);
            expect(await db.prisma.contact.count({ where: { businessId } })).toBe(0);
            return;
          }
          const { status, report } = result;
          expect(status.status).toBe('completed');
          expect(report.created + report.updated + report.unchanged + report.skipped + report.failed).toBe(rows.length);
          expect(status.processedRows).toBe(rows.length);
          const errorRows = new Set(report.errors.map((e) => e.row));
          expect(errorRows.size).toBe(report.failed);
          for (const r of errorRows) expect(r >= 2 && r <= rows.length + 1).toBe(true);
          expect(await db.prisma.contact.count({ where: { businessId } })).toBe(report.created);
        },
      ),
      { numRuns: 25 },
    );
  });
});
