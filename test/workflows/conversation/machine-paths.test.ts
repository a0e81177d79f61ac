// Walks the whole conversation statechart with xstate/graph instead of a few hand-picked paths.
import { transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { conversationMachine, type ConversationEvent } from '../../../workflows/conversation/index.ts';

const events: ConversationEvent[] = [
  { type: 'customer.message', text: 'hi' },
  { type: 'ai.replied', reply: { kind: 'reply', text: 'hello' } },
  { type: 'ai.replied', reply: { kind: 'handover', reason: 'customer_asked', text: 'finding a human' } },
  { type: 'handover.timeout', key: 'handover:1' },
  { type: 'inactivity.timeout', key: 'inactivity' },
  {
    type: 'details.extracted',
    extraction: { email: { status: 'found', value: 'j@example.com' }, phone: { status: 'none' }, declined: false },
  },
  {
    type: 'details.extracted',
    extraction: { email: { status: 'none' }, phone: { status: 'found', value: '+447911123456' }, declined: false },
  },
  { type: 'details.extracted', extraction: { email: { status: 'none' }, phone: { status: 'none' }, declined: true } },
  { type: 'details.saved', email: 'j@example.com', phone: '+447911123456', outcome: 'promoted' },
  { type: 'details.refused', field: 'email' },
  { type: 'details.failed', reason: 'x' },
  { type: 'agent.claimed', agentId: 'a1' },
  { type: 'agent.message', agentId: 'a1', text: 'hi from Sam' },
  { type: 'agent.closed', agentId: 'a1' },
  { type: 'agent.transferred', agentId: 'a2' },
  { type: 'agent.reopened', agentId: 'a2' },
];

const input = { channel: 'webchat', knownPhone: null, handoverTimeoutMs: 1000, inactivityTimeoutMs: 5000 };
const serializeState = (s: {
  value: unknown;
  context: { handovers: number; agentId: string | null; capture: unknown };
}) => JSON.stringify([s.value, s.context.handovers, s.context.agentId, s.context.capture]);

describe('conversation statechart, every path', () => {
  const paths = getShortestPaths(conversationMachine, { events, input, serializeState });

  it('reaches every state', () => {
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const v of [
      '"ai"',
      '"waiting"',
      '{"capture":"asking"}',
      '{"capture":"reading"}',
      '{"capture":"saving"}',
      '"followup"',
      '"human"',
      '"closed"',
    ])
      expect(reached, v).toContain(v);
    expect(paths.length).toBeGreaterThan(20);
  });

  it('in every reachable state: the AI never speaks once a human claimed, closed stays closed until reopened (and tells nobody anything), one handover timer per request', () => {
    for (const path of paths) {
      for (const event of events) {
        const [next, actions] = transition(conversationMachine, path.state, event);
        const effects = actions
          .filter((a) => a.type === 'effect')
          .map((a) => a.params as { type: string; author?: string; key?: string });
        if (path.state.matches('human')) {
          expect(
            effects.filter((e) => e.author === 'ai' || e.type.startsWith('ai.') || e.type === 'details.save'),
          ).toEqual([]);
          expect(next.matches('closed') || next.matches('human')).toBe(true);
        }
        if (path.state.matches('closed')) {
          if (event.type === 'agent.reopened') expect(next.matches('human')).toBe(true);
          else {
            expect(effects).toEqual([]);
            expect(next.matches('closed')).toBe(true);
          }
        }
        if (event.type === 'agent.transferred' && !path.state.matches('closed')) {
          expect(next.matches('human')).toBe(true);
          expect(next.context.agentId).toBe('a2');
        }
        const handoverTimers = effects.filter((e) => e.type === 'timer.schedule' && e.key?.startsWith('handover:'));
        expect(handoverTimers.length).toBeLessThanOrEqual(1);
        if (handoverTimers.length) {
          expect(path.state.matches('ai')).toBe(true);
          expect(next.context.handovers).toBe(path.state.context.handovers + 1);
        }
      }
    }
  });
});
