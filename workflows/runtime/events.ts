// The runtime's live stream for the agents' console (SSE): queue changes and messages, per business.
import type { ConversationStatus } from '../conversation/index.ts';

export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound';
  author: 'customer' | 'ai' | 'agent' | 'system';
  agentId: string | null;
  /** the agent who wrote it, as the console shows them ("Sam Agent"); null for the customer, the AI and Baton */
  agentName: string | null;
  text: string;
  createdAt: string;
}

export type RuntimeEvent =
  | {
      type: 'conversation';
      businessId: string;
      conversationId: string;
      status: ConversationStatus;
      assignedAgentId: string | null;
      /** why the queue changed: handover, capture, followup, claimed, closed, opened */
      reason: string;
    }
  | { type: 'message'; businessId: string; conversationId: string; message: MessageView };
