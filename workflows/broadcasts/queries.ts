// Reading broadcasts: the list, one with its counts by status, and its recipients page by page.
import { z } from 'zod';
import { DomainError, displayName } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';

export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'unknown'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export interface BroadcastView {
  id: string;
  message: string;
  tags: { id: string; name: string }[];
  matchAll: boolean;
  status: 'scheduled' | 'sending' | 'completed' | 'cancelled';
  scheduledAt: string;
  queuedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  /** recipients by status (all zero until it is queued) */
  counts: Record<RecipientStatus, number> & { total: number };
}

const emptyCounts = () =>
  Object.fromEntries([...RECIPIENT_STATUSES, 'total'].map((s) => [s, 0])) as BroadcastView['counts'];

type Row = {
  id: string;
  message: string;
  tagIds: string[];
  matchAll: boolean;
  status: BroadcastView['status'];
  scheduledAt: Date;
  queuedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  createdBy: { id: string; firstName: string; lastName: string } | null;
};

async function views(db: Database, businessId: string, rows: Row[]): Promise<BroadcastView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [counts, tags] = await Promise.all([
    db.prisma.broadcastRecipient.groupBy({
      by: ['broadcastId', 'status'],
      where: { broadcastId: { in: ids } },
      _count: { _all: true },
    }),
    db.prisma.tag.findMany({ where: { businessId, id: { in: [...new Set(rows.flatMap((r) => r.tagIds))] } } }),
  ]);
  return rows.map((r) => {
    const c = emptyCounts();
    for (const g of counts) {
      if (g.broadcastId !== r.id) continue;
      c[g.status] = g._count._all;
      c.total += g._count._all;
    }
    return {
      id: r.id,
      message: r.message,
      tags: r.tagIds.map((id) => ({ id, name: tags.find((t) => t.id === id)?.name ?? '(deleted tag)' })),
      matchAll: r.matchAll,
      status: r.status,
      scheduledAt: r.scheduledAt.toISOString(),
      queuedAt: r.queuedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      createdBy: r.createdBy
        ? { id: r.createdBy.id, name: `${r.createdBy.firstName} ${r.createdBy.lastName}`.trim() }
        : null,
      counts: c,
    };
  });
}

const select = {
  id: true,
  message: true,
  tagIds: true,
  matchAll: true,
  status: true,
  scheduledAt: true,
  queuedAt: true,
  finishedAt: true,
  createdAt: true,
  createdBy: { select: { id: true, firstName: true, lastName: true } },
} as const;

/** Newest first (the latest 100). */
export async function listBroadcasts(db: Database, businessId: string): Promise<BroadcastView[]> {
  const rows = await db.prisma.broadcast.findMany({
    where: { businessId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 100,
    select,
  });
  return views(db, businessId, rows);
}

export async function getBroadcast(db: Database, businessId: string, id: string): Promise<BroadcastView> {
  if (!z.uuid().safeParse(id).success) throw new DomainError('NOT_FOUND', 'no such broadcast');
  const row = await db.prisma.broadcast.findFirst({ where: { id, businessId }, select });
  if (!row) throw new DomainError('NOT_FOUND', 'no such broadcast');
  return (await views(db, businessId, [row]))[0]!;
}

export const recipientsQuery = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional(),
  cursor: z.uuid().optional().describe('the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface RecipientView {
  id: string;
  contact: { id: string; displayName: string };
  channel: string | null;
  status: RecipientStatus;
  reason: string | null;
  sentAt: string | null;
  updatedAt: string;
}

export async function listRecipients(
  db: Database,
  businessId: string,
  broadcastId: string,
  query: z.output<typeof recipientsQuery>,
): Promise<{ items: RecipientView[]; nextCursor: string | null }> {
  await getBroadcast(db, businessId, broadcastId);
  const rows = await db.prisma.broadcastRecipient.findMany({
    where: {
      broadcastId,
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor ? { id: { gt: query.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: query.limit + 1,
    include: { contact: { select: { id: true, firstName: true, middleName: true, lastName: true } } },
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      contact: { id: r.contact.id, displayName: displayName(r.contact) },
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      sentAt: r.sentAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
