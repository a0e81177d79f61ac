// Matching a batch of drafts against what exists (contacts, users, earlier rows of the file) and deciding, row by
// row, what each one does: create, update, leave unchanged, or fail. Pure: the caller loads and writes.
import { newId } from './ids.ts';
import { runSteps, runStepsYielding, type Steps } from './steps.ts';
import { CONTACT_COLUMNS, type ContactColumn } from './fields.ts';
import { agentNameLookup, type RowDraft, type RowError } from './row.ts';

export type ContactStatus = 'guest' | 'active' | 'archived';

/** A contact as the import sees it: its stored state, and what the rows of this file make of it. */
export interface Entity {
  id: string;
  isNew: boolean;
  status: ContactStatus;
  fields: Record<ContactColumn, string | null>;
  assignedAgentId: string | null;
  phone: string | null;
  email: string | null;
  tagKeys: Set<string>;
  tagNames: Map<string, string>;
  before: Snapshot | undefined;
  /** The one row that created this contact and nothing else touched (no agent either): its prepared text is used. */
  source?: RowDraft | undefined;
}

/** A contact's values as loaded (or as last written by the import). */
export type Snapshot = Omit<Entity, 'before' | 'isNew' | 'id' | 'tagNames' | 'source'>;

/** Who holds an identifier: a user, or a contact. */
export type Holder = { kind: 'user' } | { kind: 'contact'; entity: Entity };

export interface MatchState {
  /** "p:+4479…" / "e:jane@…" → holder. */
  holders: Map<string, Holder>;
  /** Agents' and admins' emails → user id (active users only). */
  agents: Map<string, string>;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
  /** Entities touched by this batch, in first-touch order. */
  touched: Entity[];
}

/** The keys of `MatchState.holders`. */
export const phoneKey = (v: string) => `p:${v}`;
export const emailKey = (v: string) => `e:${v}`;

export function snapshot(e: Omit<Entity, 'before'>): Snapshot {
  return {
    status: e.status,
    fields: { ...e.fields },
    assignedAgentId: e.assignedAgentId,
    phone: e.phone,
    email: e.email,
    tagKeys: new Set(e.tagKeys),
  };
}

/** Whether two snapshots hold the same values (fields, status, agent, identifiers, tags). */
export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.status !== b.status || a.assignedAgentId !== b.assignedAgentId) return false;
  if (a.phone !== b.phone || a.email !== b.email || a.tagKeys.size !== b.tagKeys.size) return false;
  for (const c of CONTACT_COLUMNS) if (a.fields[c] !== b.fields[c]) return false;
  for (const k of a.tagKeys) if (!b.tagKeys.has(k)) return false;
  return true;
}

const EMPTY_FIELDS = Object.fromEntries(CONTACT_COLUMNS.map((c) => [c, null])) as Entity['fields'];
// A spread copy of one template: a plain fast-properties object (Object.fromEntries per contact was one of the
// import's hottest allocations).
const emptyFields = (): Entity['fields'] => ({ ...EMPTY_FIELDS });

/** Applies one batch of drafts in file order. Mutates `state` (holders) and the entities it touches. */
export function matchBatch(drafts: readonly RowDraft[], state: MatchState, columns: MatchColumns): BatchOutcome {
  return runSteps(matchRows(drafts, state, columns));
}

/**
 * matchBatch, letting the event loop turn every `every` rows (a batch matched while another batch's statements are
 * waiting to be sent).
 */
export function matchBatchYielding(
  drafts: readonly RowDraft[],
  state: MatchState,
  columns: MatchColumns,
  every: number,
): Promise<BatchOutcome> {
  return runStepsYielding(matchRows(drafts, state, columns), every);
}

type MatchColumns = { phone?: string | undefined; email?: string | undefined; agent?: string | undefined };

