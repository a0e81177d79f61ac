// Tag definitions (admins, under settings): create, rename, delete. "VIP" and " vip" are one tag (nameKey).
// Deleting a tag removes it from its contacts, each of which gets an audit event.
import { z } from 'zod';
import type { Database } from '../../prisma/index.ts';
import type { Actor } from '../shared/actor.ts';
import { actorColumns } from '../shared/actor.ts';
import { recordAudit } from '../audit/index.ts';
import { DomainError } from '../shared/errors.ts';
import { isUniqueViolation } from '../shared/tx.ts';
import { lineText } from '../text/index.ts';
import { parseOrThrow } from '../shared/validation.ts';

export const tagNameSchema = lineText(50)
  .min(1, 'must not be empty')
  .transform((s) => s.replace(/\s+/g, ' '));

export interface TagView {
  id: string;
  name: string;
  contactCount: number;
}

const nameKey = (name: string) => name.toLowerCase();

export async function listTags(db: Database, businessId: string): Promise<TagView[]> {
  const tags = await db.prisma.tag.findMany({
    where: { businessId },
    orderBy: { nameKey: 'asc' },
    include: { _count: { select: { contacts: true } } },
  });
  return tags.map((t) => ({ id: t.id, name: t.name, contactCount: t._count.contacts }));
}

const duplicate = (name: string) => new DomainError('CONFLICT', `a tag named "${name}" already exists`, 'name');

export async function createTag(db: Database, businessId: string, name: string, actor: Actor): Promise<TagView> {
  const clean = parseOrThrow(tagNameSchema, name);
  try {
    return await db.prisma.$transaction(async (tx) => {
      const t = await tx.tag.create({ data: { businessId, name: clean, nameKey: nameKey(clean) } });
      await recordAudit(tx, {
        businessId,
        actor,
        entityType: 'tag',
        entityId: t.id,
        action: 'created',
        changes: { name: { from: null, to: clean } },
      });
      return { id: t.id, name: t.name, contactCount: 0 };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate(clean);
    throw e;
  }
}

async function loadTag(db: Database, businessId: string, tagId: string) {
  const t = z.uuid().safeParse(tagId).success
    ? await db.prisma.tag.findFirst({ where: { id: tagId, businessId } })
    : null;
  if (!t) throw new DomainError('NOT_FOUND', 'no such tag');
  return t;
}

export async function renameTag(
  db: Database,
  businessId: string,
  tagId: string,
  name: string,
  actor: Actor,
): Promise<TagView> {
  const clean = parseOrThrow(tagNameSchema, name);
  const before = await loadTag(db, businessId, tagId);
  try {
    await db.prisma.$transaction(async (tx) => {
      await tx.tag.update({ where: { id: tagId }, data: { name: clean, nameKey: nameKey(clean) } });
      await recordAudit(tx, {
        businessId,
        actor,
        entityType: 'tag',
        entityId: tagId,
        action: 'renamed',
        changes: { name: { from: before.name, to: clean } },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate(clean);
    throw e;
  }
  return (await listTags(db, businessId)).find((t) => t.id === tagId)!;
}

/** Deletes the tag; it disappears from every contact that had it (each gets an `untagged` audit event). */
export async function deleteTag(
  db: Database,
  businessId: string,
  tagId: string,
  actor: Actor,
): Promise<{ removedFromContacts: number }> {
  const tag = await loadTag(db, businessId, tagId);
  return db.prisma.$transaction(async (tx) => {
    const links = await tx.contactTag.findMany({ where: { tagId }, select: { contactId: true } });
    if (links.length) {
      await tx.auditEvent.createMany({
        data: links.map((l) => ({
          businessId,
          ...actorColumns(actor),
          entityType: 'contact',
          entityId: l.contactId,
          action: 'untagged',
          changes: { tags: { removed: tag.name, reason: 'tag deleted' } },
        })),
      });
    }
    await tx.tag.delete({ where: { id: tagId } });
    await recordAudit(tx, {
      businessId,
      actor,
      entityType: 'tag',
      entityId: tagId,
      action: 'deleted',
      changes: { name: { from: tag.name, to: null } },
    });
    return { removedFromContacts: links.length };
  });
}
