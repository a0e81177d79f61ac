// Who may do what to a conversation, checked inside the event's transaction after its row lock (so two agents
// racing see each other's outcome). Each returns a `before` hook for the runtime's dispatch; throwing refuses.
import { DomainError } from '../../contacts/index.ts';
import type { Prisma } from '../../prisma/index.ts';
import type { LockedConversation } from './store.ts';

type Tx = Prisma.TransactionClient;
export type StaffRole = 'admin' | 'agent';

const closed = () => new DomainError('CONFLICT', 'this conversation is closed');

/** Claiming, replying, typing: refused when closed or when another agent holds it. */
export function refuseOthers(agentUserId: string) {
  return async (_tx: Tx, conv: LockedConversation): Promise<void> => {
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
  return async (tx: Tx, conv: LockedConversation): Promise<void> => {
    if (conv.status === 'closed') throw closed();
    const target = await tx.user.findFirst({
      where: { id: toAgentId, businessId: conv.businessId, active: true },
      select: { id: true },
    });
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

/** Reopening: only a closed conversation, and not when the customer has opened a newer one on the same channel. */
export function mayReopen() {
  return async (tx: Tx, conv: LockedConversation): Promise<void> => {
    if (conv.status !== 'closed') throw new DomainError('CONFLICT', 'this conversation is not closed');
    const row = await tx.conversation.findUniqueOrThrow({
      where: { id: conv.id },
      select: { channelConversationId: true },
    });
    const newer = await tx.conversation.findFirst({
      where: {
        businessId: conv.businessId,
        channel: conv.channel,
        channelConversationId: row.channelConversationId,
        status: { not: 'closed' },
        id: { not: conv.id },
      },
      select: { id: true },
    });
    if (newer) {
      throw new DomainError('CONFLICT', 'the customer has written again: their newer conversation is open', undefined, {
        conversationId: newer.id,
      });
    }
  };
}