/** Matches the drafts one by one (a step per row), returning the batch's outcome. */
function* matchRows(drafts: readonly RowDraft[], state: MatchState, columns: MatchColumns): Steps<BatchOutcome> {
  const out: BatchOutcome = { created: 0, updated: 0, unchanged: 0, errors: [], touched: [] };
  const touched = new Set<Entity>();
  for (const d of drafts) {
    yield;
    const keys = [d.phone ? phoneKey(d.phone) : undefined, d.email ? emailKey(d.email) : undefined] as const;
    let entity: Entity | undefined;
    let error: RowError | undefined;
    for (let k = 0; k < 2; k++) {
      const key = keys[k];
      if (key === undefined) continue;
      const column = k === 0 ? columns.phone : columns.email;
      const holder = state.holders.get(key);
      if (!holder) continue;
      if (holder.kind === 'user') {
        const kind = k === 0 ? 'phone' : 'email';
        error = {
          row: d.row,
          column: column ?? null,
          code: 'IDENTIFIER_TAKEN',
          message: `this ${kind} belongs to a user (an agent or admin) of the business`,
        };
        break;
      }
      if (entity && entity !== holder.entity) {
        error = {
          row: d.row,
          column: null,
          code: 'CONTACT_CONFLICT',
          message: 'the phone matches one contact and the email another; fix the row or merge the contacts first',
        };
        break;
      }
      entity = holder.entity;
    }
    let agentId: string | undefined;
    if (!error && (d.agentEmail || d.agentName)) {
      agentId = state.agents.get(d.agentEmail ?? agentNameLookup(d.agentName!));
      if (!agentId) {
        error = {
          row: d.row,
          column: columns.agent ?? null,
          code: 'AGENT_NOT_FOUND',
          message: d.agentEmail
            ? 'the assigned agent is not an active user of the business'
            : 'no active user of the business has this name (or several have it): use their email',
        };
      }
    }
    if (error) {
      out.errors.push(error);
      continue;
    }

    if (!entity) {
      entity = {
        // Time-ordered: the contacts of an import sit side by side in every index on their id.
        id: newId(),
        isNew: true,
        status: 'active',
        fields: emptyFields(),
        assignedAgentId: null,
        phone: null,
        email: null,
        tagKeys: new Set(),
        tagNames: new Map(),
        before: undefined,
        source: agentId ? undefined : d,
      };
      apply(entity, d, keys, agentId, state);
      out.created++;
    } else {
      entity.source = undefined;
      const changed = apply(entity, d, keys, agentId, state);
      if (changed) out.updated++;
      else out.unchanged++;
    }
    if (!touched.has(entity)) {
      touched.add(entity);
      out.touched.push(entity);
    }
  }
  return out;
}

/** Writes a draft onto an entity: non-empty cells overwrite, tags are added. Returns whether anything changed. */
function apply(
  entity: Entity,
  d: RowDraft,
  keys: readonly [string | undefined, string | undefined],
  agentId: string | undefined,
  state: MatchState,
): boolean {
  let changed = false;
  const fields = d.fields;
  for (let i = 0; i < CONTACT_COLUMNS.length; i++) {
    const column = CONTACT_COLUMNS[i]!;
    const value = fields[column];
    if (value !== undefined && entity.fields[column] !== value) {
      entity.fields[column] = value;
      changed = true;
    }
  }
  if (d.phone && entity.phone !== d.phone) {
    if (entity.phone) state.holders.delete(phoneKey(entity.phone));
    entity.phone = d.phone;
    state.holders.set(keys[0]!, { kind: 'contact', entity });
    changed = true;
  }
  if (d.email && entity.email !== d.email) {
    if (entity.email) state.holders.delete(emailKey(entity.email));
    entity.email = d.email;
    state.holders.set(keys[1]!, { kind: 'contact', entity });
    changed = true;
  }
  for (const t of d.tags) {
    if (!entity.tagKeys.has(t.key)) {
      entity.tagKeys.add(t.key);
      entity.tagNames.set(t.key, t.name);
      changed = true;
    }
  }
  if (agentId && entity.assignedAgentId !== agentId) {
    entity.assignedAgentId = agentId;
    changed = true;
  }
  // Saving real details turns a guest into an active contact; an archived contact stays archived.
  if (entity.status === 'guest') {
    entity.status = 'active';
    changed = true;
  }
  return changed;
}

/** What changed on an entity since it was loaded ({ field: { from, to } }); empty when nothing did. */
export function changes(e: Entity): Record<string, { from: unknown; to: unknown }> {
  const before = e.before;
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const cmp = (name: string, from: unknown, to: unknown) => {
    if (from !== to) out[name] = { from, to };
  };
  for (const c of CONTACT_COLUMNS) cmp(c, before ? before.fields[c] : null, e.fields[c]);
  cmp('status', before?.status ?? null, e.status);
  cmp('assignedAgentId', before?.assignedAgentId ?? null, e.assignedAgentId);
  cmp('phone', before?.phone ?? null, e.phone);
  cmp('email', before?.email ?? null, e.email);
  const added = [...e.tagKeys].filter((k) => !before?.tagKeys.has(k));
  if (added.length) out.tags = { from: before ? [...before.tagKeys] : [], to: [...e.tagKeys] };
  return out;
}
