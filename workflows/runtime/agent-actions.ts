// What an agent does to a conversation from the console: claim it, write to the customer, close it.
import { DomainError } from '../../contacts/index.ts';
import type { Database, Prisma } from '../../prisma/index.ts';
import type { ConversationEvent, ConversationStatus } from '../conversation/index.ts';
import type { DispatchOptions } from './dispatch.ts';
import type { RunEvent } from './effect-loop.ts';
import { conversationState, type LockedConversation } from './store.ts';
import { parseAgentText } from './validation.ts';

type Tx = Prisma.TransactionClient;

export interface AgentActions {
  claim(conversationId: string, agentUserId: string): Promise<ConversationStatus>;
  agentMessage(conversationId: string, agentUserId: string, text: string): Promise<ConversationStatus>;
  close(conversationId: string, agentUserId: string | null): Promise<ConversationStatus>;
}

export function createAgentActions(deps: { db: Database; run: RunEvent }): AgentActions {
  /** The status after the event: the step's, or the row's when the event was dropped. */
  const act = async (conversationId: string, event: ConversationEvent, opts: DispatchOptions = {}) => {
    const c = await deps.run(conversationId, event, opts);
    if (c) return c.status;
    const row = await conversationState(deps.db, conversationId);
    if (!row) throw new DomainError('NOT_FOUND', 'no such conversation');
    return row.status;
  };
  return {
    claim: (conversationId, agentId) =>
      act(conversationId, { type: 'agent.claimed', agentId }, { before: refuseOthers(agentId) }),
    agentMessage: (conversationId, agentId, text) =>
      act(
        conversationId,
        { type: 'agent.message', agentId, text: parseAgentText(text) },
        { before: refuseOthers(agentId) },
      ),
    close: (conversationId, agentId) => act(conversationId, { type: 'agent.closed', agentId }),
  };
}

/** CONFLICT when the conversation is closed, or another agent claimed it. */
function refuseOthers(agentUserId: string) {
  return async (_tx: Tx, conv: LockedConversation) => {
    if (conv.status === 'closed') throw new DomainError('CONFLICT', 'this conversation is closed');
    if (conv.status === 'human' && conv.assignedAgentId !== agentUserId) {
      throw new DomainError('CONFLICT', 'another agent has already claimed this conversation', undefined, {
        claimedBy: conv.assignedAgentId,
      });
    }
  };
}
