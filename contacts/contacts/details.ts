// Saving details a customer gave in a chat (or an agent typed) against a contact or guest: a guest becomes an
// active contact; details that belong to another contact merge this one into it.
import { z } from 'zod';
import type { Database } from '../../prisma/index.ts';
import { actorSchema, type Actor } from '../shared/actor.ts';
import { diff, recordAudit } from '../audit/index.ts';
import { isGuestEmail, normalizeEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { explainUniqueViolation, findHolder, identifierTaken, setIdentifier, type Holder } from './identifiers.ts';
import { mergeContactInto } from './merge.ts';
import { normalizePhone } from '../shared/phone.ts';
import { isUniqueViolation } from '../shared/tx.ts';
import { parseOrThrow } from '../shared/validation.ts';

export interface ContactDetails {
  businessId: string;
  contactId: string;
  email?: string | undefined;
  phone?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  actor: Actor;
}

export interface SavedDetails {
  /** the contact that now holds the details: the target of a merge, or the same contact */
  contactId: string;
  outcome: 'updated' | 'promoted' | 'merged';
}

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const inputSchema = z.object({
  businessId: z.uuid({ error: 'must be a UUID' }),
  contactId: z.uuid({ error: 'must be a UUID' }),
  email: z.string().optional(),
  phone: z.string().optional(),
  firstName: name.optional(),
  lastName: name.optional(),
  actor: actorSchema,
});

/**
 * Race-safe: the identifier table's unique constraint decides between racing writers; the loser (refused by it, or
 * finding the value taken between its check and its write) retries, up to twice, and then sees the winner's contact
 * (and merges into it) or gets IDENTIFIER_TAKEN.
 * A customer (actor 'customer') may fill in what an established contact lacks, never overwrite its phone, email or
 * names (a chat is not authenticated); a user (actor 'user') may overwrite.
 * Errors: NOT_FOUND; VALIDATION_FAILED (field email/phone); IDENTIFIER_TAKEN {kind, holder:'user'} when a user
 * holds one; IDENTIFIERS_CONFLICT when the email and the phone belong to two different contacts.
 */
export async function saveContactDetails(db: Database, input: ContactDetails): Promise<SavedDetails> {
  const data = parseOrThrow(inputSchema, input);
  const business = await db.prisma.business.findUnique({ where: { id: data.businessId } });
  if (!business) throw new DomainError('NOT_FOUND', 'no such business', 'businessId');
  let email: string | undefined;
  if (data.email !== undefined) {
    const r = normalizeEmail(data.email);
    if (!r.ok) throw new DomainError('VALIDATION_FAILED', r.message, 'email');
    email = r.email;
  }
  let phone: string | undefined;
  if (data.phone !== undefined) {
    const r = normalizePhone(data.phone, business.country);
    if (!r.ok) throw new DomainError('VALIDATION_FAILED', r.message, 'phone', { reason: r.reason });
    phone = r.e164;
  }
  const values = { ...data, email, phone };

  for (let attempt = 0; ; attempt++) {
    try {
      return await db.prisma.$transaction((tx) => save(tx, values));
    } catch (e) {
      if (!isUniqueViolation(e) && !(e instanceof HolderArrived)) throw e;
      if (attempt < 2) continue;
      const explained = await explainUniqueViolation(
        db.prisma,
        data.businessId,
        [
          { kind: 'email', value: email },
          { kind: 'phone', value: phone },
        ],
        { contactId: data.contactId },
      );
      throw explained ?? (e instanceof HolderArrived ? e.taken : e);
    }
  }
}

type Tx = Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0];

/**
 * An email or phone found free at the start of `save` was taken before `save` wrote it: another writer (a guest
 * racing with the same new email) committed in between. Retried like a unique violation: the retry sees that writer's
 * contact and merges into it (or reports IDENTIFIER_TAKEN for a user).
 */
class HolderArrived extends Error {
  constructor(readonly taken: DomainError) {
    super(taken.message);
  }
}

async function save(
  tx: Tx,
  v: Omit<ContactDetails, 'email' | 'phone'> & { email: string | undefined; phone: string | undefined },
): Promise<SavedDetails> {
  const contact = await tx.contact.findFirst({ where: { id: v.contactId, businessId: v.businessId } });
  if (!contact) throw new DomainError('NOT_FOUND', 'no such contact', 'contactId');

  const holders: { kind: 'email' | 'phone'; holder: Holder }[] = [];
  for (const kind of ['email', 'phone'] as const) {
    const value = v[kind];
    if (!value) continue;
    const holder = await findHolder(tx, v.businessId, kind, value);
    if (holder && holder.contactId !== contact.id) holders.push({ kind, holder });
  }
  const user = holders.find((h) => h.holder.kind === 'user');
  if (user) throw identifierTaken(user.kind, user.holder);
  const others = [...new Set(holders.map((h) => h.holder.contactId!))];
  if (others.length > 1) {
    throw new DomainError(
      'IDENTIFIERS_CONFLICT',
      'the email and the phone number belong to two different contacts',
      'phone',
      { contactIds: others },
    );
  }

  if (others.length === 1) {
    const target = await tx.contact.findUniqueOrThrow({ where: { id: others[0]! } });
    await mergeContactInto(tx, contact, target, v, v.actor);
    return { contactId: target.id, outcome: 'merged' };
  }

  // A customer in a chat is not authenticated: on an established contact they may fill in what is missing, never
  // overwrite what the business already has (an agent or admin, actor 'user', may).
  let { email, phone, firstName, lastName } = v;
  if (v.actor.type === 'customer' && contact.status !== 'guest') {
    const existing = await tx.identifier.findMany({ where: { contactId: contact.id } });
    if (existing.some((i) => i.kind === 'email' && !isGuestEmail(i.value))) email = undefined;
    if (existing.some((i) => i.kind === 'phone')) phone = undefined;
    if (contact.firstName) firstName = undefined;
    if (contact.lastName) lastName = undefined;
  }
  const before: Record<string, unknown> = { ...contact };
  const owner = { contactId: contact.id };
  try {
    before.email = await setIdentifier(tx, v.businessId, owner, 'email', email);
    before.phone = await setIdentifier(tx, v.businessId, owner, 'phone', phone);
  } catch (e) {
    // No one else held them when the holders were read above (READ COMMITTED: each statement sees the latest commits).
    if (e instanceof DomainError && e.code === 'IDENTIFIER_TAKEN') throw new HolderArrived(e);
    throw e;
  }
  const promoted = contact.status === 'guest';
  if (promoted && !email && typeof before.email === 'string' && isGuestEmail(before.email)) {
    // The pseudonymous email only stood for the guest; a real contact does not keep it.
    await setIdentifier(tx, v.businessId, owner, 'email', null);
  }
  const update = {
    ...(firstName ? { firstName } : {}),
    ...(lastName ? { lastName } : {}),
    ...(promoted ? { status: 'active' as const } : {}),
  };
  if (Object.keys(update).length) await tx.contact.update({ where: { id: contact.id }, data: update });
  const changes = diff(before, {
    ...update,
    email: promoted && !email && typeof before.email === 'string' && isGuestEmail(before.email) ? null : email,
    phone,
  });
  if (Object.keys(changes).length) {
    await recordAudit(tx, {
      businessId: v.businessId,
      actor: v.actor,
      entityType: 'contact',
      entityId: contact.id,
      action: promoted ? 'promoted' : 'updated',
      changes,
    });
  }
  return { contactId: contact.id, outcome: promoted ? 'promoted' : 'updated' };
}
