// Uploading a file to import: it is checked, a mapping suggested, and the first rows previewed as they would be
// saved. Nothing is imported yet (job.ts starts and runs the import).
import { existsSync } from 'node:fs';
import type { Database } from '../../prisma/index.ts';
import { DomainError } from '../shared/errors.ts';
import { TEXT_COLUMNS, type Field, type Mapping, type TextField } from './fields.ts';
import { loadJob } from './job.ts';
import { missingFields, suggestMapping, validateMapping } from './mapping.ts';
import { inspectFile, readRecords, type Delimiter } from './parse.ts';
import { planRows, readRow, type RowDraft, type RowError, type RowPlan } from './row.ts';

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

const PREVIEW_ROWS = 10;

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
  const suggestedMapping = suggestMapping(shape.headers, { country: business.country });
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

/** The first rows as a mapping would save them, each with its problems. */
export async function previewImport(
  db: Database,
  businessId: string,
  id: string,
  options: { mapping?: unknown; country?: string | undefined } = {},
): Promise<PreviewRow[]> {
  const job = await loadJob(db, businessId, id);
  const headers = job.headers as string[];
  const business = await db.prisma.business.findUniqueOrThrow({ where: { id: businessId } });
  const mapping =
    options.mapping === undefined
      ? suggestMapping(headers, { country: business.country })
      : validateMapping(headers, options.mapping);
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
  if (d.agentEmail ?? d.agentName) values.assignedAgent = d.agentEmail ?? d.agentName;
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
