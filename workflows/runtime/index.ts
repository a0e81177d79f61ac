// The durable conversation runtime and the queries behind the agents' conversations API.
export { createConversationRuntime } from './runtime.ts';
export type { ConversationRuntime, ConversationRuntimeOptions, InboundResult } from './runtime.ts';
export type { RuntimeEvent, MessageView } from './events.ts';
export { eventDataJson } from './events.ts';
export { localInstanceId, isGoneLocally } from './instance.ts';
export {
  listConversations,
  getConversation,
  assertConversationOf,
  conversationQueues,
  countConversations,
  listContactConversations,
} from './queries.ts';
export type { ConversationQueue, ConversationSummary, ConversationDetail, ConversationCounts } from './queries.ts';
export type { StaffRole } from './agent-guards.ts';
