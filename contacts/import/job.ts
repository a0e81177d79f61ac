// Import jobs: upload (inspect + suggest + preview), run (batches, each one transaction with its progress),
// resume after a restart, report, and the CSV of failed rows.
import { existsSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import { DomainError } from '../shared/errors.ts';
import {
  changes,
  emailKey,
  matchBatch,
  matchBatchYielding,
  phoneKey,
  snapshot,
  type Entity,
  type MatchState,
  type Snapshot,
} from './batch.ts';
import { TEXT_COLUMNS, type Field, type Mapping, type TextField } from './fields.ts';
import { missingFields, suggestMapping, validateMapping } from './mapping.ts';
import { inspectFile, readRecords, type Delimiter } from './parse.ts';
import { preparedCells } from './prepared.ts';
import { readBatchesInline, type ReadBatch, type ReadOptions } from './read.ts';
import { readBatchesInWorker } from './reader.ts';
import { planRows, readRow, type RowDraft, type RowError, type RowPlan } from './row.ts';
import {
  addTiming,
  canSkipKeyChecks,
  executePlan,
  inTransaction,
  loadAgents,
  loadHolders,
  loadKeyFilter,
  planBatch,
  planBatchYielding,
  sameAsLoaded,
  SupersededError,
  type BatchPlan,
  type BatchWrite,
  type Query,
  type StatementTimings,
} from './store.ts';

export interface PreviewRow {
  row: number;
  status: 'ok' | 'skipped' | 'error';
  /** The values as they would be saved (phone in E.164, email lower-cased, tags split). */
  values: Partial<Record<Field, string | string[]>>;
  errors: RowError[];
}

export interface UploadResult {
  id: string;
  headers: string[];
  suggestedMapping: Mapping;
  /** What the suggested mapping still lacks to start an import (empty when it can start). */
  missing: string[];
  totalRows: number;
  preview: PreviewRow[];
}

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

export interface RunDeps {
  logger?: Logger | undefined;
  /** After each batch is committed; the next batch is written once a promise it returns has settled. */
  onProgress?: ((processed: number, total: number) => Promise<void> | void) | undefined;
  /** Rows per batch (default: 1,000 on PGlite, 2,500 on PostgreSQL). */
  batchSize?: number | undefined;
  /** Stops after the batch in flight, leaving the job running: it resumes from there at the next start. */
  signal?: AbortSignal | undefined;
  /** Called when a run ends (completed or failed; not when paused or superseded). */
  onFinished?: ((status: ImportStatusView) => Promise<void> | void) | undefined;
  /** Read the file in a worker thread (default: when at least 20,000 rows are left to import). */
  readInWorker?: boolean | undefined;
  /** Filled with the time spent per kind of SQL statement (the benchmark prints it). */
  timings?: StatementTimings | undefined;
}

const PREVIEW_ROWS = 10;
/**
 * Rows per batch (one transaction each). Smaller batches keep less in memory at once, and cost per-batch statements:
 * measured at 100k rows (3 runs each), batches of 5,000 / 2,500 / 1,000 peaked at 413–422 / 385–392 / 346–358 MB on
 * PGlite at the same speed (~8.9k rows/s), and at 323–334 / 294–305 / 260–285 MB on PostgreSQL, where 1,000 was ~10 %
 * slower than the others.
 */
const BATCH_SIZE = { pglite: 1000, postgres: 2500 } as const;
/** Files with at least this many rows left are read in a worker thread. */
const WORKER_FROM_ROWS = 20_000;
/**
 * The business's identifiers read into the import's KeyFilter, at most, per row left to import: beyond it, reading
 * them (~0.7 µs each: 1M in 0.69–0.84 s on PostgreSQL) costs more than the lookups the filter may save (two a row,
 * ~2–3 µs each of PostgreSQL's CPU alone).
 */
const FILTER_READ_PER_ROW = 4;

/** Registers an uploaded (or local) file as an import: checks it and suggests a mapping. Imports nothing yet. */
export async function createImport(
  db: Database,
  input: { businessId: string; userId?: string | null; fileName: string; filePath: string; id?: string },
): Promise<UploadResult> {
  const shape = await inspectFile(input.filePath);
  const business = await db.prisma.business.findUniqueOrThrow({ where: { id: input.businessId } });
  const job = await db.prisma.importJob.create({
    data: {
      ...(input.id ? { id: input.id } : {}),
      businessId: input.businessId,
      createdById: input.userId ?? null,
      fileName: input.fileName,
      filePath: input.filePath,
      headers: shape.headers,
      delimiter: shape.delimiter,
      totalRows: shape.totalRows,
    },
  });
  const suggestedMapping = suggestMapping(shape.headers);
  const preview = await previewRows(input.filePath, shape.delimiter, shape.headers, suggestedMapping, business.country);
  return {
    id: job.id,
    headers: shape.headers,
    suggestedMapping,
    missing: missingFields(suggestedMapping),
    totalRows: shape.totalRows,
    preview,
  };
}

async function loadJob(db: Database, businessId: string | undefined, id: string) {
  const job = await db.prisma.importJob.findFirst({ where: { id, ...(businessId ? { businessId } : {}) } });
  if (!job) throw new DomainError('NOT_FOUND', 'no such import', 'id');
  return job;
}

/** The first rows as a mapping would save them, each with its problems. */
export async function previewImport(
  db: Database,
  businessId: string,
  id: string,
  options: { mapping?: unknown; country?: string | undefined } = {},
): Promise<PreviewRow[]> {
  const job = await loadJob(db, businessId, id);
  const headers = job.headers as string[];
  const mapping = options.mapping === undefined ? suggestMapping(headers) : validateMapping(headers, options.mapping);
  const business = await db.prisma.business.findUniqueOrThrow({ where: { id: businessId } });
  return previewRows(job.filePath, job.delimiter as Delimiter, headers, mapping, options.country ?? business.country);
}

async function previewRows(
  filePath: string,
  delimiter: Delimiter,
  headers: string[],
  mapping: Mapping,
  country: string,
): Promise<PreviewRow[]> {
  if (!existsSync(filePath)) {
    throw new DomainError('CONFLICT', 'the file of this import is no longer kept; upload it again', 'id');
  }
  const plan = planRows(headers, mapping, country);
  const out: PreviewRow[] = [];
  let index = 0;
  for await (const record of readRecords(filePath, delimiter)) {
    const r = readRow(record, index + 2, plan);
    index++;
    if (r.kind === 'skipped') out.push({ row: r.row, status: 'skipped', values: {}, errors: [] });
    else if (r.kind === 'error')
      out.push({ row: r.row, status: 'error', values: cellValues(record, plan), errors: r.errors });
    else out.push({ row: r.draft.row, status: 'ok', values: draftValues(r.draft), errors: [] });
    if (out.length >= PREVIEW_ROWS) break;
  }
  return out;
}

function draftValues(d: RowDraft): PreviewRow['values'] {
  const values: PreviewRow['values'] = {};
  for (const [field, column] of Object.entries(TEXT_COLUMNS) as [TextField, string][]) {
    const v = d.fields[column as keyof RowDraft['fields']];
    if (v !== undefined) values[field] = v;
  }
  if (d.phone) values.phone = d.phone;
  if (d.email) values.email = d.email;
  if (d.tags.length) values.tags = d.tags.map((t) => t.name);
  if (d.agentEmail) values.assignedAgent = d.agentEmail;
  return values;
}

function cellValues(record: readonly string[], plan: RowPlan): PreviewRow['values'] {
  const values: PreviewRow['values'] = {};
  for (const c of plan.columns) {
    const v = (record[c.index] ?? '').trim();
    if (v) values[c.field] = v;
  }
  return values;
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
    await processJob(db, job, deps);
    if (deps.signal?.aborted) {
      deps.logger?.info({ importJob: id }, 'import paused; it resumes at the next start');
      return getImport(db, job.businessId, id);
    }
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
    await db.query(
      `UPDATE "ImportJob" SET status = 'failed', error = $2, "finishedAt" = now(), "updatedAt" = now() WHERE id = $1`,
      [id, message],
    );
  }
  const finished = await getImport(db, job.businessId, id);
  await deps.onFinished?.(finished);
  return finished;
}

