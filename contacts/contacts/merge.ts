// Merging one contact (usually a guest) into another that turned out to be the same person: conversations and
// tags move to the target, the target's empty fields are filled, the source is deleted, both get an audit event.
// The target's own values are never overwritten: the details come from an unauthenticated chat.
import type { Contact } from '../../prisma/index.ts';
import type { Actor } from '../shared/actor.ts';
import { recordAudit, type Changes } from '../audit/index.ts';
import { isGuestEmail } from '../shared/email.ts';
import { identifierTaken, type IdentifierKind } from './identifiers.ts';
import type { Tx } from '../shared/tx.ts';

export interface MergeFill {
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export async function mergeContactInto(
  tx: Tx,
  source: Contact,
  target: Contact,
  fill: MergeFill,
  actor: Actor,
): Promise<void> {
  const businessId = target.businessId;
  const sourceIds = await tx.identifier.findMany({ where: { contactId: source.id } });
  const targetIds = await tx.identifier.findMany({ where: { contactId: target.id } });
  const targetHas = (kind: IdentifierKind) => targetIds.find((i) => i.kind === kind);
  const changes: Changes = { mergedContactId: { from: null, to: source.id } };

  // The source's real identifiers move over, unless the target already has a different one of that kind.
  for (const id of sourceIds) {
    if (id.kind === 'email' && isGuestEmail(id.value)) continue;
    const existing = targetHas(id.kind);
    if (existing) {
      throw identifierTaken(id.kind, {
        kind: target.status === 'archived' ? 'archived_contact' : 'contact',
        contactId: target.id,
      });
    }
  }
  await tx.identifier.deleteMany({ where: { contactId: source.id } });
  for (const id of sourceIds) {
    if (id.kind === 'email' && isGuestEmail(id.value)) continue;
    await tx.identifier.create({ data: { businessId, kind: id.kind, value: id.value, contactId: target.id } });
    changes[id.kind] = { from: null, to: id.value };
  }
  // Newly given identifiers the target lacks (one of them is the target's own: that is how it was found).
  for (const kind of ['email', 'phone'] as const) {
    const value = fill[kind];
    if (!value || targetHas(kind) || changes[kind]) continue;
    await tx.identifier.create({ data: { businessId, kind, value, contactId: target.id } });
    changes[kind] = { from: null, to: value };
  }

  const data: {
    firstName?: string;
    lastName?: string | null;
    nameUnknown?: boolean;
    status?: 'active';
    archivedAt?: null;
    assignedAgentId?: string;
  } = {};
  // a guest's (or a contact saved without a real name's) pseudonym is not a name worth carrying over
  const names =
    source.status === 'guest' || source.nameUnknown
      ? fill
      : {
          firstName: fill.firstName ?? source.firstName ?? undefined,
          lastName: fill.lastName ?? source.lastName ?? undefined,
        };
  if (target.nameUnknown && names.firstName) {
    data.firstName = names.firstName;
    data.lastName = names.lastName ?? null;
    data.nameUnknown = false;
  } else {
    if (!target.firstName && names.firstName) data.firstName = names.firstName;
    if (!target.lastName && names.lastName) data.lastName = names.lastName;
  }
  if (target.status !== 'active') {
    data.status = 'active';
    if (target.archivedAt) data.archivedAt = null;
  }
  if (!target.assignedAgentId && source.assignedAgentId) data.assignedAgentId = source.assignedAgentId;
  for (const [k, v] of Object.entries(data))
    changes[k] = { from: (target as Record<string, unknown>)[k] ?? null, to: v };
  if (Object.keys(data).length) await tx.contact.update({ where: { id: target.id }, data });

  const moved = await tx.conversation.updateMany({ where: { contactId: source.id }, data: { contactId: target.id } });
  const tags = await tx.contactTag.findMany({ where: { contactId: source.id } });
  if (tags.length) {
    await tx.contactTag.createMany({
      data: tags.map((t) => ({ contactId: target.id, tagId: t.tagId })),
      skipDuplicates: true,
    });
  }
  changes.conversationsMoved = { from: 0, to: moved.count };

  await recordAudit(tx, { businessId, actor, entityType: 'contact', entityId: target.id, action: 'merged', changes });
  await recordAudit(tx, {
    businessId,
    actor,
    entityType: 'contact',
    entityId: source.id,
    action: 'merged',
    changes: { mergedInto: { from: null, to: target.id }, status: { from: source.status, to: 'deleted' } },
  });
  await tx.contact.delete({ where: { id: source.id } });
}
