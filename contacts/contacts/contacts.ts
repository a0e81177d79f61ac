// Adding, editing, archiving and restoring contacts by hand; tags on a contact; assignment to an agent.
// Every change is audited (who, which fields, old and new values). Identifier refusals: IDENTIFIER_TAKEN.
import { z } from 'zod';
import type { Database } from '../../prisma/index.ts';
import type { Actor } from '../shared/actor.ts';
import { diff, listAudit, recordAudit } from '../audit/index.ts';
import {
  addressColumns,
  contactPatchSchema,
  newContactSchema,
  type ContactPatch,
  type NewContact,
} from './contact-fields.ts';
import { isGuestEmail, normalizeEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';
import { explainUniqueViolation, setIdentifier } from './identifiers.ts';
import { normalizePhone } from '../shared/phone.ts';
import { getContactCard, type ContactCard } from './queries.ts';
import { isUniqueViolation, type Tx } from '../shared/tx.ts';
import { parseOrThrow } from '../shared/validation.ts';
import { identifierValue } from './identifier-value.ts';

type Identifiers = { phone?: string | null; email?: string | null };

/** Normalises phone (in the business's country) and email; null (remove) and absent (keep) pass through. */
export function normalizeIdentifiers(
  country: string,
  input: { phone?: string | null | undefined; email?: string | null | undefined },
): Identifiers {
  const out: Identifiers = {};
  if (input.phone === null || input.phone?.trim() === '') out.phone = null;
  else if (input.phone !== undefined) {
    const r = normalizePhone(input.phone, country);
    if (!r.ok) throw new DomainError('VALIDATION_FAILED', r.message, 'phone', { reason: r.reason });
    out.phone = r.e164;
  }
  if (input.email === null || input.email?.trim() === '') out.email = null;
  else if (input.email !== undefined) {
    const r = normalizeEmail(input.email);
    if (!r.ok) throw new DomainError('VALIDATION_FAILED', r.message, 'email');
    out.email = r.email;
  }
  return out;
}

async function businessCountry(db: Database, businessId: string): Promise<string> {
  const b = await db.prisma.business.findUnique({ where: { id: businessId }, select: { country: true } });
  if (!b) throw new DomainError('NOT_FOUND', 'no such business');
  return b.country;
}

/** Runs a write; a unique violation from a racing writer becomes IDENTIFIER_TAKEN naming the identifier. */
async function withIdentifiers<T>(
  db: Database,
  businessId: string,
  ids: Identifiers,
  self: { contactId?: string; userId?: string },
  write: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await db.prisma.$transaction(write);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const explained = await explainUniqueViolation(
      db.prisma,
      businessId,
      [
        { kind: 'phone', value: ids.phone },
        { kind: 'email', value: ids.email },
      ],
      self,
    );
    throw explained ?? e;
  }
}

export async function createContact(
  db: Database,
  businessId: string,
  input: NewContact,
  actor: Actor,
): Promise<ContactCard> {
  const data = parseOrThrow(newContactSchema, input);
  const ids = normalizeIdentifiers(await businessCountry(db, businessId), data);
  const { phone: _p, email: _e, address, billingAddress, ...fields } = data;
  const id = await withIdentifiers(db, businessId, ids, {}, async (tx) => {
    const c = await tx.contact.create({
      data: {
        businessId,
        status: 'active',
        channel: actor.type === 'import' ? 'import' : 'manual',
        ...fields,
        ...addressColumns('address', address),
        ...addressColumns('billingAddress', billingAddress),
      },
    });
    await setIdentifier(tx, businessId, { contactId: c.id }, 'phone', ids.phone ?? undefined);
    await setIdentifier(tx, businessId, { contactId: c.id }, 'email', ids.email ?? undefined);
    const changes = diff(
      {},
      {
        status: 'active',
        ...fields,
        ...addressColumns('address', address),
        ...addressColumns('billingAddress', billingAddress),
        ...ids,
      },
    );
    await recordAudit(tx, { businessId, actor, entityType: 'contact', entityId: c.id, action: 'created', changes });
    return c.id;
  });
  return getContactCard(db, businessId, id);
}

