// A 50,000-row file: memory stays flat while it is imported batch by batch, and every row is accounted for.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOutlookCsv } from '../../../bench/import/generate.ts';
import { createImport, importReport, runImport, startImport } from '../../../contacts/import/index.ts';
import type { Database } from '../../../prisma/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { business } from './helpers.ts';

// A full collection before each sample: what is measured is what the import keeps, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

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
    // The server's timers (handover deadlines, its HTTP server's) keep running during an import: a timer ticks
    // between any two batches. (On PGlite the statements answer without I/O; nothing else lets the loop turn.)
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const ticksAt: number[] = [];
    const status = await runImport(db, upload.id, {
      batchSize: 2500,
      onProgress: (done, total) => {
        expect(total).toBe(rows);
        progress.push(done);
        ticksAt.push(ticks);
        gc();
        heap.push(process.memoryUsage().heapUsed);
      },
    }).finally(() => clearInterval(ticker));
    expect(status.status).toBe('completed');
    const between = ticksAt.slice(1).map((t, i) => t - ticksAt[i]!);
    expect(between.filter((n) => n === 0)).toEqual([]);
    expect(progress.at(-1)).toBe(rows);
    const report = await importReport(db, businessId, upload.id, 0);
    // Every row is accounted for. Rows whose second phone column is now read (firsthour's otherPhone) can match an
    // earlier row of the generated file, so a few are updates, not creations.
    expect(report.created + report.updated + report.unchanged + report.skipped + report.failed).toBe(rows);
    expect(report.created).toBeGreaterThan(rows * 0.9);
    expect(await db.prisma.contact.count({ where: { businessId } })).toBe(report.created);
    // Flat: what the heap retains after a full collection late in the import is what it retained early on, give or
    // take the phone cache (≤ 20,000 strings). Holding the rows (≥ 1 KB each as objects) would add ≥ 35 MB between
    // the first and the last quarter.
    expect(heap.length).toBe(20);
    const q = Math.floor(heap.length / 4);
    const early = Math.max(...heap.slice(0, q));
    const late = Math.max(...heap.slice(-q));
    expect(late - early).toBeLessThan(12 * 1024 * 1024);
  });
});
