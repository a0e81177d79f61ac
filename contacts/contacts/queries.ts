// Reading contacts: the card beside a chat, and the searchable, paginated list.
import { z } from 'zod';
import type { Database, Prisma } from '../../prisma/index.ts';
import { addressOf } from './contact-fields.ts';
import { isGuestEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { identifierValue } from './identifier-value.ts';

export interface ContactCard {
  id: string;
  status: 'guest' | 'active' | 'archived';
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  /** "Jane Smith", or the guest's pseudonym */
  displayName: string;
  businessName: string | null;
  /** null for a guest's pseudonymous email */
  email: string | null;
  phone: string | null;
  tags: { id: string; name: string }[];
  assignedAgent: { id: string; name: string } | null;
  notes: string | null;
  channel: string;
  address: Address;
  billingAddress: Address;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type Address = ReturnType<typeof addressOf>;

const cardInclude = {
  identifiers: true,
  tags: { include: { tag: true } },
  assignedAgent: { select: { id: true, firstName: true, lastName: true } },
} as const satisfies Prisma.ContactInclude;

type CardRow = Prisma.ContactGetPayload<{ include: typeof cardInclude }>;

export const displayName = (c: { firstName: string | null; middleName?: string | null; lastName: string | null }) =>
  [c.firstName, c.middleName, c.lastName].filter(Boolean).join(' ') || '(no name)';

function toCard(c: CardRow): ContactCard {
  const email = identifierValue(c.identifiers, 'email');
  return {
    id: c.id,
    status: c.status,
    firstName: c.firstName,
    middleName: c.middleName,
    lastName: c.lastName,
    displayName: displayName(c),
    businessName: c.businessName,
    email: email && isGuestEmail(email) ? null : email,
    phone: identifierValue(c.identifiers, 'phone'),
    tags: c.tags.map((t) => ({ id: t.tag.id, name: t.tag.name })).sort((a, b) => a.name.localeCompare(b.name)),
    assignedAgent: c.assignedAgent
      ? { id: c.assignedAgent.id, name: `${c.assignedAgent.firstName} ${c.assignedAgent.lastName}`.trim() }
      : null,
    notes: c.notes,
    channel: c.channel,
    address: addressOf('address', c),
    billingAddress: addressOf('billingAddress', c),
    archivedAt: c.archivedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The contact panel for the agents' console. NOT_FOUND for an unknown id or another business's contact. */
export async function getContactCard(db: Database, businessId: string, contactId: string): Promise<ContactCard> {
  if (!z.uuid().safeParse(contactId).success) throw new DomainError('NOT_FOUND', 'no such contact');
  const c = await db.prisma.contact.findFirst({ where: { id: contactId, businessId }, include: cardInclude });
  if (!c) throw new DomainError('NOT_FOUND', 'no such contact');
  return toCard(c);
}

export const listContactsQuery = z.object({
  search: z.string().trim().max(200).optional(),
  tag: z.string().trim().max(100).optional(),
  status: z.enum(['active', 'archived', 'guest']).default('active'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListContactsQuery = z.input<typeof listContactsQuery>;

export interface ContactPage {
  items: ContactCard[];
  /** pass as `cursor` for the next page; null on the last */
  nextCursor: string | null;
}

const encodeCursor = (c: { createdAt: Date; id: string }) =>
  Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) {
    throw new DomainError('VALIDATION_FAILED', 'cursor: not a cursor this API returned', 'cursor');
  }
  return { createdAt, id };
}

/** The digits of a search that looks like a phone fragment ("7911 123", "+44 7911", "(0)7911-123"), else null. */
export function phoneDigits(search: string): string | null {
  if (!/^[\d\s+()./-]+$/.test(search)) return null;
  const digits = search.replace(/\D/g, '');
  return digits.length >= 3 ? digits.replace(/^0+/, '') || null : null;
}

/**
 * Newest first, keyset-paginated. `search` matches name, business name and email fragments (every word must
 * match), or — when it looks like a number — the phone's digits. `tag` is a tag id or name.
 */
export async function listContacts(
  db: Database,
  businessId: string,
  query: ListContactsQuery = {},
): Promise<ContactPage> {
  const q = parseOrThrow(listContactsQuery, query);
  const and: Prisma.ContactWhereInput[] = [{ businessId, status: q.status }];
  if (q.search) {
    const digits = phoneDigits(q.search);
    if (digits) {
      and.push({ identifiers: { some: { kind: 'phone', value: { contains: digits } } } });
    } else {
      for (const word of q.search.split(/\s+/).filter(Boolean)) {
        and.push({
          OR: [
            { firstName: { contains: word, mode: 'insensitive' } },
            { middleName: { contains: word, mode: 'insensitive' } },
            { lastName: { contains: word, mode: 'insensitive' } },
            { businessName: { contains: word, mode: 'insensitive' } },
            { identifiers: { some: { kind: 'email', value: { contains: word.toLowerCase() } } } },
          ],
        });
      }
    }
  }
  if (q.tag) {
    const byId = z.uuid().safeParse(q.tag).success;
    and.push({
      tags: { some: { tag: byId ? { id: q.tag } : { nameKey: q.tag.toLowerCase() } } },
    });
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
  }
  const rows = await db.prisma.contact.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
    include: cardInclude,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(toCard), nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}
