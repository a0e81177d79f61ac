// An agent typing a reply: the customer sees a typing indicator (only while someone types — the console calls
// this every few seconds while the agent types, and the channel's indicator lapses on its own).
import { DomainError } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { TypingTarget } from '../contracts.ts';
import { shownNameOf } from './agent-names.ts';

/** Where the indicator goes; CONFLICT when the conversation is closed or another agent holds it. */
export async function agentTypingTarget(
  db: Database,
  conversationId: string,
  agentUserId: string,
): Promise<TypingTarget> {
  const conv = await db.prisma.conversation.findUnique({
    where: { id: conversationId },
    select: { id: true, channel: true, reference: true, status: true, assignedAgentId: true },
  });
  if (!conv) throw new DomainError('NOT_FOUND', 'no such conversation');
  if (conv.status === 'closed') throw new DomainError('CONFLICT', 'this conversation is closed');
  if (conv.status === 'human' && conv.assignedAgentId !== agentUserId)
    throw new DomainError('CONFLICT', 'another agent has already claimed this conversation');
  return {
    conversationId: conv.id,
    channel: conv.channel,
    reference: (conv.reference ?? {}) as Record<string, unknown>,
    agentName: await shownNameOf(db, agentUserId),
  };
}
