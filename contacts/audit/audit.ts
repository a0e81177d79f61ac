// The audit trail: who changed what on a contact (or user, tag, business), old and new values, when.
// Identifiers are stored in full here (the audit table is the record); logs mask them.
import type { Prisma } from '../../prisma/index.ts';
import { actorColumns, type Actor } from '../shared/actor.ts';
import type { Tx } from '../shared/tx.ts';

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** The fields that differ between `before` and `after` (only keys present in `after`). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const [key, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const from = before[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to ?? null)) changes[key] = { from, to: to ?? null };
  }
  return changes;
}

export async function recordAudit(
  tx: Tx,
  input: {
    businessId: string;
    actor: Actor;
    entityType: 'contact' | 'user' | 'tag' | 'business';
    entityId: string;
    action: string;
    changes: Changes;
  },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      businessId: input.businessId,
      ...actorColumns(input.actor),
      entityType: input.entityType,
      entityId: input.entityId,
      action: input.action,
      changes: input.changes as Prisma.InputJsonValue,
    },
  });
}

export async function listAudit(tx: Tx, businessId: string, entityType: string, entityId: string) {
  const rows = await tx.auditEvent.findMany({
    where: { businessId, entityType, entityId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    actorType: r.actorType,
    actorId: r.actorId,
    changes: r.changes as Changes,
    createdAt: r.createdAt.toISOString(),
  }));
}