type Job = Awaited<ReturnType<typeof loadJob>>;

/** A batch looked up and matched ahead, outside any transaction, while the batch before it was being written. */
interface AheadBatch {
  plan: BatchPlan;
  touched: Entity[];
  /** The existing contacts its decisions rest on, as they were then: re-checked under the lock before it is written. */
  relied: { id: string; before: Snapshot }[];
}

/** The previous batch's effect on identifiers (key → the contact holding it, or null when the batch freed it). */
type Carry = Map<string, Entity | null>;

/** Thrown when a batch read ahead finds a contact it relied on changed meanwhile: it is matched again under the lock. */
class StaleBatchError extends Error {}

const RETRYABLE = ['23505', '23503', '40P01', '40001'];

/**
 * What a written batch leaves behind for the batch after it, which is matched before the write is committed: the keys
 * it took (→ its entity as written) or freed (→ null).
 */
function carryOf(touched: readonly Entity[]): Carry {
  const carry: Carry = new Map();
  for (const e of touched) {
    if (e.before?.phone && e.before.phone !== e.phone) carry.set(phoneKey(e.before.phone), null);
    if (e.before?.email && e.before.email !== e.email) carry.set(emailKey(e.before.email), null);
  }
  for (const e of touched) {
    if (e.phone) carry.set(phoneKey(e.phone), e);
    if (e.email) carry.set(emailKey(e.email), e);
  }
  return carry;
}

