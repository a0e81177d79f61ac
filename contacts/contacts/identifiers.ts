// The identifier rule: a phone (E.164) or email (lower-cased) belongs to one contact or one user within a
// business. The database enforces it (UNIQUE businessId+kind+value); this module turns a refusal into
// IDENTIFIER_TAKEN naming the kind and the kind of holder, and nothing else about the holder.
import { DomainError } from '../shared/errors.ts';
import type { Tx } from '../shared/tx.ts';

export type IdentifierKind = 'phone' | 'email';
export type HolderKind = 'contact' | 'archived_contact' | 'user';

export interface Holder {
  kind: HolderKind;
  contactId?: string;
  userId?: string;
}

export async function findHolder(
  tx: Tx,
  businessId: string,
  kind: IdentifierKind,
  value: string,
): Promise<Holder | null> {
  const row = await tx.identifier.findUnique({
    where: { businessId_kind_value: { businessId, kind, value } },
    include: { contact: { select: { id: true, status: true } } },
  });
  if (!row) return null;
  if (row.userId) return { kind: 'user', userId: row.userId };
  if (row.contact) {
    return { kind: row.contact.status === 'archived' ? 'archived_contact' : 'contact', contactId: row.contact.id };
  }
  return null;
}

const HOLDER_TEXT: Record<HolderKind, string> = {
  contact: 'another contact',
  archived_contact: 'an archived contact',
  user: 'a team member',
};

/**
 * The error for an identifier held by someone else, worded for the field it is shown under ("this phone belongs
 * to another contact", "this email belongs to a team member"); `field` is the kind. The contact id is included
 * only for contacts (agents may see every contact of their business); a user holder is named only as "user".
 */
export function identifierTaken(kind: IdentifierKind, holder: Holder): DomainError {
  const hint = holder.kind === 'archived_contact' ? ` (edit it to free the ${kind})` : '';
  return new DomainError('IDENTIFIER_TAKEN', `this ${kind} belongs to ${HOLDER_TEXT[holder.kind]}${hint}`, kind, {
    kind,
    holder: holder.kind,
    ...(holder.contactId ? { contactId: holder.contactId } : {}),
  });
}

/** Throws IDENTIFIER_TAKEN when `value` is held by anyone other than `self`. */
export async function assertFree(
  tx: Tx,
  businessId: string,
  kind: IdentifierKind,
  value: string,
  self: { contactId?: string; userId?: string } = {},
): Promise<void> {
  const holder = await findHolder(tx, businessId, kind, value);
  if (!holder) return;
  if (holder.contactId && holder.contactId === self.contactId) return;
  if (holder.userId && holder.userId === self.userId) return;
  throw identifierTaken(kind, holder);
}

/**
 * Sets (or with `null` removes) the identifier of one kind of a contact or user. `undefined` leaves it.
 * Returns the previous value. A concurrent writer that takes the value first makes this throw P2002, which
 * callers turn into IDENTIFIER_TAKEN with `explainUniqueViolation` after their transaction rolled back.
 */
export async function setIdentifier(
  tx: Tx,
  businessId: string,
  owner: { contactId: string } | { userId: string },
  kind: IdentifierKind,
  value: string | null | undefined,
): Promise<string | null> {
  const where = 'contactId' in owner ? { contactId: owner.contactId, kind } : { userId: owner.userId, kind };
  const current = await tx.identifier.findFirst({ where });
  if (value === undefined || value === (current?.value ?? null)) return current?.value ?? null;
  if (value !== null) await assertFree(tx, businessId, kind, value, owner);
  if (current) {
    await tx.identifier.delete({
      where: { businessId_kind_value: { businessId: current.businessId, kind, value: current.value } },
    });
  }
  if (value !== null) await tx.identifier.create({ data: { businessId, kind, value, ...owner } });
  return current?.value ?? null;
}

/**
 * After a transaction failed with a unique violation (a racing writer won): the IDENTIFIER_TAKEN error for the
 * first of `wanted` now held by someone else, or undefined when none is (then the violation was something else).
 */
export async function explainUniqueViolation(
  tx: Tx,
  businessId: string,
  wanted: { kind: IdentifierKind; value: string | null | undefined }[],
  self: { contactId?: string; userId?: string } = {},
): Promise<DomainError | undefined> {
  for (const w of wanted) {
    if (!w.value) continue;
    try {
      await assertFree(tx, businessId, w.kind, w.value, self);
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
  }
  return undefined;
}
