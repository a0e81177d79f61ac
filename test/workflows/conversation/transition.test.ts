// The step's transition (pureTransition: xstate's pure `transition()` with its inert actor built once) against
// xstate's own, on random walks through the statechart: the same next snapshot, persisted snapshot and actions;
// ours stepping from the kept frozen copies of the snapshots (persistedCopy), theirs from the JSON as read.
import fc from 'fast-check';
import { transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  conversationMachine,
  persistedCopy,
  restoreConversation,
  startConversation,
  type ConversationEvent,
} from '../../../workflows/conversation/index.ts';
import { pureTransition } from '../../../workflows/conversation/step.ts';

const found = (value: string) => ({ status: 'found' as const, value });
const none = { status: 'none' as const };
const events: ConversationEvent[] = [
  { type: 'customer.message', text: 'hello' },
  { type: 'customer.message', text: 'I want a human', lang: 'en' },
  { type: 'customer.message', text: 'hola', lang: 'es' },
  { type: 'ai.replied', reply: { kind: 'reply', text: 'hi' } },
  { type: 'ai.replied', reply: { kind: 'handover', reason: 'ai_failed', text: 'finding a person' } },
  { type: 'ai.replied', reply: { kind: 'handover', reason: 'customer_asked', text: 'a person, then' } },
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

const plain = (actions: { type: string; params?: unknown }[]) =>
  actions.map((a) => ({ type: a.type, params: a.params }));

describe('pureTransition', () => {
  it('gives what xstate’s transition() gives, step after step', () => {
    let steps = 0;
    let changed = 0;
    fc.assert(
      fc.property(
        fc.record({
          channel: fc.constantFrom('webchat', 'emulator', 'whatsapp'),
          knownPhone: fc.constantFrom(null, '+447911123456'),
          askName: fc.boolean(),
          handoverTimeoutMs: fc.constantFrom(60_000, 120_000),
          inactivityTimeoutMs: fc.constantFrom(600_000, 3_600_000),
        }),
        fc.array(fc.constantFrom(...events), { minLength: 1, maxLength: 25 }),
        (input, walk) => {
          let json = JSON.stringify(startConversation(input).persisted);
          for (const event of walk) {
            // xstate's from the row as read; ours from the kept copy, restored once per copy (persistedCopy)
            const before = restoreConversation(JSON.parse(json));
            const [theirs, theirActions] = transition(conversationMachine, before, event);
            const [ours, ourActions] = pureTransition(restoreConversation(persistedCopy(json)), event);
            expect(ours.value).toEqual(theirs.value);
            expect(ours.context).toEqual(theirs.context);
            expect(ours.status).toBe(theirs.status);
            expect(ours.children).toEqual(theirs.children);
            const ourPersisted = conversationMachine.getPersistedSnapshot(ours);
            // the same keys and values (a row read from the database has its context's keys in the check's order)
            expect(ourPersisted).toEqual(conversationMachine.getPersistedSnapshot(theirs));
            expect(plain(ourActions)).toEqual(plain(theirActions));
            steps++;
            if (theirActions.length > 0) changed++;
            json = JSON.stringify(ourPersisted);
          }
        },
      ),
      { numRuns: 400 },
    );
    // the walks went somewhere
    expect(steps).toBeGreaterThan(2000);
    expect(changed).toBeGreaterThan(500);
  });
});
