// Live events cross instances: on PostgreSQL, an event produced by one runtime reaches the other's subscribers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Database } from '../../../prisma/index.ts';
import { createConversationRuntime, type RuntimeEvent } from '../../../workflows/index.ts';
import { RelayQueue, MAX_PAYLOAD } from '../../../workflows/runtime/relay-queue.ts';
import { startEventRelay, type EventRelay } from '../../../workflows/runtime/relay.ts';
import { asSecondInstance, createTestDatabase, testDbKind } from '../../support/db.ts';
import { inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('event relay', () => {
  it('on the embedded database there is one instance and nothing to relay', async () => {
    const relay = await startEventRelay(db, { instanceId: 'x', logger: pino({ level: 'silent' }), deliver: () => {} });
    if (testDbKind() === 'pglite') expect(relay).toBeNull();
    else {
      expect(relay).not.toBeNull();
      await relay!.stop();
    }
  });

  // PostgreSQL only: PGlite is one in-process database, one instance (reported as skipped there).
  it.skipIf(testDbKind() === 'pglite')(
    'an event of one instance reaches the subscribers of another, once, and never echoes back',
    async () => {
      const other = await asSecondInstance(db, 3);
      const { business } = await makeBusiness(db);
      const a = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: 'relay-a' });
      const b = createConversationRuntime({ db: other, agent: testAgent, logger: silentLogger, instanceId: 'relay-b' });
      a.registerGateway('*', new RecordingGateway());
      try {
        await a.start();
        await b.start();
        const onA: RuntimeEvent[] = [];
        const onB: RuntimeEvent[] = [];
        a.subscribe((e) => onA.push(e));
        b.subscribe((e) => onB.push(e));
        const { conversationId } = await a.handleInbound(inbound(business.id, 'relay-1', 'human please'));
        for (let i = 0; i < 50 && onB.length < onA.length; i++) await new Promise((r) => setTimeout(r, 50));
        expect(onA.map((e) => e.type)).toEqual(['conversation', 'message', 'message', 'conversation']);
        expect(onB).toEqual(onA);
        expect(onB.every((e) => e.conversationId === conversationId)).toBe(true);
        await new Promise((r) => setTimeout(r, 100));
        expect(onA).toHaveLength(4); // nothing echoed back to its origin
      } finally {
        await a.stop();
        await b.stop();
        await other.close();
      }
    },
  );

  const message = (conversationId: string, i: number): RuntimeEvent => ({
    type: 'message',
    businessId: 'b',
    conversationId,
    message: {
      id: `m${i}`,
      direction: 'inbound',
      author: 'customer',
      agentId: null,
      agentName: null,
      text: `hello ${i}`,
      createdAt: new Date(0).toISOString(),
    },
  });
  const status = (conversationId: string, reason: string): RuntimeEvent => ({
    type: 'conversation',
    businessId: 'b',
    conversationId,
    status: 'waiting',
    assignedAgentId: null,
    reason,
  });

  it('the queue: a conversation event replaces the waiting one of its conversation, at the end; full, the oldest go', () => {
    const q = new RelayQueue(1000);
    q.push(status('c1', 'handover'));
    q.push(message('c1', 1));
    q.push(status('c2', 'opened'));
    q.push(status('c1', 'claimed'));
    const { payloads, events } = q.take('me', 10);
    expect(events).toBe(3);
    const sent = payloads.flatMap((p) => (JSON.parse(p) as { events: RuntimeEvent[] }).events);
    expect(sent.map((e) => (e.type === 'message' ? e.message.id : `${e.conversationId}:${e.reason}`))).toEqual([
      'm1',
      'c2:opened',
      'c1:claimed',
    ]);
    expect(q.stats).toMatchObject({ published: 4, coalesced: 1, dropped: 0, queued: 0 });
    const small = new RelayQueue(100);
    for (let i = 0; i < 1000; i++) small.push(message('c', i));
    expect(small.size).toBe(100);
    expect(small.stats.dropped).toBe(900);
    const big = small.take('me', 1000);
    expect(big.events).toBe(100);
    for (const p of big.payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_PAYLOAD);
    expect((JSON.parse(big.payloads[0]!) as { events: RuntimeEvent[] }).events[0]).toMatchObject({
      message: { id: 'm900' },
    });
  });

  it.skipIf(testDbKind() === 'pglite')(
    'a burst of 20,000 events crosses in order, many to a statement; stop() sends or drops within its time',
    async () => {
      const other = await asSecondInstance(db, 2);
      const received: RuntimeEvent[] = [];
      let a: EventRelay | null = null;
      let b: EventRelay | null = null;
      try {
        // all published at once: room for all of them (the bound is the queue's test above)
        a = await startEventRelay(db, {
          instanceId: 'burst-a',
          logger: silentLogger,
          deliver: () => {},
          maxQueued: 30_000,
        });
        b = await startEventRelay(other, {
          instanceId: 'burst-b',
          logger: silentLogger,
          deliver: (e) => received.push(e),
        });
        const t0 = Date.now();
        for (let i = 0; i < 20_000; i++) {
          a!.publish(message(`c${i % 20}`, i));
          if (i % 10 === 0) a!.publish(status(`c${i % 20}`, `r${i}`));
        }
        const messages = () => received.filter((e) => e.type === 'message').length;
        while (messages() < 20_000 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
        const ids = received.flatMap((e) => (e.type === 'message' ? [Number(e.message.id.slice(1))] : []));
        expect(ids).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
        // each conversation's last state arrives (c0 and c10 get one every 20 events)
        for (const c of [0, 10]) {
          const last = received.filter((e) => e.type === 'conversation' && e.conversationId === `c${c}`).at(-1);
          expect(last).toMatchObject({ reason: `r${19_980 + c}` });
        }
        // the last statement's reply may come after its notifications
        for (let i = 0; i < 100 && a!.stats().sent + a!.stats().coalesced < 22_000; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const stats = a!.stats();
        expect(stats.dropped).toBe(0);
        expect(stats.sent + stats.coalesced).toBe(22_000);
        expect(stats.statements).toBeLessThan(200); // one at a time, one NOTIFY each, would be 22,000
        // Stopping with 200,000 events waiting: it returns within its time and drops what it could not send.
        const c = await startEventRelay(db, {
          instanceId: 'burst-c',
          logger: silentLogger,
          deliver: () => {},
          maxQueued: 200_000,
          stopWithinMs: 100,
        });
        for (let i = 0; i < 200_000; i++) c!.publish(message('c', i));
        const s0 = Date.now();
        await c!.stop();
        expect(Date.now() - s0).toBeLessThan(1000);
        expect(c!.stats().dropped).toBeGreaterThan(0);
        expect(c!.stats().dropped + c!.stats().sent).toBe(200_000);
        c!.publish(message('c', 0));
        expect(c!.stats().dropped + c!.stats().sent).toBe(200_001);
      } finally {
        await a?.stop();
        await b?.stop();
        await other.close();
      }
    },
    60_000,
  );
  it.skipIf(testDbKind() === 'pglite')(
    'statements start minIntervalMs apart: a steady stream shares them; after a quiet spell an event goes at once',
    async () => {
      const other = await asSecondInstance(db, 2);
      const received: { id: string; at: number }[] = [];
      let a: EventRelay | null = null;
      let b: EventRelay | null = null;
      try {
        a = await startEventRelay(db, { instanceId: 'pace-a', logger: silentLogger, deliver: () => {} });
        b = await startEventRelay(other, {
          instanceId: 'pace-b',
          logger: silentLogger,
          deliver: (e) => received.push({ id: e.type === 'message' ? e.message.id : '', at: performance.now() }),
        });
        // an event every 5 ms for 0.6 s: one statement each would be 120
        const published = new Map<string, number>();
        for (let i = 0; i < 120; i++) {
          published.set(`m${i}`, performance.now());
          a!.publish(message('c-pace', i));
          await new Promise((r) => setTimeout(r, 5));
        }
        await expect.poll(() => received.length, { timeout: 5000 }).toBe(120);
        expect(received.map((r) => r.id)).toEqual([...published.keys()]);
        // 0.6 s (or more, on a loaded machine) at 50 ms apart: about 12
        expect(a!.stats().statements).toBeLessThanOrEqual(Math.ceil((performance.now() - published.get('m0')!) / 50));
        expect(a!.stats().statements).toBeLessThan(40);
        await a!.stop();

        // 1 s apart: the first event after a quiet spell goes at once, the next waits for the interval
        received.length = 0;
        a = await startEventRelay(db, {
          instanceId: 'pace-c',
          logger: silentLogger,
          deliver: () => {},
          minIntervalMs: 1000,
        });
        const t0 = performance.now();
        a!.publish(message('c-pace', 1000));
        a!.publish(message('c-pace', 1001)); // while the first is in flight
        await expect.poll(() => received.length, { timeout: 5000 }).toBe(2);
        expect(received[0]!.at - t0).toBeLessThan(900); // not held for the interval
        expect(received[1]!.at - t0).toBeGreaterThanOrEqual(990);
        expect(a!.stats().statements).toBe(2);
      } finally {
        await a?.stop();
        await b?.stop();
        await other.close();
      }
    },
    30_000,
  );
});
