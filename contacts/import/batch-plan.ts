// What a batch writes, encoded ahead as data only (COPY text, JSON, arrays): contacts, identifiers, tag links, audit
// events, row errors and the job's progress. No I/O.
import type { Entity } from './batch.ts';
import { CopyBuffer, copyField, copyText } from './copy-text.ts';
import { CONTACT_COLUMNS } from './fields.ts';
import { newId } from './ids.ts';
import type { RowError } from './row.ts';
import { searchTextOf, type Lowering } from './search-text.ts';
import { runSteps, runStepsYielding, type Steps } from './steps.ts';

const NO_ROWS = new Uint8Array(0);

export interface BatchWrite {
  businessId: string;
  jobId: string;
  /** The user who ran the import (null when run from the command line). */
  actorId: string | null;
  entities: Entity[];
  changes: Map<Entity, Record<string, unknown>>;
  errors: (RowError & { cells: string })[];
  /** The job's processedRows before this batch: the write goes through only if nobody else moved it. */
  from: number;
  progress: {
    processedRows: number;
    created: number;
    updated: number;
    unchanged: number;
    skipped: number;
    failed: number;
  };
  dryRun: boolean;
  /** The characters the import lowers itself to write searchText (search-text.ts); null or absent: the triggers do. */
  lowering?: Lowering | null | undefined;
}

/**
 * What a batch writes, as data only (COPY text, JSON, arrays): made on this thread before its transaction, so the
 * next batch can be matched (and its entities changed) while this one is written.
 */
export interface BatchPlan {
  jobId: string;
  businessId: string;
  dryRun: boolean;
  from: number;
  progress: BatchWrite['progress'];
  /** The batch writes searchText itself, with the search-text triggers off (batch-write.ts). */
  searchTextByWriter: boolean;
  /** New contacts as COPY text: CONTACT_COLUMNS_COPIED (their searchText last, '' for those in `searchTextLater`). */
  contacts: Uint8Array<ArrayBuffer>;
  /** New contacts whose searchText the database computes once their identifiers are in (text beyond ASCII). */
  searchTextLater: string[];
  /** Updated contacts as one JSON array for json_to_recordset (with their email, for searchText), or null. */
  updates: string | null;
  /** Identifiers replaced (contact id, kind): deleted before the new ones go in. */
  drop: { ids: string[]; kinds: string[] };
  identifiers: Uint8Array<ArrayBuffer>;
  /** Tags linked by this batch: key → name (created when missing). */
  tagNames: Map<string, string>;
  links: { id: string; key: string }[];
  /** Users the batch's contacts are assigned to. */
  agents: string[];
  audit: Uint8Array<ArrayBuffer>;
  errors: string;
}

/** Encodes one batch's writes: contacts, identifiers, tags, audit events, row errors and the job's progress. No I/O. */
export function planBatch(w: BatchWrite): BatchPlan {
  return runSteps(planSteps(w));
}

/** planBatch, letting the event loop turn every `every` contacts (while another batch's statements wait to be sent). */
export function planBatchYielding(w: BatchWrite, every: number): Promise<BatchPlan> {
  return runStepsYielding(planSteps(w), every);
}

function* planSteps(w: BatchWrite): Steps<BatchPlan> {
  const plan = emptyPlan(w);
  if (w.dryRun) return plan;
  const created = w.entities.filter((e) => e.isNew);
  const updated = w.entities.filter((e) => !e.isNew && Object.keys(w.changes.get(e) ?? {}).length > 0);
  const out = encoders(w, created, updated.length);
  const agents = new Set<string>();
  for (const e of [...created, ...updated]) {
    yield;
    if (e.assignedAgentId) agents.add(e.assignedAgentId);
    encodeContact(out, plan, e);
    encodeIdentifiers(out, plan, e);
    linkTags(plan, e);
    encodeAudit(out, e);
  }
  plan.contacts = out.contacts.done();
  if (updated.length > 0) {
    plan.updates = JSON.stringify(
      updated.map((e) => ({ id: e.id, status: e.status, agent: e.assignedAgentId, email: e.email, ...e.fields })),
    );
  }
  plan.identifiers = out.identifiers.done();
  plan.audit = out.audit.done();
  plan.agents = [...agents];
  return plan;
}

/** A plan with the batch's row errors and progress, and nothing to write yet. */
function emptyPlan(w: BatchWrite): BatchPlan {
  return {
    jobId: w.jobId,
    businessId: w.businessId,
    dryRun: w.dryRun,
    from: w.from,
    progress: w.progress,
    searchTextByWriter: !!w.lowering,
    contacts: NO_ROWS,
    searchTextLater: [],
    updates: null,
    drop: { ids: [], kinds: [] },
    identifiers: NO_ROWS,
    tagNames: new Map(),
    links: [],
    agents: [],
    audit: NO_ROWS,
    errors: copyText(w.errors.map((e) => [newId(), w.jobId, e.row, e.column, e.code, e.message, e.cells])),
  };
}