/**
 * Makes an entity the previous batch wrote an existing contact as it was written, for the batch that matches it next
 * (done for those it matches only: most entities of a batch are never matched again).
 */
function asWritten(e: Entity): void {
  e.isNew = false;
  e.source = undefined;
  e.before = snapshot(e);
}

async function processJob(db: Database, job: Job, deps: RunDeps): Promise<void> {
  const batchSize = deps.batchSize ?? BATCH_SIZE[db.driver.kind];
  const business = await db.prisma.business.findUniqueOrThrow({ where: { id: job.businessId } });
  const headers = job.headers as string[];
  const mapping = validateMapping(headers, job.mapping);
  const plan = planRows(headers, mapping, job.country ?? business.country);
  const columnOf = (field: Field) => plan.columns.find((c) => c.field === field)?.header;
  const columns = { phone: columnOf('phone'), email: columnOf('email'), agent: columnOf('assignedAgent') };
  const state: MatchState = { holders: new Map(), agents: await loadAgents(db.query, job.businessId) };
  const tagIds = new Map<string, string>();
  const processed = job.processedRows;
  const total = job.totalRows;
  // Phones and emails nobody held when the import started, and the import has not written since, are not looked up
  // (a file of new contacts: most of them). One saved meanwhile by someone else is refused by the unique index, and
  // its batch is matched again with every key looked up.
  const left = total - processed;
  let filter = await loadKeyFilter(db.query, job.businessId, 2 * left, FILTER_READ_PER_ROW * left);
  /**
   * After a batch refused for an identifier someone else saved (23505), the rest of the run looks every key up, as
   * without a filter: whoever writes to this business meanwhile (another import of an overlapping file, say) would
   * otherwise send batch after batch back.
   */
  const refused = (code: string | undefined) => {
    if (code !== '23505' || !filter) return;
    filter = undefined;
    deps.logger?.info(
      { importJob: job.id },
      'identifiers saved meanwhile by someone else: every key is looked up from now on',
    );
  };
  const read: ReadOptions = {
    filePath: job.filePath,
    delimiter: job.delimiter as Delimiter,
    from: processed,
    plan,
    batchSize,
  };
  const inWorker = deps.readInWorker ?? total - processed >= WORKER_FROM_ROWS;
  const batches = inWorker ? readBatchesInWorker(read) : readBatchesInline(read);
  // On PostgreSQL a batch is looked up and matched on this thread while the batch before it is written by the
  // database (on another core); it is re-checked under the lock before its own write. PGlite runs on this thread, and
  // a dry run keeps what it has seen in memory: both take the batches one after the other.
  const readAhead = db.driver.kind === 'postgres' && !job.dryRun;
  const skipKeyChecks = await canSkipKeyChecks(db);
  const waited = (label: string, t: number) => addTiming(deps.timings, label, t);
  const lock = (query: Query) =>
    query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`baton-import:${job.businessId}`]);

  /** Matches a batch against `holders` and encodes what it writes. */
  const decide = async (batch: ReadBatch, holders: MatchState['holders'], yielding: boolean) => {
    const tm = performance.now();
    const { drafts } = batch;
    const batchErrors = [...batch.errors];
    const failedRows = new Set(batch.errorRows);
    let draftByRow: Map<number, RowDraft> | undefined;
    const cellsOf = (row: number) => {
      draftByRow ??= new Map(drafts.map((d) => [d.row, d]));
      const prepared = draftByRow.get(row)?.prepared;
      return prepared ? preparedCells(prepared) : '[]';
    };
    // Ahead of a batch being written, the event loop turns every 250 rows (a few ms) while matching and encoding: that
    // batch's next statement is sent as soon as the database has answered the previous one.
    const m = yielding
      ? await matchBatchYielding(drafts, { holders, agents: state.agents }, columns, 250)
      : matchBatch(drafts, { holders, agents: state.agents }, columns);
    for (const e of m.errors) {
      failedRows.add(e.row);
      batchErrors.push({ ...e, cells: cellsOf(e.row) });
    }
    // A contact made from one row alone has its audit changes prepared already.
    const changed = new Map(m.touched.filter((e) => !e.source?.prepared).map((e) => [e, changes(e)]));
    const write: BatchWrite = {
      from: batch.start,
      businessId: job.businessId,
      jobId: job.id,
      actorId: job.createdById,
      entities: m.touched,
      changes: changed,
      errors: batchErrors,
      progress: {
        processedRows: batch.start + batch.count,
        created: m.created,
        updated: m.updated,
        unchanged: m.unchanged,
        skipped: batch.skipped,
        failed: failedRows.size,
      },
      dryRun: job.dryRun,
    };
    const out = yielding ? await planBatchYielding(write, 250) : planBatch(write);
    waited('js: match and encode', tm);
    return { plan: out, touched: m.touched };
  };

  /**
   * The batch's phones and emails to look up. With a carry (the batch in flight's keys), the keys it holds are put in
   * `holders` instead (and those it freed are neither looked up nor held). Keys the filter has never seen are not
   * looked up; the batch's keys are then added to it, so a batch matched again (a retry) looks every key up.
   */
  const keysOf = (batch: ReadBatch, carry?: Carry, holders?: MatchState['holders']) => {
    const phones: string[] = [];
    const emails: string[] = [];
    const seen = new Set<Entity>();
    const known = filter;
    const keys: string[] = [];
    const take = (value: string, key: string, list: string[]) => {
      const carried = carry?.get(key);
      if (known) keys.push(key);
      if (carried === undefined) {
        if (!known || known.mayHave(key)) list.push(value);
      } else if (carried !== null && !holders?.has(key)) {
        // An entity is carried by its phone and its email: made "as written" once.
        if (!seen.has(carried)) {
          seen.add(carried);
          asWritten(carried);
        }
        holders?.set(key, { kind: 'contact', entity: carried });
      }
    };
    for (const d of batch.drafts) {
      if (d.phone) take(d.phone, phoneKey(d.phone), phones);
      if (d.email) take(d.email, emailKey(d.email), emails);
    }
    // Added after the checks: a key repeated inside the batch is matched by matchBatch, not looked up.
    if (known) for (const key of keys) known.add(key);
    return { phones, emails };
  };

  /** Looks up and matches a batch ahead, on a connection of its own, while the previous one is written. */
  const prepareAhead = async (batch: ReadBatch, carry: Carry): Promise<AheadBatch> => {
    const holders: MatchState['holders'] = new Map();
    const { phones, emails } = keysOf(batch, carry, holders);
    const tl = performance.now();
    await loadHolders(db.query, job.businessId, phones, emails, { holders, agents: state.agents }, false);
    waited('lookup ahead (another connection)', tl);
    const relied = new Map<string, Snapshot>();
    for (const h of holders.values())
      if (h.kind === 'contact' && h.entity.before) relied.set(h.entity.id, h.entity.before);
    return { ...(await decide(batch, holders, true)), relied: [...relied].map(([id, before]) => ({ id, before })) };
  };

  const writeAhead = (ahead: AheadBatch) =>
    inTransaction(
      db,
      async (tx) => {
        await lock(tx.query);
        if (!(await sameAsLoaded(tx.query, ahead.relied))) throw new StaleBatchError();
        await executePlan(tx, ahead.plan, tagIds, skipKeyChecks);
      },
      deps.timings,
    );

  /** Looks up, matches and writes a batch in one transaction, under the lock. */
  const writeInTurn = (batch: ReadBatch) =>
    inTransaction(
      db,
      async (tx) => {
        // Batches of imports into one business take turns: each sees what the other wrote.
        await lock(tx.query);
        if (!job.dryRun) state.holders = new Map();
        const { phones, emails } = keysOf(batch);
        await loadHolders(tx.query, job.businessId, phones, emails, state);
        await executePlan(tx, (await decide(batch, state.holders, false)).plan, tagIds, skipKeyChecks);
      },
      deps.timings,
    );

  const write = async (batch: ReadBatch, ahead: AheadBatch | undefined): Promise<{ again: boolean }> => {
    let again = false;
    if (ahead) {
      try {
        await writeAhead(ahead);
        return { again };
      } catch (e) {
        // A contact changed, or an identifier taken, since the batch was looked up: it is matched again in turn.
        const code = (e as { code?: string }).code;
        if (!(e instanceof StaleBatchError) && !RETRYABLE.includes(code ?? '')) throw e;
        tagIds.clear();
        again = true;
        refused(code);
        deps.logger?.info(
          { importJob: job.id, row: batch.start + 2, reason: code ?? 'contact changed' },
          'import batch changed meanwhile; matching it again in turn',
        );
      }
    }
    // A contact saved meanwhile by someone else (a unique identifier taken between our read and our write) rolls the
    // batch back (so does a tag deleted meanwhile); it is read and matched again. A dry run writes no contact, so it
    // never meets this.
    for (let attempt = 1; ; attempt++) {
      try {
        // Matched again after a refusal, every key is looked up: the filter has this batch's keys since its first
        // match, and after a refused identifier (23505) it is off for the rest of the run.
        await writeInTurn(batch);
        return { again };
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (job.dryRun || attempt >= 3 || !RETRYABLE.includes(code ?? '')) throw e;
        tagIds.clear();
        refused(code);
        deps.logger?.warn({ importJob: job.id, attempt, code }, 'import batch conflicted; retrying it');
      }
    }
  };

  // One batch in flight: the next one is read (in the worker, or inline between statements) — and on PostgreSQL
  // looked up and matched — while this one is written.
  let inflight: { done: Promise<{ again: boolean }>; carry: Carry | undefined } | undefined;
  let t = performance.now();
  for await (const batch of batches) {
    waited('wait for the reader', t);
    let ahead: AheadBatch | undefined;
    if (readAhead && !deps.signal?.aborted) {
      // After a batch written in turn there is nothing to carry: wait for it to be committed, then look up.
      if (inflight && !inflight.carry) await inflight.done;
      ahead = await prepareAhead(batch, inflight?.carry ?? new Map());
    }
    t = performance.now();
    const previous = await inflight?.done;
    waited('wait for the previous batch', t);
    // Stopping: the batch read meanwhile is left for the resumed run.
    if (deps.signal?.aborted) break;
    // The previous batch was matched again: what this one was matched against is stale.
    if (previous?.again) ahead = undefined;
    const carry = ahead ? carryOf(ahead.touched) : undefined;
    const upTo = batch.start + batch.count;
    const done = write(batch, ahead).then(async (r) => {
      await deps.onProgress?.(upTo, total);
      return r;
    });
    // Surface a failure now rather than at the next batch, but keep reading meanwhile.
    done.catch(() => undefined);
    inflight = { done, carry };
    t = performance.now();
  }
  await inflight?.done;
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