async function loadContact(tx: Tx, businessId: string, contactId: string) {
  if (!z.uuid().safeParse(contactId).success) throw new DomainError('NOT_FOUND', 'no such contact');
  const c = await tx.contact.findFirst({ where: { id: contactId, businessId }, include: { identifiers: true } });
  if (!c) throw new DomainError('NOT_FOUND', 'no such contact');
  return c;
}

/** Edits a contact (also an archived one: that is how its number is freed). */
export async function updateContact(
  db: Database,
  businessId: string,
  contactId: string,
  patch: ContactPatch,
  actor: Actor,
): Promise<ContactCard> {
  const data = parseOrThrow(contactPatchSchema, patch);
  const ids = normalizeIdentifiers(await businessCountry(db, businessId), data);
  const { phone: _p, email: _e, address, billingAddress, ...fields } = data;
  await withIdentifiers(db, businessId, ids, { contactId }, async (tx) => {
    const before = await loadContact(tx, businessId, contactId);
    const owner = { contactId };
    const beforeIds = {
      phone: identifierValue(before.identifiers, 'phone'),
      email: identifierValue(before.identifiers, 'email'),
    };
    await setIdentifier(tx, businessId, owner, 'phone', ids.phone);
    await setIdentifier(tx, businessId, owner, 'email', ids.email);
    const after = {
      phone: ids.phone === undefined ? beforeIds.phone : ids.phone,
      email: ids.email === undefined ? beforeIds.email : ids.email,
    };
    if (before.status === 'active' && !after.phone && !after.email && (ids.phone === null || ids.email === null)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'an active contact needs a phone number or an email',
        ids.phone === null ? 'phone' : 'email',
      );
    }
    const columns: Record<string, unknown> = {
      ...fields,
      ...addressColumns('address', address),
      ...addressColumns('billingAddress', billingAddress),
    };
    // Someone filling in a name ends "Name unknown": the names are now real.
    const named = 'firstName' in fields || 'lastName' in fields || 'middleName' in fields;
    if (named && before.nameUnknown) columns.nameUnknown = false;
    // Real details saved against a guest make it an active contact; its pseudonymous email goes.
    const promoted = before.status === 'guest' && (Object.keys(columns).length > 0 || Boolean(ids.phone || ids.email));
    const changedIds: Identifiers = { ...ids };
    if (promoted) {
      columns.status = 'active';
      if (ids.email === undefined && beforeIds.email && isGuestEmail(beforeIds.email)) {
        await setIdentifier(tx, businessId, owner, 'email', null);
        changedIds.email = null;
      }
    }
    if (Object.keys(columns).length) await tx.contact.update({ where: { id: contactId }, data: columns });
    const changes = diff({ ...before, ...beforeIds }, { ...columns, ...changedIds });
    if (Object.keys(changes).length) {
      await recordAudit(tx, {
        businessId,
        actor,
        entityType: 'contact',
        entityId: contactId,
        action: promoted ? 'promoted' : 'updated',
        changes,
      });
    }
  });
  return getContactCard(db, businessId, contactId);
}

/** Deleting archives: the contact leaves the default list but keeps its identifiers. */
export async function archiveContact(
  db: Database,
  businessId: string,
  contactId: string,
  actor: Actor,
): Promise<ContactCard> {
  await db.prisma.$transaction(async (tx) => {
    const c = await loadContact(tx, businessId, contactId);
    if (c.status === 'archived') return;
    await tx.contact.update({ where: { id: contactId }, data: { status: 'archived', archivedAt: new Date() } });
    await recordAudit(tx, {
      businessId,
      actor,
      entityType: 'contact',
      entityId: contactId,
      action: 'archived',
      changes: { status: { from: c.status, to: 'archived' } },
    });
  });
  return getContactCard(db, businessId, contactId);
}

