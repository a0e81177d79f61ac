// The batch engine of an import job: reads the file's batches and writes each one in its own transaction with the
// job's progress. On PostgreSQL the next batch is looked up and matched while this one is written (docs/import.md).
import type { Logger } from 'pino';
import type { Database, ImportJob } from '../../prisma/index.ts';
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
import type { Field } from './fields.ts';
import type { KeyFilter } from './key-filter.ts';
import { validateMapping } from './mapping.ts';
import type { Delimiter } from './parse.ts';
import { preparedCells } from './prepared.ts';
import type { Lowering } from './search-text.ts';
import { readBatchesInline, type ReadBatch, type ReadOptions } from './read-batches.ts';
import { readBatchesInWorker } from './read-batches-in-worker.ts';
import { planRows, type RowDraft, type RowPlan } from './row.ts';
import { planBatch, planBatchYielding, type BatchPlan, type BatchWrite } from './batch-plan.ts';
import { canSkipKeyChecks, databaseLowering, executePlan } from './batch-write.ts';
import { loadAgents, loadHolders, loadKeyFilter, sameAsLoaded } from './lookups.ts';
import { addTiming, inTransaction, type Query, type StatementTimings } from './transaction.ts';

export interface BatchRunDeps {
  logger?: Logger | undefined;
  /** After each batch is committed; the next batch is written once a promise it returns has settled. */
  onProgress?: ((processed: number, total: number) => Promise<void> | void) | undefined;
  /** Rows per batch (default: 1,000 on PGlite, 2,500 on PostgreSQL). */
  batchSize?: number | undefined;
  /** Stops after the batch in flight, leaving the job running: it resumes from there at the next start. */
  signal?: AbortSignal | undefined;
  /** Read the file in a worker thread (default: when at least 20,000 rows are left to import). */
  readInWorker?: boolean | undefined;
  /** Filled with the time spent per kind of SQL statement (the benchmark prints it). */
  timings?: StatementTimings | undefined;
}

/** Rows per batch (one transaction each); docs/import.md has the measurements behind these sizes. */
const BATCH_SIZE = { pglite: 1000, postgres: 2500 } as const;
/** Files with at least this many rows left are read in a worker thread. */
const WORKER_FROM_ROWS = 20_000;
/**
 * The business's identifiers read into the import's KeyFilter, at most, per row left to import: beyond it, reading
 * them costs more than the lookups the filter may save (docs/import.md, "key filter").
 */
const FILTER_READ_PER_ROW = 4;
/** Every 250 rows the event loop turns while a batch ahead is matched and encoded. */
const YIELD_EVERY = 250;

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
const codeOf = (e: unknown) => (e as { code?: string }).code;

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

/** Processes a running job from its resume point to the end of its file. */
export async function runBatches(db: Database, job: ImportJob, deps: BatchRunDeps): Promise<void> {
  const run = await BatchRun.open(db, job, deps);
  await run.writeAll();
}

/** One run of a job: what its batches share — the matching state, the tags seen, the key filter — as fields. */
class BatchRun {
  private readonly tagIds = new Map<string, string>();
  private readonly columns: { phone?: string | undefined; email?: string | undefined; agent?: string | undefined };

  private constructor(
    private readonly db: Database,
    private readonly job: ImportJob,
    private readonly deps: BatchRunDeps,
    private readonly plan: RowPlan,
    private readonly state: MatchState,
    /** Keys nobody held at the start; off (undefined) once an identifier was refused (see `rolledBack`). */
    private filter: KeyFilter | undefined,
    private readonly skipKeyChecks: boolean,
    /** Null, or the characters the import lowers itself to write Contact.searchText (batch-write.ts). */
    private readonly lowering: Lowering | null,
  ) {
    const columnOf = (field: Field) => plan.columns.find((c) => c.field === field)?.header;
    this.columns = { phone: columnOf('phone'), email: columnOf('email'), agent: columnOf('assignedAgent') };
  }

  static async open(db: Database, job: ImportJob, deps: BatchRunDeps): Promise<BatchRun> {
    const business = await db.prisma.business.findUniqueOrThrow({ where: { id: job.businessId } });
    const headers = job.headers as string[];
    const mapping = validateMapping(headers, job.mapping);
    const plan = planRows(headers, mapping, job.country ?? business.country);
    const state: MatchState = { holders: new Map(), agents: await loadAgents(db.query, job.businessId) };
    // Phones and emails nobody held when the import started, and the import has not written since, are not looked
    // up (a file of new contacts: most of them). One saved meanwhile by someone else is refused by the unique index,
    // and its batch is matched again with every key looked up.
    const left = job.totalRows - job.processedRows;
    const filter = await loadKeyFilter(db.query, job.businessId, 2 * left, FILTER_READ_PER_ROW * left);
    const skipKeyChecks = await canSkipKeyChecks(db);
    return new BatchRun(db, job, deps, plan, state, filter, skipKeyChecks, await databaseLowering(db));
  }

