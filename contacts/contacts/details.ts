// Saving details a customer gave in a chat (or an agent typed) against a contact or guest: a guest becomes an
// active contact; details that belong to another contact merge this one into it.
import { z } from 'zod';
import { lineText, plainString } from '../text/index.ts';
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
  /** null: the name given has no last name (a guest's pseudonymous one goes) */
  lastName?: string | null | undefined;
  /**
   * the value this same chat saved before and the customer now corrects ("use my work email instead"): a customer
   * may replace an established contact's email or phone only when it is still this value. The audit keeps the old one.
   */
  replaces?: { email?: string | undefined; phone?: string | undefined } | undefined;
  actor: Actor;
}

export interface SavedDetails {
  /** the contact that now holds the details: the target of a merge, or the same contact */
  contactId: string;
  outcome: 'updated' | 'promoted' | 'merged';
}

const name = lineText(100).min(1, 'must not be empty');
const inputSchema = z.object({
  businessId: z.uuid({ error: 'must be a UUID' }),
  contactId: z.uuid({ error: 'must be a UUID' }),
  email: plainString().optional(),
  phone: plainString().optional(),
  firstName: name.optional(),
  lastName: name.nullable().optional(),
  replaces: z.object({ email: z.string().optional(), phone: z.string().optional() }).optional(),
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
  const replaces = {
    email: data.replaces?.email === undefined ? undefined : normalizeEmail(data.replaces.email),
    phone: data.replaces?.phone === undefined ? undefined : normalizePhone(data.replaces.phone, business.country),
  };
  const values = {
    ...data,
    email,
    phone,
    replaces: {
      email: replaces.email?.ok ? replaces.email.email : undefined,
      phone: replaces.phone?.ok ? replaces.phone.e164 : undefined,
    },
  };

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
  v: Omit<ContactDetails, 'email' | 'phone' | 'replaces'> & {
    email: string | undefined;
    phone: string | undefined;
    replaces: { email: string | undefined; phone: string | undefined };
  },
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
    await mergeContactInto(tx, contact, target, { ...v, lastName: v.lastName ?? undefined }, v.actor);
    return { contactId: target.id, outcome: 'merged' };
  }

  // A customer in a chat is not authenticated: on an established contact they may fill in what is missing, never
  // overwrite what the business already has (an agent or admin, actor 'user', may) — except a value this same chat
  // saved and the customer now corrects (`replaces`), and a name the contact was saved without (`nameUnknown`).
  let { email, phone, firstName, lastName } = v;
  if (v.actor.type === 'customer' && contact.status !== 'guest') {
    const existing = await tx.identifier.findMany({ where: { contactId: contact.id } });
    const held = (kind: 'email' | 'phone') => existing.find((i) => i.kind === kind)?.value;
    const mayReplace = async (kind: 'email' | 'phone', value: string) =>
      value === v.replaces[kind] && (await savedByThisChat(tx, contact, kind, value, v.actor));
    const heldEmail = held('email');
    if (heldEmail && !isGuestEmail(heldEmail) && !(await mayReplace('email', heldEmail))) email = undefined;
    const heldPhone = held('phone');
    if (heldPhone && !(await mayReplace('phone', heldPhone))) phone = undefined;
    if (!contact.nameUnknown) {
      if (contact.firstName) firstName = undefined;
      if (contact.lastName) lastName = undefined;
    }
  }
  // a name given in a chat replaces a pseudonym whole: "Sam" leaves no "Rapid Wren" behind
  const pseudonymous = contact.status === 'guest' || contact.nameUnknown;
  if (firstName && lastName === undefined && pseudonymous) lastName = null;
  if (!firstName) lastName = lastName === null ? undefined : lastName;
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
  const named = Boolean(firstName);
  const update = {
    ...(firstName ? { firstName } : {}),
    ...(lastName !== undefined && (lastName !== null || named) ? { lastName } : {}),
    ...(promoted ? { status: 'active' as const } : {}),
    // saved from a chat without a real name: marked until someone fills it in
    ...(promoted && !named ? { nameUnknown: true } : {}),
    ...(named && contact.nameUnknown ? { nameUnknown: false } : {}),
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

/** Did this same chat save that value (the audit says so)? Then its customer may correct it. */
async function savedByThisChat(
  tx: Tx,
  contact: { id: string; businessId: string },
  kind: 'email' | 'phone',
  value: string,
  actor: Actor,
): Promise<boolean> {
  if (actor.type !== 'customer' || !actor.conversationId) return false;
  const events = await tx.auditEvent.findMany({
    where: {
      businessId: contact.businessId,
      entityType: 'contact',
      entityId: contact.id,
      actorType: 'customer',
      actorId: actor.conversationId,
    },
    select: { changes: true },
  });
  return events.some((e) => {
    const change = (e.changes as Record<string, { to?: unknown } | undefined> | null)?.[kind];
    return change?.to === value;
  });
}
