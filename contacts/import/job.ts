// Import jobs: their lifecycle — start (mapping checked, job claimed), run (its batches: batch-run.ts), resume after a
// restart, status, report, and the CSV of failed rows. Uploading and previewing a file: upload.ts.
import { stringify } from 'csv-stringify/sync';
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import { DomainError } from '../shared/errors.ts';
import { runBatches, type BatchRunDeps } from './batch-run.ts';
import type { Mapping } from './fields.ts';
import { validateMapping } from './mapping.ts';
import type { RowError } from './row.ts';
import { refreshImportStatistics } from './statistics.ts';
import { SupersededError } from './batch-write.ts';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export interface ImportStatusView extends ImportCounts {
  id: string;
  status: 'uploaded' | 'running' | 'completed' | 'failed';
  fileName: string;
  dryRun: boolean;
  totalRows: number;
  processedRows: number;
  mapping: Mapping | null;
  country: string | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ImportReport extends ImportCounts {
  mapping: Mapping;
  errors: RowError[];
}

export interface RunOptions {
  mapping: unknown;
  country?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface RunDeps extends BatchRunDeps {
  logger?: Logger | undefined;
  /** Called when a run ends (completed or failed; not when paused or superseded). */
  onFinished?: ((status: ImportStatusView) => Promise<void> | void) | undefined;
}

export async function loadJob(db: Database, businessId: string | undefined, id: string) {
  const job = await db.prisma.importJob.findFirst({ where: { id, ...(businessId ? { businessId } : {}) } });
  if (!job) throw new DomainError('NOT_FOUND', 'no such import', 'id');
  return job;
}

/**
 * Validates the mapping and marks the job running (a dry run or a re-run starts again from the first row).
 * Refuses a job that is running, or whose real import has completed.
 */
export async function startImport(
  db: Database,
  businessId: string,
  id: string,
  options: RunOptions,
): Promise<ImportStatusView> {
  const job = await loadJob(db, businessId, id);
  const mapping = validateMapping(job.headers as string[], options.mapping);
  const country = options.country?.trim().toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) {
    throw new DomainError('VALIDATION_FAILED', 'country must be a two-letter ISO 3166 code, like GB', 'country');
  }
  const claimed = await db.query<{ id: string }>(
    `UPDATE "ImportJob" SET status = 'running', mapping = $2::jsonb, country = $3, "dryRun" = $4,
       "processedRows" = 0, created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0, error = NULL,
       "startedAt" = now(), "finishedAt" = NULL, "updatedAt" = now()
     WHERE id = $1 AND status <> 'running' AND NOT (status = 'completed' AND NOT "dryRun")
     RETURNING id`,
    [id, JSON.stringify(mapping), country ?? null, options.dryRun ?? false],
  );
  if (claimed.length === 0) {
    throw new DomainError(
      'CONFLICT',
      job.status === 'running'
        ? 'this import is already running'
        : 'this file has already been imported; upload it again to re-import',
      'id',
    );
  }
  await db.query(`DELETE FROM "ImportRowError" WHERE "jobId" = $1`, [id]);
  return getImport(db, businessId, id);
}

/** Processes a running job from its resume point to the end. Resolves when it has completed or failed. */
export async function runImport(db: Database, id: string, deps: RunDeps = {}): Promise<ImportStatusView> {
  const job = await loadJob(db, undefined, id);
  if (job.status !== 'running') throw new DomainError('CONFLICT', 'the import is not running', 'id');
  try {
    await runBatches(db, job, deps);
    if (deps.signal?.aborted) {
      deps.logger?.info({ importJob: id }, 'import paused; it resumes at the next start');
      return getImport(db, job.businessId, id);
    }
    // Before the job is marked completed: a crash in between resumes the job, which ends here again.
    if (!job.dryRun) await refreshImportStatistics(db);
    await db.query(
      `UPDATE "ImportJob" SET status = 'completed', "finishedAt" = now(), "updatedAt" = now() WHERE id = $1`,
      [id],
    );
    deps.logger?.info({ importJob: id }, 'import completed');
  } catch (e) {
    if (e instanceof SupersededError) {
      deps.logger?.warn({ importJob: id }, 'import continued by another runner; this one stops');
      return getImport(db, job.businessId, id);
    }
    const message = e instanceof DomainError ? e.message : `the import stopped: ${(e as Error).message}`;
    deps.logger?.error({ importJob: id, err: e }, 'import failed');
    // What it wrote before failing counts too.
    if (!job.dryRun) {
      await refreshImportStatistics(db).catch((err: unknown) =>
        deps.logger?.warn({ importJob: id, err }, 'statistics not refreshed after the failed import'),
      );
    }
    await db.query(
      `UPDATE "ImportJob" SET status = 'failed', error = $2, "finishedAt" = now(), "updatedAt" = now() WHERE id = $1`,
      [id, message],
    );
  }
  const finished = await getImport(db, job.businessId, id);
  await deps.onFinished?.(finished);
  return finished;
}

/** Continues every import that was running when the process stopped (dry runs start again: they keep no state). */
export async function resumeImports(db: Database, deps: RunDeps = {}): Promise<string[]> {
  const jobs = await db.prisma.importJob.findMany({ where: { status: 'running' }, select: { id: true, dryRun: true } });
  for (const j of jobs) {
    if (j.dryRun) {
      await db.query(`DELETE FROM "ImportRowError" WHERE "jobId" = $1`, [j.id]);
      await db.query(
        `UPDATE "ImportJob" SET "processedRows" = 0, created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0 WHERE id = $1`,
        [j.id],
      );
    }
    deps.logger?.info({ importJob: j.id }, 'resuming import');
    await runImport(db, j.id, deps);
  }
  return jobs.map((j) => j.id);
}

export async function getImport(db: Database, businessId: string, id: string): Promise<ImportStatusView> {
  const j = await loadJob(db, businessId, id);
  return {
    id: j.id,
    status: j.status,
    fileName: j.fileName,
    dryRun: j.dryRun,
    totalRows: j.totalRows,
    processedRows: j.processedRows,
    created: j.created,
    updated: j.updated,
    unchanged: j.unchanged,
    skipped: j.skipped,
    failed: j.failed,
    mapping: (j.mapping as Mapping | null) ?? null,
    country: j.country,
    error: j.error,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}

/** The job's report: counts and row errors (in row order; at most `limit`). */
export async function importReport(
  db: Database,
  businessId: string,
  id: string,
  limit = 10_000,
): Promise<ImportReport> {
  const j = await getImport(db, businessId, id);
  const rows = await db.query<{ row: number; column: string | null; code: string; message: string }>(
    `SELECT row, "column", code, message FROM "ImportRowError" WHERE "jobId" = $1
     ORDER BY row, array_position($3::text[], "column") NULLS LAST, code LIMIT $2`,
    [id, limit, (await loadJob(db, businessId, id)).headers],
  );
  return {
    mapping: j.mapping ?? {},
    created: j.created,
    updated: j.updated,
    unchanged: j.unchanged,
    skipped: j.skipped,
    failed: j.failed,
    errors: rows.map((r) => ({ row: r.row, column: r.column, code: r.code, message: r.message })),
  };
}

/**
 * The failed rows as CSV, with the file's own columns and an `error` column: fix them and import the file again.
 * Yields chunks of text, one page of rows at a time.
 */
export async function* errorsCsv(db: Database, businessId: string, id: string): AsyncGenerator<string> {
  const job = await loadJob(db, businessId, id);
  const headers = job.headers as string[];
  yield stringify([[...headers, 'error']], { bom: true });
  let after = 0;
  for (;;) {
    const rows = await db.query<{ row: number; cells: string[]; messages: string[] }>(
      `SELECT row, (array_agg(cells))[1] AS cells,
              array_agg(coalesce("column" || ': ', '') || message
                ORDER BY array_position($3::text[], "column") NULLS LAST, code) AS messages
       FROM "ImportRowError" WHERE "jobId" = $1 AND row > $2 GROUP BY row ORDER BY row LIMIT 1000`,
      [id, after, headers],
    );
    if (rows.length === 0) return;
    const lines = rows.map((r) => {
      const cells = headers.map((_, i) => r.cells[i] ?? '');
      return [...cells, r.messages.join('; ')];
    });
    yield stringify(lines);
    after = rows[rows.length - 1]!.row;
  }
}
