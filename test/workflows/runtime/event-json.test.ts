// An event serialised once (eventDataJson) for the console's stream and the relay: the relay's JSON is the event's
// own, as JSON.stringify made it before, whatever the order of the event's keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventDataJson, type RuntimeEvent } from '../../../workflows/runtime/events.ts';
import { eventJson } from '../../../workflows/runtime/relay-queue.ts';

const text = fc.string({ unit: 'grapheme', maxLength: 300 });
const conversation = fc.record({
  type: fc.constant('conversation' as const),
  businessId: fc.uuid(),
  conversationId: fc.uuid(),
  status: fc.constantFrom('ai' as const, 'waiting' as const, 'human' as const, 'closed' as const),
  assignedAgentId: fc.option(fc.uuid(), { nil: null }),
  reason: fc.string(),
});
const message = fc.record({
  type: fc.constant('message' as const),
  businessId: fc.uuid(),
  conversationId: fc.uuid(),
  message: fc.record({
    id: fc.uuid(),
    direction: fc.constantFrom('inbound' as const, 'outbound' as const),
    author: fc.constantFrom('customer' as const, 'ai' as const, 'agent' as const, 'system' as const),
    agentId: fc.option(fc.uuid(), { nil: null }),
    agentName: fc.option(text, { nil: null }),
    text,
    createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  }),
});
// the same event with its keys in another order
const shuffled = (e: RuntimeEvent, seed: number): RuntimeEvent => {
  const entries = Object.entries(e);
  const order = entries.map((_, i) => (i * 7 + seed) % entries.length);
  return Object.fromEntries([...new Set(order)].map((i) => entries[i]!).concat(entries)) as RuntimeEvent;
};

describe('an event serialised once', () => {
  it('gives the relay the event as JSON.stringify gave it: the same values, the same length', () => {
    fc.assert(
      fc.property(fc.oneof(conversation, message), fc.nat(10), (event, seed) => {
        const e = shuffled(event, seed);
        const json = eventJson(e);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(e)));
        expect(json.length).toBe(JSON.stringify(e).length);
        const { type: _t, businessId: _b, ...data } = e;
        expect(JSON.parse(eventDataJson(e))).toEqual(JSON.parse(JSON.stringify(data)));
      }),
      { numRuns: 3000 },
    );
  });

  it('cuts a long message text as before', () => {
    const long = {
      ...fc.sample(message, 1)[0]!,
      message: { ...fc.sample(message, 1)[0]!.message, text: 'x'.repeat(9000) },
    };
    const json = eventJson(long);
    expect(json.length).toBeLessThan(7000);
    expect((JSON.parse(json) as { message: { text: string } }).message.text).toBe(`${'x'.repeat(2000)}…`);
  });
});
