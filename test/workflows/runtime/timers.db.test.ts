// Durable timers: a restart while waiting, and two runtimes on one database firing each timer once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { wording } from '../../../workflows/conversation/index.ts';
import { createConversationRuntime } from '../../../workflows/runtime/index.ts';
import { asSecondInstance, createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function runtimeOn(database: Database, clock: Clock, instanceId: string) {
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({
    db: database,
    agent: testAgent,
    logger: silentLogger,
    instanceId,
    now: clock.now,
  });
  rt.registerGateway('*', gateway);
  return { rt, gateway };
}

describe('durable timers', () => {
  it('a restart while waiting: the new runtime fires the timer (late) at start-up and capture begins', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const first = runtimeOn(db, clock, 'before-restart');
    await first.rt.start();
    const { conversationId: id } = await first.rt.handleInbound(inbound(business.id, 'r-1', 'human please'));
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).status).toBe('waiting');
    await first.rt.stop();

    // downtime: the timer fell due while nothing ran
    clock.advance(600);
    const second = runtimeOn(db, clock, 'after-restart');
    await second.rt.start();
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('capture');
    expect(second.gateway.texts(id)).toEqual([wording.askDetails(null, true)]);
    expect(first.gateway.texts(id)).not.toContain(wording.askDetails(null, true));
    const timer = await db.prisma.durableTimer.findFirstOrThrow({ where: { conversationId: id, key: 'handover:1' } });
    expect(timer.firedAt).not.toBeNull();
    expect(timer.claimedBy).toBe('after-restart');
    // the capture goes on in the new runtime
    await second.rt.handleInbound(inbound(business.id, 'r-1', 'jane@example.com 07911 123456'));
    expect(second.gateway.texts(id).at(-1)).toBe(wording.readBack('jane@example.com', '+447911123456'));
    await second.rt.stop();
  });

  it('the poller fires a due timer on its own, in real time', async () => {
    const { business } = await makeBusiness(db, { handoverTimeoutSeconds: 1 });
    const gateway = new RecordingGateway();
    // the real clock, and no help from the test: only the runtime's own wake-up and poller
    const real = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: 'rt',
      pollIntervalMs: 100,
    });
    real.registerGateway('*', gateway);
    await real.start();
    const started = Date.now();
    const { conversationId: id } = await real.handleInbound(inbound(business.id, 'p-1', 'human please'));
    for (let i = 0; i < 60 && !gateway.texts(id).includes(wording.askDetails(null, true)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(gateway.texts(id)).toContain(wording.askDetails(null, true));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await real.stop();
  });

  it('two runtimes on one database fire each timer exactly once', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    // On PostgreSQL the second runtime has its own connection pool, as a second Baton instance would.
    // PGlite is one in-process database: both runtimes share it.
    const other = await asSecondInstance(db, 5);
    try {
      const a = runtimeOn(db, clock, 'instance-a');
      const b = runtimeOn(other, clock, 'instance-b');
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push((await a.rt.handleInbound(inbound(business.id, `two-${i}`, 'human please'))).conversationId);
      }
      clock.advance(121);
      const [firedA, firedB] = await Promise.all([a.rt.fireDueTimers(), b.rt.fireDueTimers()]);
      expect(firedA + firedB).toBe(8);
      for (const id of ids) {
        const asks = await db.prisma.message.count({
          where: { conversationId: id, text: wording.askDetails(null, true) },
        });
        expect(asks).toBe(1);
        expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).status).toBe('capture');
      }
      const delivered = [...a.gateway.texts(), ...b.gateway.texts()].filter(
        (t) => t === wording.askDetails(null, true),
      );
      expect(delivered).toHaveLength(8);
      const claimedBy = await db.prisma.durableTimer.findMany({
        where: { conversationId: { in: ids }, key: 'handover:1' },
        select: { claimedBy: true, firedAt: true },
      });
      expect(claimedBy.every((t) => t.firedAt && (t.claimedBy === 'instance-a' || t.claimedBy === 'instance-b'))).toBe(
        true,
      );
      // nothing left to fire for either
      expect(await a.rt.fireDueTimers()).toBe(0);
      expect(await b.rt.fireDueTimers()).toBe(0);
      await a.rt.stop();
      await b.rt.stop();
    } finally {
      if (other !== db) await other.close();
    }
  });

  it('two agents claiming at once on two runtimes: exactly one wins, the other gets CONFLICT', async () => {
    const { business, sam, kim } = await makeBusiness(db);
    const clock = new Clock();
    const other = await asSecondInstance(db, 5);
    try {
      const a = runtimeOn(db, clock, 'instance-a');
      const b = runtimeOn(other, clock, 'instance-b');
      for (let i = 0; i < 5; i++) {
        const { conversationId: id } = await a.rt.handleInbound(inbound(business.id, `race-${i}`, 'human please'));
        const results = await Promise.allSettled([a.rt.claim(id, sam.id), b.rt.claim(id, kim.id)]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
        const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
        expect(row.status).toBe('human');
        expect([sam.id, kim.id]).toContain(row.assignedAgentId);
        const joined = await db.prisma.message.count({ where: { conversationId: id, author: 'system' } });
        expect(joined).toBe(1);
      }
      await a.rt.stop();
      await b.rt.stop();
    } finally {
      if (other !== db) await other.close();
    }
  });
});
