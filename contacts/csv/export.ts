// Contacts → CSV with the canonical columns, re-importable as is. Streams page by page (keyset on id).
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../../prisma/index.ts';
import { DomainError } from '../errors.ts';
import { CANONICAL_COLUMNS, CONTACT_COLUMNS, TEXT_COLUMNS, type TextField } from '../import/fields.ts';
import { neutralize } from './neutralize.ts';

export interface ExportFilter {
  search?: string | undefined;
  /** A tag's name (case-insensitive). */
  tag?: string | undefined;
  status?: 'active' | 'archived' | 'guest' | undefined;
}

export interface ExportedContact {
  id: string;
  status: string;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  businessName: string | null;
  address: Record<string, string | null>;
  billingAddress: Record<string, string | null>;
  tags: string[];
  notes: string | null;
  assignedAgent: string | null;
  createdAt: string;
}

type Row = Record<string, string | null> & {
  id: string;
  status: string;
  tags: string[] | null;
  createdAt: Date | string;
};

const PAGE = 1000;

/** Pages of contacts matching a filter (default status: active), in a stable order. */
export async function* exportContacts(
  db: Database,
  businessId: string,
  filter: ExportFilter = {},
): AsyncGenerator<ExportedContact[]> {
  const status = filter.status ?? 'active';
  if (!['active', 'archived', 'guest'].includes(status)) {
    throw new DomainError('VALIDATION_FAILED', 'status must be active, archived or guest', 'status');
  }
  const params: unknown[] = [businessId, status];
  let where = `c."businessId" = $1 AND c.status::text = $2`;
  if (filter.tag?.trim()) {
    params.push(filter.tag.trim().toLowerCase());
    where += ` AND EXISTS (SELECT 1 FROM "ContactTag" ct JOIN "Tag" t ON t.id = ct."tagId"
      WHERE ct."contactId" = c.id AND t."nameKey" = $${params.length})`;
  }
  if (filter.search?.trim()) {
    const s = filter.search.trim().toLowerCase();
    const digits = s.replace(/\D/g, '');
    params.push(`%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    const p = `$${params.length}`;
    let cond = `lower(concat_ws(' ', c."firstName", c."middleName", c."lastName", c."businessName")) LIKE ${p}
      OR EXISTS (SELECT 1 FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'email' AND i.value LIKE ${p})`;
    if (digits.length >= 3) {
      params.push(`%${digits}%`);
      cond += ` OR EXISTS (SELECT 1 FROM "Identifier" i WHERE i."contactId" = c.id AND i.kind = 'phone' AND i.value LIKE $${params.length})`;
    }
    where += ` AND (${cond})`;
  }
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db.query<Row>(
      `SELECT c.id, c.status::text AS status, c."createdAt", ${CONTACT_COLUMNS.map((col) => `c."${col}"`).join(', ')},
         (SELECT value FROM "Identifier" WHERE "contactId" = c.id AND kind = 'phone') AS phone,
         (SELECT value FROM "Identifier" WHERE "contactId" = c.id AND kind = 'email') AS email,
         (SELECT value FROM "Identifier" WHERE "userId" = c."assignedAgentId" AND kind = 'email') AS "assignedAgent",
         (SELECT array_agg(t.name ORDER BY t."nameKey") FROM "ContactTag" ct JOIN "Tag" t ON t.id = ct."tagId"
           WHERE ct."contactId" = c.id) AS tags
       FROM "Contact" c WHERE ${where} AND c.id > $${params.length + 1}::uuid ORDER BY c.id LIMIT ${PAGE}`,
      [...params, after],
    );
    if (rows.length === 0) return;
    yield rows.map(toContact);
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}

function toContact(r: Row): ExportedContact {
  const part = (prefix: 'address' | 'billingAddress') =>
    Object.fromEntries(
      (Object.entries(TEXT_COLUMNS) as [TextField, string][])
        .filter(([f]) => f.startsWith(`${prefix}.`))
        .map(([f, col]) => [f.slice(prefix.length + 1), r[col] ?? null]),
    );
  return {
    id: r.id,
    status: r.status,
    firstName: r.firstName ?? null,
    middleName: r.middleName ?? null,
    lastName: r.lastName ?? null,
    email: r.email ?? null,
    phone: r.phone ?? null,
    businessName: r.businessName ?? null,
    address: part('address'),
    billingAddress: part('billingAddress'),
    tags: r.tags ?? [],
    notes: r.notes ?? null,
    assignedAgent: r.assignedAgent ?? null,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** One CSV line per contact, canonical columns, every cell neutralised against formula injection. */
export function contactsToCsv(contacts: readonly ExportedContact[], withHeader: boolean): string {
  const lines = contacts.map((c) =>
    CANONICAL_COLUMNS.map((field) => {
      let v: string | null;
      if (field === 'tags') v = c.tags.join(', ');
      else if (field.startsWith('address.')) v = c.address[field.slice(8)] ?? null;
      else if (field.startsWith('billingAddress.')) v = c.billingAddress[field.slice(15)] ?? null;
      else v = (c as unknown as Record<string, string | null>)[field] ?? null;
      return neutralize(v ?? '');
    }),
  );
  return stringify(withHeader ? [CANONICAL_COLUMNS as string[], ...lines] : lines);
}

/** The whole export as chunks of CSV text (header first). */
export async function* exportCsv(db: Database, businessId: string, filter: ExportFilter = {}): AsyncGenerator<string> {
  yield contactsToCsv([], true);
  for await (const page of exportContacts(db, businessId, filter)) yield contactsToCsv(page, false);
}
