// Who may do what to a conversation, checked inside the event's transaction after its row lock (so two agents
// racing see each other's outcome). Each returns a `before` hook for the runtime's dispatch; throwing refuses.
import { DomainError } from '../../contacts/index.ts';
import type { Sql } from '../../prisma/index.ts';
import type { LockedConversation } from './store.ts';
export type StaffRole = 'admin' | 'agent';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const closed = () => new DomainError('CONFLICT', 'this conversation is closed');

/** Claiming, replying, typing: refused when closed or when another agent holds it. */
export function refuseOthers(agentUserId: string) {
  return async (_tx: Sql, conv: LockedConversation): Promise<void> => {
    if (conv.status === 'closed') throw closed();
    if (conv.status === 'human' && conv.assignedAgentId !== agentUserId) {
      throw new DomainError('CONFLICT', 'another agent has already claimed this conversation', undefined, {
        claimedBy: conv.assignedAgentId,
      });
    }
  };
}

/**
 * Transfer to `toAgentId` (an active agent or admin of the conversation's business, else NOT_FOUND). An agent may
 * transfer what they hold or what nobody holds; an admin any open conversation (taking over = to themselves).
 */
export function mayTransfer(by: { userId: string; role: StaffRole }, toAgentId: string) {
  return async (tx: Sql, conv: LockedConversation): Promise<void> => {
    if (conv.status === 'closed') throw closed();
    const [target] = UUID.test(toAgentId)
      ? await tx.query(`SELECT 1 AS found FROM "User" WHERE id = $1::uuid AND "businessId" = $2::uuid AND active`, [
          toAgentId,
          conv.businessId,
        ])
      : [];
    if (!target) throw new DomainError('NOT_FOUND', 'no such agent', 'agentId');
    if (by.role !== 'admin' && conv.status === 'human' && conv.assignedAgentId !== by.userId) {
      throw new DomainError(
        'CONFLICT',
        'another agent has this conversation; only an admin can transfer it',
        undefined,
        {
          claimedBy: conv.assignedAgentId,
        },
      );
    }
  };
}

/**
 * Reopening: only a closed conversation. Not when the customer has opened a newer one on the same channel either: the
 * unique index on the open conversation of a channel conversation refuses the step's write then, however the two
 * race (agent-actions.ts tells it as CONFLICT).
 */
export function mayReopen() {
  return async (_tx: Sql, conv: LockedConversation): Promise<void> => {
    if (conv.status !== 'closed') throw new DomainError('CONFLICT', 'this conversation is not closed');
  };
}
