// Live events cross instances: on PostgreSQL, an event produced by one runtime reaches the other's subscribers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, type Database } from '../../../prisma/index.ts';
import { createConversationRuntime, type RuntimeEvent } from '../../../workflows/index.ts';
import { startEventRelay } from '../../../workflows/runtime/relay.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
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
      if (db.driver.kind !== 'postgres') throw new Error('needs PostgreSQL');
      const other = await openDatabase({
        databaseUrl: String(db.driver.pool.options.connectionString),
        dataDir: '',
        poolSize: 3,
      });
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
});
