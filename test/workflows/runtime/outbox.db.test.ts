// The runtime's outbox on a real database: a failing effect is retried after its backoff and then gives up with its
// fallback; effects an instance left behind are carried out by the next one; no row lock is held while the AI works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import type { AiAgent } from '../../../workflows/agent/types.ts';
import { ChannelUnavailableError } from '../../../workflows/index.ts';
import { CHANNEL_RETRY_MS, CHANNEL_WAIT_MS } from '../../../workflows/runtime/effect-loop.ts';
import { createConversationRuntime } from '../../../workflows/runtime/index.ts';
import { createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function runtime(agent: AiAgent, clock: Clock, instanceId: string, extra: { isGone?: (id: string) => boolean } = {}) {
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({
    db,
    agent,
    logger: silentLogger,
    instanceId,
    now: clock.now,
    maxEffectAttempts: 2,
    ...extra,
  });
  rt.registerGateway('*', gateway);
  return { rt, gateway };
}

const pending = (conversationId: string) =>
  db.prisma.outboxEffect.findMany({ where: { conversationId, doneAt: null }, orderBy: { seq: 'asc' } });

describe('durable effects', () => {
  it('a delivery to a channel that is down waits for it, its tries not counted, for up to a day', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const { rt, gateway } = runtime(testAgent, clock, 'down-1');
    let down = true;
    const send = gateway.send.bind(gateway);
    gateway.send = async (m) => {
      if (down) throw new ChannelUnavailableError('whatsapp', 'WhatsApp is not connected');
      return send(m);
    };
    const { conversationId: back } = await rt.handleInbound(inbound(business.id, 'down-a', 'when do you open?'));
    const { conversationId: gone } = await rt.handleInbound(inbound(business.id, 'down-b', 'when do you open?'));
    // a minute of outage, tried every 5 s: never given up (maxEffectAttempts is 2 here), never counted
    for (let i = 0; i < 12; i++) {
      clock.advance(CHANNEL_RETRY_MS / 1000);
      await rt.carryOutPendingEffects();
    }
    for (const id of [back, gone]) {
      const [left] = await pending(id);
      expect(left).toMatchObject({ kind: 'deliver', attempts: 0, lastError: expect.stringMatching(/not connected/) });
    }
    // the channel is back: the first is sent
    down = false;
    clock.advance(CHANNEL_RETRY_MS / 1000);
    await rt.carryOutPendingEffects();
    expect(gateway.texts(back)).toHaveLength(1);
    expect(gateway.texts(gone)).toHaveLength(1);
    expect(await pending(back)).toEqual([]);
    // a channel down for more than a day: the delivery is given up (the message stays stored)
    down = true;
    await rt.handleInbound(inbound(business.id, 'down-b', 'and on Sundays?'));
    clock.advance(CHANNEL_WAIT_MS / 1000 + 1);
    await rt.carryOutPendingEffects();
    expect(await pending(gone)).toEqual([]);
    const last = await db.prisma.outboxEffect.findFirst({ where: { conversationId: gone }, orderBy: { seq: 'desc' } });
    expect(last).toMatchObject({ kind: 'deliver', outcome: 'gave_up' });
    await rt.stop();
  });

  it('an AI that fails is tried again after the backoff, then the conversation is handed over', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    let calls = 0;
    const failing: AiAgent = {
      ...testAgent,
      async reply() {
        calls++;
        throw new Error('model down');
      },
    };
    const { rt, gateway } = runtime(failing, clock, 'retry-1');
    const { conversationId: id } = await rt.handleInbound(inbound(business.id, 'ob-1', 'when do you open?'));
    expect(gateway.texts(id)).toEqual([]);
    const [left] = await pending(id);
    expect(left).toMatchObject({ kind: 'ai.reply', attempts: 1, claimedBy: null, lastError: 'Error: model down' });

    expect(await rt.carryOutPendingEffects()).toBe(0); // not before its backoff
    clock.advance(1);
    expect(await rt.carryOutPendingEffects()).toBe(1);
    expect(calls).toBe(2);
    expect(gateway.texts(id)).toEqual([
      "I'm having trouble answering right now, so I'm finding a person from the team to help you.",
    ]);
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).status).toBe('waiting');
    expect(await pending(id)).toEqual([]);
    const done = await db.prisma.outboxEffect.findMany({ where: { conversationId: id }, orderBy: { seq: 'asc' } });
    expect(done.map((e) => [e.kind, e.outcome])).toEqual([
      ['ai.reply', 'gave_up'],
      ['deliver', 'done'],
    ]);
    await rt.stop();
  });

  it('effects a gone instance left are carried out at start-up; the row is not locked meanwhile', async () => {
    const { business, sam } = await makeBusiness(db);
    const clock = new Clock();
    let asked!: () => void;
    const askedAi = new Promise<void>((resolve) => (asked = resolve));
    const hanging: AiAgent = {
      ...testAgent,
      reply: () => {
        asked();
        return new Promise(() => {}); // the process "dies" while the AI thinks
      },
    };
    const first = runtime(hanging, clock, 'gone-1');
    void first.rt.handleInbound(inbound(business.id, 'ob-2', 'hello'));
    await askedAi;
    const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { channelConversationId: 'ob-2' } });
    expect((await pending(conversation.id)).map((e) => [e.kind, e.claimedBy])).toEqual([['ai.reply', 'gone-1']]);

    const second = runtime(testAgent, clock, 'next-1', { isGone: (id) => id === 'gone-1' });
    await second.rt.start();
    expect(second.gateway.texts(conversation.id)).toEqual(['You said: hello']);
    expect(await pending(conversation.id)).toEqual([]);
    // the conversation's row is free while an AI call runs: an agent can claim at once
    expect(await second.rt.claim(conversation.id, sam.id)).toBe('human');
    await second.rt.stop();
  });
});
