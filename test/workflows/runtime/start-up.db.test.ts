// At start-up the runtime first takes over the effects a stopped process left (on the embedded database every claim
// left; on PostgreSQL those of gone instances and of its own instance id), then works. A message that arrives while
// it starts — the HTTP server listens before the runtime has started — waits for that take-over: otherwise the
// take-over would release the claim this process just made on the message's AI reply, and the worker would carry it
// out a second time (the AI asked twice, the customer answered twice).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import type { AiAgent } from '../../../workflows/agent/types.ts';
import { createConversationRuntime } from '../../../workflows/runtime/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe(`runtime start-up on ${testDbKind()}`, () => {
  it('messages arriving while the runtime starts are answered once', async () => {
    const { business } = await makeBusiness(db);
    const asked: string[] = [];
    const slow: AiAgent = {
      ...testAgent,
      async reply(text, ctx) {
        asked.push(text);
        await new Promise((r) => setTimeout(r, 300)); // still thinking when the take-over runs
        return testAgent.reply(text, ctx);
      },
    };
    const gateway = new RecordingGateway();
    const rt = createConversationRuntime({
      db,
      agent: slow,
      logger: silentLogger,
      instanceId: `start-up-${testDbKind()}`,
      pollIntervalMs: 50,
    });
    rt.registerGateway('*', gateway);
    // as bot/start-baton.ts does: the server already listens, start() is under way, messages come in
    const starting = rt.start();
    const results = await Promise.all(
      [1, 2, 3].map((i) => rt.handleInbound(inbound(business.id, `start-up-${i}`, `question ${i}`))),
    );
    await starting;
    await new Promise((r) => setTimeout(r, 800)); // time for a second run, were there one
    expect(asked.sort()).toEqual(['question 1', 'question 2', 'question 3']);
    for (const [i, r] of results.entries())
      expect(gateway.texts(r.conversationId)).toEqual([`You said: question ${i + 1}`]);
    const effects = await db.prisma.outboxEffect.findMany({
      where: { conversationId: { in: results.map((r) => r.conversationId) } },
    });
    expect(effects.filter((e) => e.doneAt === null)).toEqual([]);
    expect(effects.every((e) => e.attempts === 1)).toBe(true);
    await rt.stop();
  });

  it('the take-over at start leaves alone an effect this runtime is carrying out; it takes over those of a previous life', async () => {
    const { business } = await makeBusiness(db);
    const instanceId = `start-up-own-${testDbKind()}`;
    // A previous process with the same instance id (a container's pid 1) died while the AI answered.
    let deadAsked!: () => void;
    const deadWasAsked = new Promise<void>((resolve) => (deadAsked = resolve));
    const hanging = createConversationRuntime({
      db,
      agent: {
        ...testAgent,
        reply: () => {
          deadAsked();
          return new Promise(() => {});
        },
      },
      logger: silentLogger,
      instanceId,
    });
    void hanging.handleInbound(inbound(business.id, 'start-up-old', 'left behind'));
    await deadWasAsked;
    await new Promise((r) => setTimeout(r, 5)); // the next life starts later

    const asked: string[] = [];
    let answer!: () => void;
    const thinking = new Promise<void>((resolve) => (answer = resolve));
    const agent: AiAgent = {
      ...testAgent,
      async reply(text, ctx) {
        asked.push(text);
        if (text === 'taken before start') await thinking;
        return testAgent.reply(text, ctx);
      },
    };
    const gateway = new RecordingGateway();
    const rt = createConversationRuntime({ db, agent, logger: silentLogger, instanceId, pollIntervalMs: 50 });
    rt.registerGateway('*', gateway);
    // A message taken before start(), its AI reply under way when the take-over runs.
    const own = rt.handleInbound(inbound(business.id, 'start-up-own', 'taken before start'));
    await expect.poll(() => asked).toEqual(['taken before start']);
    await rt.start();
    await expect.poll(() => asked.includes('left behind'), { timeout: 5_000 }).toBe(true);
    answer();
    const { conversationId } = await own;
    await new Promise((r) => setTimeout(r, 300));
    expect(asked.filter((t) => t === 'taken before start')).toHaveLength(1);
    expect(gateway.texts(conversationId)).toEqual(['You said: taken before start']);
    const old = await db.prisma.conversation.findFirstOrThrow({ where: { channelConversationId: 'start-up-old' } });
    expect(gateway.texts(old.id)).toEqual(['You said: left behind']);
    await rt.stop();
  });
});
