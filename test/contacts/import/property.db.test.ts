// Property: whatever the rows, the importer never crashes, and every row is accounted for exactly once.
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { business, contactsOf, importCsv, memoryLogger } from './helpers.ts';

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

  it('give the same contacts and report whether read in one batch or in many (matched ahead on PostgreSQL)', async () => {
    let n = 0;
    const saved = async (businessId: string) =>
      (await contactsOf(db, businessId))
        .map((c) =>
          JSON.stringify({
            ...c,
            id: undefined,
            businessId: undefined,
            createdAt: undefined,
            updatedAt: undefined,
            identifiers: c.identifiers.map((i) => `${i.kind}:${i.value}`).sort(),
            tags: c.tags.map((t) => t.tag.name).sort(),
          }),
        )
        .sort();
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 2, maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        async (rows, batchSize) => {
          const csv = stringify([['First Name', 'Last Name', 'Phone', 'Email', 'Tags'], ...rows]);
          const one = await business(db, `one${++n}`);
          const many = await business(db, `many${n}`);
          const run = (businessId: string, options: Parameters<typeof importCsv>[3]) =>
            importCsv(db, businessId, csv, options).then(
              (r) => ({ ok: true as const, ...r }),
              (error: unknown) => ({ ok: false as const, error }),
            );
          const a = await run(one.businessId, {});
          const { logger, lines } = memoryLogger();
          const b = await run(many.businessId, { batchSize, logger });
          if (!a.ok || !b.ok) {
            // A file refused whole is refused the same way.
            expect([a.ok, b.ok]).toEqual([false, false]);
            if (!a.ok && !b.ok) expect(isDomainError(a.error) && isDomainError(b.error)).toBe(true);
            return;
          }
          const { mapping: _a, ...reportA } = a.report;
          const { mapping: _b, ...reportB } = b.report;
          expect(reportB).toEqual(reportA);
          // Nobody else writes here: every batch matched ahead is written as matched, never sent back.
          expect(lines.filter((l) => l.msg.startsWith('import batch'))).toEqual([]);
          expect(await saved(many.businessId)).toEqual(await saved(one.businessId));
        },
      ),
      { numRuns: 25 },
    );
    // 50 imports: ~15 s on a quiet machine, over the default 30 s when the suite runs two files at once under load
  }, 120_000);
});
