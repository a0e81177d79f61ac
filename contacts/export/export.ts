// Contacts → CSV with the canonical columns, re-importable as is. Streams page by page (keyset on id).
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../../prisma/index.ts';
import { CANONICAL_COLUMNS } from '../import/index.ts';
import { listContacts, type ContactCard } from '../contacts/index.ts';
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

/**
 * Pages of contacts matching the list's filters (contacts/contacts/queries.ts `listContacts`: same search, tag and status
 * rules, default status active), newest first, followed through the list's cursor.
 */
export async function* exportContacts(
  db: Database,
  businessId: string,
  filter: ExportFilter = {},
): AsyncGenerator<ExportedContact[]> {
  const agents = await db.query<{ userId: string; value: string }>(
    `SELECT "userId", value FROM "Identifier" WHERE "businessId" = $1 AND kind = 'email' AND "userId" IS NOT NULL`,
    [businessId],
  );
  const agentEmail = new Map(agents.map((a) => [a.userId, a.value]));
  let cursor: string | undefined;
  for (;;) {
    const page = await listContacts(db, businessId, {
      search: filter.search,
      tag: filter.tag,
      status: filter.status,
      cursor,
      limit: 200,
    });
    if (page.items.length > 0) yield page.items.map((c) => toExported(c, agentEmail));
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

function toExported(c: ContactCard, agentEmail: Map<string, string>): ExportedContact {
  return {
    id: c.id,
    status: c.status,
    firstName: c.firstName,
    middleName: c.middleName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    businessName: c.businessName,
    address: { ...c.address },
    billingAddress: { ...c.billingAddress },
    tags: c.tags.map((t) => t.name),
    notes: c.notes,
    assignedAgent: c.assignedAgent ? (agentEmail.get(c.assignedAgent.id) ?? null) : null,
    createdAt: c.createdAt,
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
