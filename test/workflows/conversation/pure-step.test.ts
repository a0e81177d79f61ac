// The step's pure transition in its one shared inert scope (workflows/conversation/step.ts) against xstate's own
// `transition()` / `initialTransition()`, which build a new inert actor for each call: on random event sequences, several
// conversations stepped in turn, every next snapshot (as persisted) and every action must be the same.
import fc from 'fast-check';
import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  conversationMachine,
  persistedCopy,
  restoreConversation,
  startConversation,
  type ConversationEvent,
  type ConversationInput,
} from '../../../workflows/conversation/index.ts';
import { eventVariants, sampleEvents } from './sample-events.ts';
import {
  pureInitialTransition,
  pureTransition,
  type ConversationSnapshot,
} from '../../../workflows/conversation/step.ts';

const event: fc.Arbitrary<ConversationEvent> = fc.constantFrom(...sampleEvents, ...eventVariants);

const input: fc.Arbitrary<ConversationInput> = fc.record({
  channel: fc.constantFrom('webchat', 'whatsapp', 'msteams'),
  knownPhone: fc.constantFrom(null, '+447911123456'),
  handoverTimeoutMs: fc.constantFrom(60_000, 300_000),
  inactivityTimeoutMs: fc.constantFrom(600_000, 3_600_000),
  lang: fc.constantFrom(undefined, 'en' as const, 'es' as const),
  askName: fc.constantFrom(undefined, true, false),
});

const persisted = (s: ConversationSnapshot) => conversationMachine.getPersistedSnapshot(s);
const actionsOf = (actions: { type: string; params?: unknown }[]) =>
  actions.map((a) => ({ type: a.type, params: a.params }));

describe('the step in one shared inert scope', () => {
  it('is only safe for a machine that invokes nothing and has no delays: this one', () => {
    type Node = (typeof conversationMachine)['root'];
    const nodes: Node[] = [];
    const walk = (n: Node) => {
      nodes.push(n);
      for (const child of Object.values(n.states)) walk(child as Node);
    };
    walk(conversationMachine.root);
    expect(nodes.length).toBeGreaterThan(5);
    for (const n of nodes) {
      expect({ id: n.id, invoke: n.invoke.length, after: n.after.length }).toEqual({ id: n.id, invoke: 0, after: 0 });
    }
  });

  it('gives what xstate’s transition() gives, conversation after conversation, event after event', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ input, events: fc.array(fc.tuple(fc.nat(), event), { maxLength: 25 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (conversations) => {
          const ours: ConversationSnapshot[] = [];
          const theirs: ConversationSnapshot[] = [];
          for (const c of conversations) {
            const [a, aActions] = pureInitialTransition(c.input);
            const [b, bActions] = initialTransition(conversationMachine, c.input);
            expect(persisted(a)).toEqual(persisted(b));
            expect(actionsOf(aActions)).toEqual(actionsOf(bActions));
            ours.push(a);
            theirs.push(b);
          }
          // the conversations' events interleaved: each event goes to the conversation its number picks
          const all = conversations.flatMap((c) => c.events);
          for (const [n, e] of all) {
            const i = n % ours.length;
            const [a, aActions] = pureTransition(ours[i]!, e);
            const [b, bActions] = transition(conversationMachine, theirs[i]!, e);
            expect(persisted(a)).toEqual(persisted(b));
            expect(a.value).toEqual(b.value);
            expect(actionsOf(aActions)).toEqual(actionsOf(bActions));
            ours[i] = a;
            theirs[i] = b;
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('does not leak a step’s actions into the next, even when a step throws', () => {
    const [start] = pureInitialTransition({
      channel: 'webchat',
      knownPhone: null,
      handoverTimeoutMs: 60_000,
      inactivityTimeoutMs: 600_000,
    });
    const [, first] = pureTransition(start, { type: 'customer.message', text: 'hello' });
    expect(first.length).toBeGreaterThan(0);
    // an event the machine ignores in `ai`: no actions at all, none carried over from the step before
    const [, none2] = pureTransition(start, { type: 'details.failed', reason: 'x' });
    const [, theirs] = transition(conversationMachine, start, { type: 'details.failed', reason: 'x' });
    expect(actionsOf(none2)).toEqual(actionsOf(theirs));
    expect(() => pureTransition(start, null as unknown as ConversationEvent)).toThrow();
    const [, again] = pureTransition(start, { type: 'customer.message', text: 'hello' });
    expect(actionsOf(again)).toEqual(actionsOf(first));
  });

  it('gives what xstate’s transition() gives stepping from the kept snapshot copies (persistedCopy), as the runtime does', () => {
    let steps = 0;
    let changed = 0;
    fc.assert(
      fc.property(input, fc.array(event, { minLength: 1, maxLength: 25 }), (start, walk) => {
        let json = JSON.stringify(startConversation(start).persisted);
        for (const e of walk) {
          // xstate's from the row as read; ours from the kept copy, restored once per copy (persistedCopy)
          const [theirs, theirActions] = transition(conversationMachine, restoreConversation(JSON.parse(json)), e);
          const [ours, ourActions] = pureTransition(restoreConversation(persistedCopy(json)), e);
          expect(ours.value).toEqual(theirs.value);
          expect(ours.context).toEqual(theirs.context);
          expect(ours.status).toBe(theirs.status);
          expect(ours.children).toEqual(theirs.children);
          // the same keys and values (a row read from the database has its context's keys in the check's order)
          expect(persisted(ours)).toEqual(persisted(theirs));
          expect(actionsOf(ourActions)).toEqual(actionsOf(theirActions));
          steps++;
          if (theirActions.length > 0) changed++;
          json = JSON.stringify(persisted(ours));
        }
      }),
      { numRuns: 400 },
    );
    // the walks went somewhere
    expect(steps).toBeGreaterThan(2000);
    expect(changed).toBeGreaterThan(500);
  });
});
