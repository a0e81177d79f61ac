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

const dataJsons = new WeakMap<RuntimeEvent, string>();

/**
 * The event's fields but its type and its business, as JSON, made once per event: the console's stream sends it as
 * is (bot/http/event-stream.ts) and the relay wraps it (relay-queue.ts eventJson), so an event is serialised once.
 */
export function eventDataJson(event: RuntimeEvent): string {
  let json = dataJsons.get(event);
  if (json === undefined) {
    const { type: _type, businessId: _businessId, ...data } = event;
    json = JSON.stringify(data);
    dataJsons.set(event, json);
  }
  return json;
}