  /**
   * One batch in flight: the next one is read (in the worker, or inline between statements) — and on PostgreSQL
   * looked up and matched — while this one is written.
   */
  async writeAll(): Promise<void> {
    const { job, deps } = this;
    // PGlite runs on this thread, and a dry run keeps what it has seen in memory: both take the batches in turn.
    const readAhead = this.db.driver.kind === 'postgres' && !job.dryRun;
    let inflight: { done: Promise<{ again: boolean }>; carry: Carry | undefined } | undefined;
    let t = performance.now();
    for await (const batch of this.batches()) {
      this.waited('wait for the reader', t);
      let ahead: AheadBatch | undefined;
      if (readAhead && !deps.signal?.aborted) {
        // After a batch written in turn there is nothing to carry: wait for it to be committed, then look up.
        if (inflight && !inflight.carry) await inflight.done;
        ahead = await this.prepareAhead(batch, inflight?.carry ?? new Map());
      }
      t = performance.now();
      const previous = await inflight?.done;
      this.waited('wait for the previous batch', t);
      // Stopping: the batch read meanwhile is left for the resumed run.
      if (deps.signal?.aborted) break;
      // The previous batch was matched again: what this one was matched against is stale.
      if (previous?.again) ahead = undefined;
      const carry = ahead ? carryOf(ahead.touched) : undefined;
      const upTo = batch.start + batch.count;
      const done = this.write(batch, ahead).then(async (r) => {
        await deps.onProgress?.(upTo, job.totalRows);
        return r;
      });
      // Surface a failure now rather than at the next batch, but keep reading meanwhile.
      done.catch(() => undefined);
      inflight = { done, carry };
      t = performance.now();
    }
    await inflight?.done;
  }

  private batches(): AsyncIterable<ReadBatch> {
    const { job, deps } = this;
    const read: ReadOptions = {
      filePath: job.filePath,
      delimiter: job.delimiter as Delimiter,
      from: job.processedRows,
      plan: this.plan,
      batchSize: deps.batchSize ?? BATCH_SIZE[this.db.driver.kind],
    };
    const inWorker = deps.readInWorker ?? job.totalRows - job.processedRows >= WORKER_FROM_ROWS;
    return inWorker ? readBatchesInWorker(read) : readBatchesInline(read);
  }

  private waited(label: string, start: number): void {
    addTiming(this.deps.timings, label, start);
  }

