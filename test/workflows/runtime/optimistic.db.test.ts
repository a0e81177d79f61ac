// The dispatch's optimistic way (workflows/runtime/dispatch.ts): a conversation this runtime last stepped is stepped
// in one statement, without a transaction, and only if nobody changed it meanwhile; otherwise the locking way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
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

/** A runtime on `db`, counting the transactions it opens. */
function runtime(clock: Clock, instanceId: string) {
  const gateway = new RecordingGateway();
  const counted = { transactions: 0 };
  const counting: Database = {
    ...db,
    transaction: (fn) => {
      counted.transactions++;
      return db.transaction(fn);
    },
  };
  const rt = createConversationRuntime({
    db: counting,
    agent: testAgent,
    logger: silentLogger,
    instanceId,
    now: clock.now,
  });
  rt.registerGateway('*', gateway);
  return { rt, gateway, counted };
}

async function messages(conversationId: string) {
  return db.prisma.message.findMany({
    where: { conversationId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { direction: true, text: true },
  });
}

describe('optimistic steps', () => {
  it('a conversation this runtime stepped last takes no transaction; changed by another runtime, the step is redone on the row as it is', async () => {
    const { business, sam } = await makeBusiness(db);
    const clock = new Clock();
    const a = runtime(clock, 'opt-a');
    const b = runtime(clock, 'opt-b');

    const first = await a.rt.handleInbound(inbound(business.id, 'chat-o1', 'hello'));
    const id = first.conversationId;
    const opening = a.counted.transactions;
    await a.rt.handleInbound(inbound(business.id, 'chat-o1', 'still there?'));
    // both steps (the message, the AI's reply) written without BEGIN … COMMIT
    expect(a.counted.transactions).toBe(opening);
    expect(a.gateway.texts()).toEqual(['You said: hello', 'You said: still there?']);

    // another runtime changes the conversation: an agent claims it
    expect(await b.rt.claim(id, sam.id)).toBe('human');
    // this runtime's last step is stale now: its write finds another version, and the step is redone locked, from
    // the claimed conversation: the AI stays silent and the agent keeps it
    const third = await a.rt.handleInbound(inbound(business.id, 'chat-o1', 'anyone?'));
    expect(third.status).toBe('human');
    expect(a.counted.transactions).toBeGreaterThan(opening);
    expect(a.gateway.texts()).toEqual(['You said: hello', 'You said: still there?']);
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'human', assignedAgentId: sam.id });
    // hello, its reply, still there?, its reply: 4 steps; the claim, anyone?: 2 more
    expect(row.version).toBe(6);
    expect((await messages(id)).map((m) => m.text)).toEqual([
      'hello',
      'You said: hello',
      'still there?',
      'You said: still there?',
      'You are now chatting with a member of our team.',
      'anyone?',
    ]);
    await a.rt.stop();
    await b.rt.stop();
  });

  it('a conversation another runtime stepped last is read without a lock and stepped without a transaction', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const a = runtime(clock, 'opt-c');
    const b = runtime(clock, 'opt-d');
    const first = await a.rt.handleInbound(inbound(business.id, 'chat-o3', 'hello'));
    // b never saw it: it reads the row as it is and writes only if it is still at that version
    const second = await b.rt.handleInbound(inbound(business.id, 'chat-o3', 'and you?'));
    expect(second.conversationId).toBe(first.conversationId);
    expect(b.counted.transactions).toBe(0);
    expect(b.gateway.texts()).toEqual(['You said: and you?']);
    // and back on a, whose remembered version is stale now: still right, each message stepped once
    await a.rt.handleInbound(inbound(business.id, 'chat-o3', 'bye'));
    expect((await messages(first.conversationId)).map((m) => m.text)).toEqual([
      'hello',
      'You said: hello',
      'and you?',
      'You said: and you?',
      'bye',
      'You said: bye',
    ]);
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id: first.conversationId } });
    expect(row.version).toBe(6);
  });

  it('messages of one conversation at once: each stepped once, one at a time', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const a = runtime(clock, 'opt-c');
    const { conversationId: id } = await a.rt.handleInbound(inbound(business.id, 'chat-o2', 'm0'));
    const texts = ['m1', 'm2', 'm3', 'm4', 'm5'];
    await Promise.all(texts.map((t) => a.rt.handleInbound(inbound(business.id, 'chat-o2', t))));

    const stored = await messages(id);
    const inboundTexts = stored.filter((m) => m.direction === 'inbound').map((m) => m.text);
    expect(inboundTexts.sort()).toEqual(['m0', ...texts]);
    expect(a.gateway.texts().sort()).toEqual(['m0', ...texts].map((t) => `You said: ${t}`));
    // six messages, each a step and its AI reply's step
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).version).toBe(12);
    await a.rt.stop();
  });

  it('a redelivery of a message of a known conversation is recognised and changes nothing', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const a = runtime(clock, 'opt-d');
    const first = await a.rt.handleInbound(inbound(business.id, 'chat-o3', 'hi', { channelMessageId: 'c1' }));
    await a.rt.handleInbound(inbound(business.id, 'chat-o3', 'next', { channelMessageId: 'c2' }));
    const again = await a.rt.handleInbound(inbound(business.id, 'chat-o3', 'next', { channelMessageId: 'c2' }));
    expect(again.duplicate).toBe(true);
    expect((await messages(first.conversationId)).map((m) => m.text)).toEqual([
      'hi',
      'You said: hi',
      'next',
      'You said: next',
    ]);
    expect(a.gateway.texts()).toEqual(['You said: hi', 'You said: next']);
    await a.rt.stop();
  });
});
