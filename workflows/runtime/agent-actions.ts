// What an agent does to a conversation from the console: claim it, write to the customer, close it, transfer it,
// reopen it, show that they are typing. Who may do what is checked in agent-guards.ts, after the row lock.
import { DomainError } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import type { ConversationEvent, ConversationStatus } from '../conversation/index.ts';
import type { TypingTarget } from '../contracts.ts';
import { mayReopen, mayTransfer, refuseOthers, type StaffRole } from './agent-guards.ts';
import type { DispatchOptions } from './dispatch.ts';
import type { RunEvent } from './effect-loop.ts';
import { OPEN_CONVERSATION_INDEX, newerOpenConversation } from './open-conversation.ts';
import { conversationState } from './store.ts';
import { agentTypingTarget } from './typing.ts';
import { parseAgentText } from './validation.ts';

export interface AgentActions {
  claim(conversationId: string, agentUserId: string): Promise<ConversationStatus>;
  agentMessage(conversationId: string, agentUserId: string, text: string): Promise<ConversationStatus>;
  close(conversationId: string, agentUserId: string | null): Promise<ConversationStatus>;
  transfer(
    conversationId: string,
    by: { userId: string; role: StaffRole },
    toAgentId: string,
  ): Promise<ConversationStatus>;
  reopen(conversationId: string, agentUserId: string): Promise<ConversationStatus>;
  typing(conversationId: string, agentUserId: string): Promise<void>;
}

export function createAgentActions(deps: {
  db: Database;
  run: RunEvent;
  /** shows a typing indicator on the conversation's channel (never throws) */
  showTyping: (target: TypingTarget) => Promise<void>;
}): AgentActions {
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
    transfer: (conversationId, by, toAgentId) =>
      act(conversationId, { type: 'agent.transferred', agentId: toAgentId }, { before: mayTransfer(by, toAgentId) }),
    reopen: async (conversationId, agentId) => {
      try {
        return await act(conversationId, { type: 'agent.reopened', agentId }, { before: mayReopen() });
      } catch (e) {
        if (!isOpenConversationTaken(e)) throw e;
        const newer = await newerOpenConversation(deps.db, conversationId);
        throw new DomainError(
          'CONFLICT',
          'the customer has written again: their newer conversation is open',
          undefined,
          {
            conversationId: newer,
          },
        );
      }
    },
    typing: async (conversationId, agentId) =>
      deps.showTyping(await agentTypingTarget(deps.db, conversationId, agentId)),
  };
}

/** The step's write met the customer's newer open conversation on the index (one open per channel conversation). */
const isOpenConversationTaken = (e: unknown): boolean => {
  const err = e as { code?: unknown; constraint?: unknown } | null;
  return err?.code === '23505' && err.constraint === OPEN_CONVERSATION_INDEX;
};