/** The batch's COPY buffers, and the parts of a line that are the same for the whole batch. */
interface Encoders {
  w: BatchWrite;
  contacts: CopyBuffer;
  identifiers: CopyBuffer;
  audit: CopyBuffer;
  business: string;
  auditMiddle: string;
}

/**
 * Sized ahead: a prepared row's text is known, plus its line's ids (a contact's 36 + 36 + status and channel; an audit
 * event's 5 × 36 + kinds, ~190 bytes); other lines are guessed generously. A buffer short of room doubles.
 */
function encoders(w: BatchWrite, created: readonly Entity[], updated: number): Encoders {
  let contactBytes = 0;
  let auditBytes = 0;
  for (const e of created) {
    const pre = e.source?.prepared;
    // Plus its searchText: its names (part of its fields) and its email.
    contactBytes += pre ? 2 * (pre.created - pre.fields) + 112 + 64 : 2048;
    auditBytes += pre ? pre.cells - pre.created + 224 : 2048;
  }
  auditBytes += updated * 2048;
  return {
    w,
    contacts: new CopyBuffer(contactBytes),
    identifiers: new CopyBuffer((created.length + updated) * 2 * 160),
    audit: new CopyBuffer(auditBytes),
    business: `\t${w.businessId}\t`,
    auditMiddle: `\t${w.businessId}\timport\t${copyField(w.actorId)}\tcontact\t`,
  };
}

/** The columns of the batch's COPY of new contacts. */
export const CONTACT_COLUMNS_COPIED = [
  'id',
  'businessId',
  'status',
  'channel',
  'assignedAgentId',
  ...CONTACT_COLUMNS,
  'searchText',
] as const;

/**
 * New rows go in by COPY; ids are time-ordered (UUIDv7), so each index grows at its right edge. Times are left to the
 * columns' defaults (now(): the transaction's start, one for the whole batch), parsed by nobody. A contact made from
 * one row alone: its line is the row's prepared text after the id. Its searchText is written here (search-text.ts),
 * or left to the database (`searchTextLater`) when it holds a character not known to lower alike ('' when the
 * triggers keep it: they overwrite it).
 */
function encodeContact(out: Encoders, plan: BatchPlan, e: Entity): void {
  if (!e.isNew) return;
  const pre = e.source?.prepared;
  const { contacts } = out;
  const { lowering } = out.w;
  const searchText = lowering ? searchTextOf(e.fields, e.email, lowering) : '';
  if (searchText === null) plan.searchTextLater.push(e.id);
  if (pre) {
    contacts.text(e.id);
    contacts.text(out.business);
    contacts.text(e.status);
    contacts.text('\timport\t\\N\t');
    contacts.bytes(pre.bytes, pre.fields, pre.created);
    contacts.text('\t');
    contacts.text(copyField(searchText ?? ''));
    contacts.text('\n');
  } else {
    const { businessId } = out.w;
    contacts.row([
      e.id,
      businessId,
      e.status,
      'import',
      e.assignedAgentId,
      ...CONTACT_COLUMNS.map((c) => e.fields[c]),
      searchText ?? '',
    ]);
  }
}

/** Identifiers: drop the ones replaced, then insert the new ones (deletes first, so swaps inside a batch work). */
function encodeIdentifiers(out: Encoders, plan: BatchPlan, e: Entity): void {
  const { identifiers } = out;
  for (const kind of ['phone', 'email'] as const) {
    const value = e[kind];
    const was = e.before?.[kind] ?? null;
    if (value === was) continue;
    if (was) {
      plan.drop.ids.push(e.id);
      plan.drop.kinds.push(kind);
    }
    if (value) {
      identifiers.text(out.w.businessId);
      identifiers.text('\t');
      identifiers.text(kind);
      identifiers.text('\t');
      identifiers.text(copyField(value));
      identifiers.text('\t');
      identifiers.text(e.id);
      identifiers.text('\n');
    }
  }
}

/** Tags: only those the contact lacked are linked (the contacts are new, or locked and re-checked). */
function linkTags(plan: BatchPlan, e: Entity): void {
  for (const key of e.tagKeys) {
    if (e.before?.tagKeys.has(key)) continue;
    plan.links.push({ id: e.id, key });
    if (!plan.tagNames.has(key)) plan.tagNames.set(key, e.tagNames.get(key) ?? key);
  }
}

/** One audit event per contact written, with the batch: who (the import's user), what (fields, old → new), when. */
function encodeAudit(out: Encoders, e: Entity): void {
  const pre = e.source?.prepared;
  const { audit, w } = out;
  if (pre) {
    audit.text(newId());
    audit.text(out.auditMiddle);
    audit.text(e.id);
    audit.text('\tcreated\t');
    audit.bytes(pre.bytes, pre.created, pre.cells);
    audit.text('\n');
  } else {
    audit.row([
      newId(),
      w.businessId,
      'import',
      w.actorId,
      'contact',
      e.id,
      e.isNew ? 'created' : 'updated',
      JSON.stringify(w.changes.get(e) ?? {}),
    ]);
  }
}
