// A step's statement: writeStep keeps its text per shape and fills the parameters alone (stepParams); both must be
// what the full build (stepStatement) makes, for every kind of step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  stepParams,
  stepShape,
  stepStatement,
  type StepWrite,
  type TimerWrite,
} from '../../../workflows/runtime/step-write.ts';

const date = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true });
const id = fc.uuid();
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const timer: fc.Arbitrary<TimerWrite> = fc.oneof(
  fc.record({
    kind: fc.constant('schedule' as const),
    key: fc.string(),
    event: fc.constantFrom('handover.timeout' as const, 'inactivity.timeout' as const),
    dueAt: date,
  }),
  fc.record({ kind: fc.constant('cancel' as const), key: fc.string(), at: date }),
);
const stepWrite: fc.Arbitrary<StepWrite> = fc.record({
  conversationId: id,
  version: fc.nat(),
  snapshot: fc.json(),
  status: fc.constantFrom('ai' as const, 'waiting' as const, 'human' as const, 'closed' as const),
  assignedAgentId: fc.option(id, { nil: null }),
  at: date,
  lastActivityAt: maybe(date),
  closedAt: maybe(fc.option(date, { nil: null })),
  waitingSince: maybe(fc.option(date, { nil: null })),
  reference: maybe(fc.dictionary(fc.string(), fc.jsonValue())),
  messages: fc.array(
    fc.record({
      id,
      conversationId: id,
      direction: fc.constantFrom('inbound' as const, 'outbound' as const),
      author: fc.constantFrom('customer' as const, 'ai' as const, 'agent' as const, 'system' as const),
      // a few agents, so that some write several messages
      agentId: fc.option(
        fc.constantFrom('0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002'),
        {
          nil: null,
        },
      ),
      text: fc.string(),
      channelMessageId: fc.option(fc.string(), { nil: null }),
      createdAt: date,
    }),
    { maxLength: 4 },
  ),
  timers: fc.array(timer, { maxLength: 3 }),
  outbox: fc.array(
    fc.record({
      id,
      conversationId: id,
      attempts: fc.constant(1),
      createdAt: date,
      job: fc.record({
        kind: fc.constant('deliver' as const),
        messageId: id,
        text: fc.string(),
        author: fc.constantFrom('ai' as const, 'agent' as const, 'system' as const),
        agentId: fc.option(id, { nil: null }),
      }),
    }),
    { maxLength: 3 },
  ),
  claim: fc.record({ by: fc.string(), at: date, until: date }),
  effectDone: maybe(fc.record({ id, outcome: fc.constantFrom('done' as const, 'gave_up' as const) })),
  redeliveryOf: maybe(fc.string()),
});

/** The same ids in the same order on every call. */
const counter = () => {
  let n = 0;
  return () => `0190b000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
};

const agentIds = (w: StepWrite) => [...new Set(w.messages.flatMap((m) => (m.agentId ? [m.agentId] : [])))];

describe('a step statement kept per shape', () => {
  it('has the parameters of the full build, in its order', () => {
    fc.assert(
      fc.property(stepWrite, (w) => {
        expect(stepParams(w, agentIds(w), counter())).toEqual(stepStatement(w, counter()).params);
      }),
      { numRuns: 2000 },
    );
  });

  it('has one text per shape: two steps of the same shape build the same text', () => {
    // two steps alike in what the text depends on, different in every value
    const shaped = stepWrite.chain((w) =>
      stepWrite.map((v) => {
        const other: StepWrite = {
          ...v,
          redeliveryOf: w.redeliveryOf === undefined ? undefined : (v.redeliveryOf ?? 'x'),
          effectDone: w.effectDone && (v.effectDone ?? { id: w.effectDone.id, outcome: 'done' }),
          messages: w.messages.map((m, i) => ({ ...(v.messages[i] ?? m), agentId: m.agentId })),
          timers: w.timers.map((t, i) => {
            const o = v.timers[i];
            return o && o.kind === t.kind ? o : t;
          }),
          outbox: w.outbox.map((e, i) => v.outbox[i] ?? e),
        };
        return [w, other] as const;
      }),
    );
    let differentValues = 0;
    fc.assert(
      fc.property(shaped, ([a, b]) => {
        const sa = stepStatement(a);
        const sb = stepStatement(b);
        expect(stepShape(b, agentIds(b).length)).toBe(stepShape(a, agentIds(a).length));
        expect(sb.text).toBe(sa.text);
        expect(sb.params.length).toBe(sa.params.length);
        if (JSON.stringify(sa.params) !== JSON.stringify(sb.params)) differentValues++;
      }),
      { numRuns: 1000 },
    );
    expect(differentValues).toBeGreaterThan(900);
  });

  it('tells shapes apart as their texts differ', () => {
    const shapes = new Map<string, string>();
    const texts = new Map<string, string>();
    fc.assert(
      fc.property(stepWrite, (w) => {
        const shape = stepShape(w, agentIds(w).length);
        const { text } = stepStatement(w);
        expect(shapes.get(shape) ?? text).toBe(text);
        expect(texts.get(text) ?? shape).toBe(shape);
        shapes.set(shape, text);
        texts.set(text, shape);
      }),
      { numRuns: 3000 },
    );
    expect(shapes.size).toBeGreaterThan(100);
  });
});
