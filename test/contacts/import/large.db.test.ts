// A 50,000-row file: memory stays flat while it is imported batch by batch, and every row is accounted for.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOutlookCsv } from '../../../bench/import/generate.ts';
import { createImport, importReport, runImport, startImport } from '../../../contacts/import/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { business } from './helpers.ts';

let db: Database;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'B-large-'));
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('large files', () => {
  it('imports 50,000 rows with flat JS memory', { timeout: 300_000 }, async () => {
    const rows = 50_000;
    const file = path.join(dir, 'outlook.csv');
    await generateOutlookCsv(file, rows);
    const { businessId } = await business(db);
    const upload = await createImport(db, { businessId, fileName: 'outlook.csv', filePath: file });
    expect(upload.totalRows).toBe(rows);
    await startImport(db, businessId, upload.id, { mapping: upload.suggestedMapping });
    const heap: number[] = [];
    const progress: number[] = [];
    const status = await runImport(db, upload.id, {
      batchSize: 2500,
      onProgress: (done, total) => {
        expect(total).toBe(rows);
        progress.push(done);
        heap.push(process.memoryUsage().heapUsed);
      },
    });
    expect(status.status).toBe('completed');
    expect(progress.at(-1)).toBe(rows);
    const report = await importReport(db, businessId, upload.id, 0);
    expect(report.created + report.failed).toBe(rows);
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(report.created);
    // Flat: the heap late in the import is not above the heap early on by more than GC noise. Holding the rows
    // (≥ 1 KB each as objects) would add ≥ 35 MB between the first and the last quarter.
    const q = Math.floor(heap.length / 4);
    const early = Math.max(...heap.slice(0, q));
    const late = Math.max(...heap.slice(-q));
    expect(late - early).toBeLessThan(32 * 1024 * 1024);
  });
});
