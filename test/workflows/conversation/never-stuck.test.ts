// Walks every state of the conversation statechart with xstate/graph and checks that no conversation can be left
// waiting on Baton with nothing that will move it: in every state reached by a path the runtime can take, each
// event the state waits for from Baton has a producer pending (a durable timer, or an outbox effect whose outcome
// is that event), and the states that only an effect's outcome leaves (reading, saving) have that effect pending.
import { fromTransition, initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import {
  conversationMachine,
  type ConversationEffect,
  type ConversationEvent,
} from '../../../workflows/conversation/index.ts';
import { sampleEvents } from './sample-events.ts';

const events = [...sampleEvents];

/** The events Baton itself produces, and what produces each: a timer, or an effect of the outbox. */
const producedBy: Partial<Record<ConversationEvent['type'], ConversationEffect['type']>> = {
  'ai.replied': 'ai.reply',
  'details.extracted': 'ai.extract',
  'details.saved': 'details.save',
  'details.refused': 'details.save',
  'details.failed': 'details.save',
};
const timerEvents = new Set(['handover.timeout', 'inactivity.timeout']);

interface World {
  timers: Map<string, string>;
  /** effects whose outcome the machine has not had yet */
  pending: ConversationEffect['type'][];
}

function apply(world: World, actions: { type: string; params: unknown }[]) {
  for (const a of actions) {
    if (a.type !== 'effect') continue;
    const e = a.params as ConversationEffect;
    if (e.type === 'timer.schedule') world.timers.set(e.key, e.event);
    if (e.type === 'timer.cancel') world.timers.delete(e.key);
    // one of a kind is enough to know what is pending (two unanswered messages do not make new states)
    const answered = e.type === 'ai.reply' || e.type === 'ai.extract' || e.type === 'details.save';
    if (answered && !world.pending.includes(e.type)) world.pending.push(e.type);
  }
}

/** Can the runtime deliver this event now? Baton's own events only when something pending produces them. */
function deliverable(world: World, event: ConversationEvent): boolean {
  if (timerEvents.has(event.type)) return world.timers.get((event as { key: string }).key) === event.type;
  const effect = producedBy[event.type];
  return !effect || world.pending.includes(effect);
}

function consume(world: World, event: ConversationEvent) {
  if (timerEvents.has(event.type)) world.timers.delete((event as { key: string }).key);
  const effect = producedBy[event.type];
  if (effect) world.pending = world.pending.filter((p) => p !== effect);
}

/** The leaf state node's own transitions that leave it, by event type. */
function leavingEvents(snapshot: AnyMachineSnapshot): string[] {
  const nodes = (snapshot as unknown as { _nodes: { type: string; on: Record<string, { target?: unknown[] }[]> }[] })
    ._nodes;
  const leaf = nodes.find((n) => n.type === 'atomic' || n.type === 'final');
  return Object.entries(leaf?.on ?? {})
    .filter(([, ts]) => ts.some((t) => t.target && t.target.length > 0))
    .map(([type]) => type);
}

const input = { channel: 'webchat', knownPhone: null, handoverTimeoutMs: 1000, inactivityTimeoutMs: 5000 };

/** The conversation with the world around it: the runtime's timers and outbox. */
interface Walk {
  snapshot: AnyMachineSnapshot;
  world: World;
}

const [first, firstActions] = initialTransition(conversationMachine, input);
const start: Walk = { snapshot: first, world: { timers: new Map(), pending: [] } };
apply(start.world, firstActions);

/** One event the runtime can deliver now (a conversation opens with the customer's message); others change nothing. */
const runtime = fromTransition((walk: Walk, event: ConversationEvent): Walk => {
  const opened = walk.snapshot.context.capture !== undefined && walk !== start;
  if (!deliverable(walk.world, event) || (!opened && event.type !== 'customer.message')) return walk;
  const world: World = { timers: new Map(walk.world.timers), pending: [...walk.world.pending] };
  consume(world, event);
  const [snapshot, actions] = transition(conversationMachine, walk.snapshot, event);
  apply(world, actions);
  return { snapshot, world };
}, start);

describe('no conversation is left waiting without a timer or a pending effect', () => {
  const paths = getShortestPaths(runtime, {
    events,
    limit: 20_000,
    serializeState: ({ context: { snapshot: s, world } }) =>
      JSON.stringify([s.value, s.context, [...world.timers].sort(), [...world.pending].sort()]),
  });

  it('walks every state the runtime can reach and checks each one', () => {
    const checked = new Set<string>();
    const transient = new Set<string>();
    for (const { state } of paths) {
      const { snapshot, world } = state.context;
      // closed waits for nobody (only an agent reopening it moves it on)
      if (state.context === start || snapshot.matches('closed')) continue;
      const where = JSON.stringify(snapshot.value);
      checked.add(where);
      const timers = [...world.timers.values()];
      expect(timers.length + world.pending.length, `${where}: no timer, no pending effect`).toBeGreaterThan(0);
      // the inactivity timer is always there: an abandoned conversation closes
      expect(timers, where).toContain('inactivity.timeout');
      // a state only an effect's outcome leaves has that effect pending (a bounded wait: retries, then a fallback)
      // (transient: the customer's messages do not move it either, they start nothing Baton answers)
      const leaving = leavingEvents(snapshot).filter((t) => t !== 'customer.message');
      const [, onMessage] = transition(conversationMachine, snapshot, { type: 'customer.message', text: 'hello?' });
      const startsWork = onMessage.some(
        (a) => a.type === 'effect' && (a.params as ConversationEffect).type.startsWith('ai.'),
      );
      if (!startsWork && leaving.length > 0 && leaving.every((t) => producedBy[t as ConversationEvent['type']])) {
        transient.add(where);
        expect(world.pending.map(String), `${where} waits for ${leaving.join(', ')}`).toContain(
          producedBy[leaving[0] as ConversationEvent['type']],
        );
      }
      // waiting for a human: the handover timer is pending (nobody picks up → the AI asks for details)
      if (snapshot.matches('waiting')) expect(timers, where).toContain('handover.timeout');
    }
    for (const v of ['"ai"', '"waiting"', '{"capture":"asking"}', '{"capture":"reading"}', '{"capture":"saving"}']) {
      expect(checked, v).toContain(v);
    }
    for (const v of ['"followup"', '"human"']) expect(checked, v).toContain(v);
    expect([...transient].sort()).toEqual(['{"capture":"reading"}', '{"capture":"saving"}']);
    expect(paths.length).toBeGreaterThan(30);
  });
});
