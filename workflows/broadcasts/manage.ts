// Writing broadcasts: the audience preview, creating one (now or at a chosen time), cancelling one.
import { z } from 'zod';
import {
  DomainError,
  getContactCard,
  lineText,
  listTags,
  multilineText,
  validationError,
} from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import { countAudience, sampleRecipient, type AudienceCounts, type AudienceFilter } from './audience.ts';
import { parseTemplate, renderTemplate } from './template.ts';

export const audienceInput = z.object({
  tags: z.array(lineText(100).min(1)).min(1, 'choose at least one tag').max(50).describe('tag ids or names'),
  matchAll: z.boolean().default(false).describe('contacts having every tag (true) or any of them (false)'),
});

export const broadcastInput = audienceInput.extend({
  message: multilineText(4000)
    .min(1, 'write a message')
    .describe('plain text; {{firstName}}, {{firstName|fallback}}, {{lastName}}, {{fullName}}, {{businessName}}…'),
  at: z.iso.datetime({ offset: true }).optional().describe('send at this time (ISO 8601); now when absent'),
});
export type BroadcastInput = z.input<typeof broadcastInput>;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export const previewInput = audienceInput.extend({ message: broadcastInput.shape.message.optional() });

/** Tag ids for tag ids or names (case-insensitive); VALIDATION_FAILED naming `tags` for an unknown one. */
async function resolveTags(db: Database, businessId: string, tags: string[]): Promise<string[]> {
  const all = await listTags(db, businessId);
  return [
    ...new Set(
      tags.map((t) => {
        const found = all.find((x) => x.id === t || x.name.toLowerCase() === t.toLowerCase());
        if (!found) throw new DomainError('VALIDATION_FAILED', `tags: no tag "${t}"`, 'tags');
        return found.id;
      }),
    ),
  ];
}

export interface AudiencePreview extends AudienceCounts {
  /** the message as one real recipient would get it */
  preview: { contactId: string; name: string; text: string } | null;
}

export async function previewAudience(
  db: Database,
  businessId: string,
  input: z.input<typeof previewInput>,
  whatsapp: boolean,
): Promise<AudiencePreview> {
  const q = parse(previewInput, input);
  const parts = q.message ? parseTemplate(q.message) : null;
  const filter: AudienceFilter = {
    businessId,
    tagIds: await resolveTags(db, businessId, q.tags),
    matchAll: q.matchAll,
  };
  const counts = await countAudience(db, filter, whatsapp);
  let preview: AudiencePreview['preview'] = null;
  const sample = parts ? await sampleRecipient(db, filter, whatsapp) : null;
  if (parts && sample) {
    const c = await getContactCard(db, businessId, sample);
    preview = { contactId: c.id, name: c.displayName, text: renderTemplate(parts, c) };
  }
  return { ...counts, preview };
}

export async function createBroadcast(
  db: Database,
  businessId: string,
  input: BroadcastInput,
  createdById: string | null,
  now = new Date(),
): Promise<{ id: string }> {
  const q = parse(broadcastInput, input);
  parseTemplate(q.message);
  const scheduledAt = q.at ? new Date(q.at) : now;
  const tagIds = await resolveTags(db, businessId, q.tags);
  const b = await db.prisma.broadcast.create({
    data: { businessId, createdById, message: q.message, tagIds, matchAll: q.matchAll, scheduledAt },
    select: { id: true },
  });
  return b;
}

/** Cancels a broadcast that has not finished: the recipients still queued are marked cancelled. */
export async function cancelBroadcast(db: Database, businessId: string, id: string, now = new Date()): Promise<void> {
  if (!z.uuid().safeParse(id).success) throw new DomainError('NOT_FOUND', 'no such broadcast');
  await db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ status: string }[]>`
      SELECT status::text FROM "Broadcast" WHERE id = ${id}::uuid AND "businessId" = ${businessId}::uuid FOR UPDATE`;
    const b = rows[0];
    if (!b) throw new DomainError('NOT_FOUND', 'no such broadcast');
    if (b.status === 'completed' || b.status === 'cancelled')
      throw new DomainError('CONFLICT', `this broadcast is already ${b.status}`);
    await tx.broadcast.update({ where: { id }, data: { status: 'cancelled', cancelledAt: now, finishedAt: now } });
    await tx.broadcastRecipient.updateMany({
      where: { broadcastId: id, status: 'queued' },
      data: { status: 'cancelled', reason: 'the broadcast was cancelled', updatedAt: now },
    });
  });
}