  /** Batches of imports into one business take turns: each sees what the other wrote. */
  private lock(query: Query) {
    return query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`baton-import:${this.job.businessId}`]);
  }

  /**
   * A batch was rolled back: the tags it created are gone (their ids are forgotten). After a batch refused for an
   * identifier someone else saved (23505), the rest of the run looks every key up, as
   * without a filter: whoever writes to this business meanwhile (another import of an overlapping file, say) would
   * otherwise send batch after batch back.
   */
  private rolledBack(code: string | undefined): void {
    this.tagIds.clear();
    if (code !== '23505' || !this.filter) return;
    this.filter = undefined;
    this.deps.logger?.info(
      { importJob: this.job.id },
      'identifiers saved meanwhile by someone else: every key is looked up from now on',
    );
  }

  /** Matches a batch against `holders` and encodes what it writes. */
  private async decide(batch: ReadBatch, holders: MatchState['holders'], yielding: boolean) {
    const tm = performance.now();
    const { drafts } = batch;
    const errors = [...batch.errors];
    const failedRows = new Set(batch.errorRows);
    let draftByRow: Map<number, RowDraft> | undefined;
    const cellsOf = (row: number) => {
      draftByRow ??= new Map(drafts.map((d) => [d.row, d]));
      const prepared = draftByRow.get(row)?.prepared;
      return prepared ? preparedCells(prepared) : '[]';
    };
    // Ahead of a batch being written, the event loop turns every few ms while matching and encoding: that batch's
    // next statement is sent as soon as the database has answered the previous one.
    const state = { holders, agents: this.state.agents };
    const m = yielding
      ? await matchBatchYielding(drafts, state, this.columns, YIELD_EVERY)
      : matchBatch(drafts, state, this.columns);
    for (const e of m.errors) {
      failedRows.add(e.row);
      errors.push({ ...e, cells: cellsOf(e.row) });
    }
    const write: BatchWrite = {
      from: batch.start,
      businessId: this.job.businessId,
      jobId: this.job.id,
      actorId: this.job.createdById,
      entities: m.touched,
      // A contact made from one row alone has its audit changes prepared already.
      changes: new Map(m.touched.filter((e) => !e.source?.prepared).map((e) => [e, changes(e)])),
      errors,
      progress: {
        processedRows: batch.start + batch.count,
        created: m.created,
        updated: m.updated,
        unchanged: m.unchanged,
        skipped: batch.skipped,
        failed: failedRows.size,
      },
      dryRun: this.job.dryRun,
      lowering: this.lowering,
    };
    const plan = yielding ? await planBatchYielding(write, YIELD_EVERY) : planBatch(write);
    this.waited('js: match and encode', tm);
    return { plan, touched: m.touched };
  }

  /**
   * The batch's phones and emails to look up. With a carry (the batch in flight's keys), the keys it holds are put in
   * `holders` instead (and those it freed are neither looked up nor held). Keys the filter has never seen are not
   * looked up; the batch's keys are then added to it, so a batch matched again (a retry) looks every key up.
   */
  private keysOf(batch: ReadBatch, carry?: Carry, holders?: MatchState['holders']) {
    const phones: string[] = [];
    const emails: string[] = [];
    const seen = new Set<Entity>();
    const known = this.filter;
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
  }

  /** Looks up and matches a batch ahead, on a connection of its own, while the previous one is written. */
  private async prepareAhead(batch: ReadBatch, carry: Carry): Promise<AheadBatch> {
    const holders: MatchState['holders'] = new Map();
    const { phones, emails } = this.keysOf(batch, carry, holders);
    const tl = performance.now();
    const state = { holders, agents: this.state.agents };
    await loadHolders(this.db.query, this.job.businessId, phones, emails, state, false);
    this.waited('lookup ahead (another connection)', tl);
    const relied = new Map<string, Snapshot>();
    for (const h of holders.values())
      if (h.kind === 'contact' && h.entity.before) relied.set(h.entity.id, h.entity.before);
    const decided = await this.decide(batch, holders, true);
    return { ...decided, relied: [...relied].map(([id, before]) => ({ id, before })) };
  }

  private writeAhead(ahead: AheadBatch) {
    return inTransaction(
      this.db,
      async (tx) => {
        await this.lock(tx.query);
        if (!(await sameAsLoaded(tx.query, ahead.relied))) throw new StaleBatchError();
        await executePlan(tx, ahead.plan, this.tagIds, this.skipKeyChecks);
      },
      this.deps.timings,
    );
  }

  /** Looks up, matches and writes a batch in one transaction, under the lock. */
  private writeInTurn(batch: ReadBatch) {
    return inTransaction(
      this.db,
      async (tx) => {
        await this.lock(tx.query);
        if (!this.job.dryRun) this.state.holders = new Map();
        const { phones, emails } = this.keysOf(batch);
        await loadHolders(tx.query, this.job.businessId, phones, emails, this.state);
        const { plan } = await this.decide(batch, this.state.holders, false);
        await executePlan(tx, plan, this.tagIds, this.skipKeyChecks);
      },
      this.deps.timings,
    );
  }

  /** Writes a batch matched ahead, or else (or when that meets a change) matches and writes it in turn. */
  private async write(batch: ReadBatch, ahead: AheadBatch | undefined): Promise<{ again: boolean }> {
    if (!ahead) {
      await this.writeInTurnRetrying(batch);
      return { again: false };
    }
    try {
      await this.writeAhead(ahead);
      return { again: false };
    } catch (e) {
      // A contact changed, or an identifier taken, since the batch was looked up: it is matched again in turn.
      const code = codeOf(e);
      if (!(e instanceof StaleBatchError) && !RETRYABLE.includes(code ?? '')) throw e;
      this.rolledBack(code);
      this.deps.logger?.info(
        { importJob: this.job.id, row: batch.start + 2, reason: code ?? 'contact changed' },
        'import batch changed meanwhile; matching it again in turn',
      );
    }
    await this.writeInTurnRetrying(batch);
    return { again: true };
  }

  /**
   * A contact saved meanwhile by someone else (a unique identifier taken between our read and our write) rolls the
   * batch back (so does a tag deleted meanwhile); it is read and matched again, with every key looked up: the filter
   * has this batch's keys since its first match, and after a refused identifier (23505) it is off for the rest of the
   * run. A dry run writes no contact, so it never meets this.
   */
  private async writeInTurnRetrying(batch: ReadBatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writeInTurn(batch);
        return;
      } catch (e) {
        const code = codeOf(e);
        if (this.job.dryRun || attempt >= 3 || !RETRYABLE.includes(code ?? '')) throw e;
        this.rolledBack(code);
        this.deps.logger?.warn({ importJob: this.job.id, attempt, code }, 'import batch conflicted; retrying it');
      }
    }
  }
}