export async function restoreContact(
  db: Database,
  businessId: string,
  contactId: string,
  actor: Actor,
): Promise<ContactCard> {
  await db.prisma.$transaction(async (tx) => {
    const c = await loadContact(tx, businessId, contactId);
    if (c.status !== 'archived') throw new DomainError('CONFLICT', 'the contact is not archived');
    await tx.contact.update({ where: { id: contactId }, data: { status: 'active', archivedAt: null } });
    await recordAudit(tx, {
      businessId,
      actor,
      entityType: 'contact',
      entityId: contactId,
      action: 'restored',
      changes: { status: { from: 'archived', to: 'active' } },
    });
  });
  return getContactCard(db, businessId, contactId);
}

/** Replaces the contact's tags. Unknown ids (or another business's) are NOT_FOUND naming the field. */
export async function setContactTags(
  db: Database,
  businessId: string,
  contactId: string,
  tagIds: string[],
  actor: Actor,
): Promise<ContactCard> {
  const wanted = [...new Set(parseOrThrow(z.array(z.uuid({ error: 'must be tag ids' })).max(100), tagIds))];
  await db.prisma.$transaction(async (tx) => {
    await loadContact(tx, businessId, contactId);
    const tags = await tx.tag.findMany({ where: { businessId, id: { in: wanted } } });
    if (tags.length !== wanted.length) throw new DomainError('NOT_FOUND', 'no such tag', 'tagIds');
    const current = await tx.contactTag.findMany({ where: { contactId }, include: { tag: true } });
    const currentIds = new Set(current.map((t) => t.tagId));
    const toAdd = wanted.filter((id) => !currentIds.has(id));
    const toRemove = current.filter((t) => !wanted.includes(t.tagId)).map((t) => t.tagId);
    if (!toAdd.length && !toRemove.length) return;
    await tx.contactTag.deleteMany({ where: { contactId, tagId: { in: toRemove } } });
    await tx.contactTag.createMany({ data: toAdd.map((tagId) => ({ contactId, tagId })), skipDuplicates: true });
    const names = (list: { name: string }[]) => list.map((t) => t.name).sort();
    await recordAudit(tx, {
      businessId,
      actor,
      entityType: 'contact',
      entityId: contactId,
      action: 'tagged',
      changes: { tags: { from: names(current.map((t) => t.tag)), to: names(tags) } },
    });
  });
  return getContactCard(db, businessId, contactId);
}

/** Assigns the contact to an active user (agent or admin) of the same business, or (null) unassigns it. */
export async function assignContact(
  db: Database,
  businessId: string,
  contactId: string,
  agentId: string | null,
  actor: Actor,
): Promise<ContactCard> {
  await db.prisma.$transaction(async (tx) => {
    const c = await loadContact(tx, businessId, contactId);
    if (agentId !== null) {
      const agent = z.uuid().safeParse(agentId).success
        ? await tx.user.findFirst({ where: { id: agentId, businessId } })
        : null;
      if (!agent) throw new DomainError('NOT_FOUND', 'no such agent', 'agentId');
      if (!agent.active) throw new DomainError('VALIDATION_FAILED', 'the agent is deactivated', 'agentId');
    }
    if (c.assignedAgentId === agentId) return;
    await tx.contact.update({ where: { id: contactId }, data: { assignedAgentId: agentId } });
    await recordAudit(tx, {
      businessId,
      actor,
      entityType: 'contact',
      entityId: contactId,
      action: 'assigned',
      changes: { assignedAgentId: { from: c.assignedAgentId, to: agentId } },
    });
  });
  return getContactCard(db, businessId, contactId);
}

export async function getContactAudit(db: Database, businessId: string, contactId: string) {
  await loadContact(db.prisma, businessId, contactId);
  return listAudit(db.prisma, businessId, 'contact', contactId);
}
