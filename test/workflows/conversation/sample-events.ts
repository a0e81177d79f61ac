// Events of every kind the conversation machine takes, for the tests that walk it (never-stuck, pure-step).
import type { ConversationEvent } from '../../../workflows/conversation/index.ts';

const found = (value: string) => ({ status: 'found' as const, value });
const none = { status: 'none' as const };

/** One of each (the graph walk of never-stuck.test.ts explores every state they reach). */
export const sampleEvents: readonly ConversationEvent[] = [
  { type: 'customer.message', text: 'hello' },
  { type: 'ai.replied', reply: { kind: 'reply', text: 'hi' } },
  { type: 'ai.replied', reply: { kind: 'handover', reason: 'ai_failed', text: 'finding a person' } },
  { type: 'handover.timeout', key: 'handover:1' },
  { type: 'handover.timeout', key: 'handover:2' },
  { type: 'inactivity.timeout', key: 'inactivity' },
  {
    type: 'details.extracted',
    extraction: { email: found('j@example.com'), phone: found('+447911123456'), declined: false },
  },
  { type: 'details.extracted', extraction: { email: found('j@example.com'), phone: none, declined: false } },
  { type: 'details.extracted', extraction: { email: none, phone: none, declined: true } },
  { type: 'details.extracted', extraction: { email: none, phone: none, declined: false } },
  { type: 'details.saved', email: 'j@example.com', phone: '+447911123456', outcome: 'updated' },
  { type: 'details.refused', field: 'email' },
  { type: 'details.failed', reason: 'gave up' },
  { type: 'agent.claimed', agentId: 'a1' },
  { type: 'agent.message', agentId: 'a1', text: 'Sam here' },
  { type: 'agent.closed', agentId: 'a1' },
  { type: 'agent.transferred', agentId: 'a2' },
  { type: 'agent.reopened', agentId: 'a1' },
];

/** Variants of some (languages, another handover reason, a read with its text, a promotion, a close by nobody). */
export const eventVariants: readonly ConversationEvent[] = [
  { type: 'customer.message', text: 'I want a human', lang: 'en' },
  { type: 'customer.message', text: 'hola', lang: 'es' },
  { type: 'ai.replied', reply: { kind: 'handover', reason: 'customer_asked', text: 'a person, then' } },
  { type: 'details.extracted', extraction: { email: none, phone: none, declined: false }, text: 'what?' },
  { type: 'details.saved', email: 'j@example.com', phone: null, outcome: 'promoted' },
  { type: 'agent.closed', agentId: null },
];
