// An AI agent that answers without I/O (AiAgent.instant, the offline agent) answers in the step that stored the
// customer's message (workflows/runtime/dispatch.ts): one statement, no `ai.reply` outbox row, no history query; the
// history it sees is the one the durable way reads (historyBeforeLast), from the dispatch's memory or read again when
// that does not know the conversation's version. An agent that cannot answer at once keeps the two steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Sql } from '../../../prisma/index.ts';
import { OfflineAgent } from '../../../workflows/agent/offline-agent.ts';
import { OpenAiAgent } from '../../../workflows/agent/openai-agent.ts';
import type { AgentContext, AgentReply, AiAgent } from '../../../workflows/agent/types.ts';
import { createConversationRuntime, wording } from '../../../workflows/index.ts';
import { recentMessages } from '../../../workflows/runtime/history.ts';
import { readConversation, readConversationRecent } from '../../../workflows/runtime/store.ts';
import { asSecondInstance, createTestDatabase } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const HISTORY_LIMIT = 3;

/** The offline agent, recording the history each instant answer was given. */
function recordingOffline() {
  const offline = new OfflineAgent();
  const asked: { text: string; history: AgentContext['history']; reply: AgentReply }[] = [];
  const agent: AiAgent = {
    name: 'recording-offline',
    reply: (m, ctx) => offline.reply(m, ctx),
    extractDetails: (m, ctx) => offline.extractDetails(m, ctx),
    instant(message, ctx) {
      const reply = offline.instant(message, ctx);
      asked.push({ text: message, history: ctx.history, reply });
      return reply;
    },
  };
  return { agent, asked };
}

/** `on` counting every statement sent through it (alone, or in a transaction) and every transaction. */
function counting(on: Database) {
  const counted = { statements: [] as string[], transactions: 0 };
  const wrap = (sql: Sql): Sql => ({
    query: (text, params) => {
      counted.statements.push(text.replace(/\s+/g, ' ').trim());
      return sql.query(text, params);
    },
  });
  const wrapped = wrap(on);
  const database: Database = {
    ...on,
    query: wrapped.query,
    transaction: (fn) => {
      counted.transactions++;
      return on.transaction((tx) => fn(wrap(tx)));
    },
  };
  return { database, counted };
}

function runtime(agent: AiAgent, clock: Clock, instanceId: string, on: Database = db) {
  const gateway = new RecordingGateway();
  const rt = createConversationRuntime({
    db: on,
    agent,
    logger: silentLogger,
    instanceId,
    now: clock.now,
    historyLimit: HISTORY_LIMIT,
  });
  rt.registerGateway('*', gateway);
  return { rt, gateway };
}

/**
 * What the durable way's history query would have read for the answer just stored: the conversation's messages but
 * the newest (that answer), the `limit` before the newest of those (historyBeforeLast).
 */
async function historyBeforeAnswer(conversationId: string) {
  const all = await db.prisma.message.findMany({
    where: { conversationId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { author: true, text: true },
  });
  return { answer: all.at(-1), history: all.slice(0, -1).slice(-(HISTORY_LIMIT + 1), -1) };
}

/**
 * `on` running each statement alone in its own transaction and reading, in that transaction, how many rows of
 * "Conversation" it updated and how many of those updates were HOT (heap-only: no index written).
 */
function countingHotUpdates(on: Database) {
  const counted = { updated: 0, hot: 0 };
  // the backend's counts not yet reported (they add up over its transactions, and are reported at most once a second,
  // at a transaction's end): read before and after the statement, in its transaction
  const read = async (tx: Sql) => {
    const [c] = await tx.query<{ updated: string; hot: string }>(
      `SELECT pg_stat_get_xact_tuples_updated('"Conversation"'::regclass)::text AS updated,
         pg_stat_get_xact_tuples_hot_updated('"Conversation"'::regclass)::text AS hot`,
    );
    return { updated: Number(c?.updated), hot: Number(c?.hot) };
  };
  const counting = <T>(fn: (tx: Sql) => Promise<T>) =>
    on.transaction(async (tx) => {
      const before = await read(tx);
      const result = await fn(tx);
      const after = await read(tx);
      counted.updated += after.updated - before.updated;
      counted.hot += after.hot - before.hot;
      return result;
    });
  const database: Database = {
    ...on,
    query: (text, params, options) => counting((tx) => tx.query(text, params, options)),
    transaction: counting,
  };
  return { database, counted };
}

const outboxKinds = async (conversationId: string) =>
  (await db.prisma.outboxEffect.findMany({ where: { conversationId }, orderBy: { seq: 'asc' } })).map((e) => e.kind);

describe('an AI agent that answers at once', () => {
  it('answers a known conversation in one statement: no transaction, no history query, no ai.reply effect', async () => {
    const { business } = await makeBusiness(db);
    const { database, counted } = counting(db);
    const { agent } = recordingOffline();
    const { rt, gateway } = runtime(agent, new Clock(), 'instant-count', database);

    const first = await rt.handleInbound(inbound(business.id, 'chat-i1', 'Hello'));
    const id = first.conversationId;
    counted.statements.length = 0;
    counted.transactions = 0;
    await rt.handleInbound(inbound(business.id, 'chat-i1', 'what are your opening hours?'));

    // the step with the AI's answer (then the delivery is marked done)
    expect(counted.transactions).toBe(0);
    const steps = counted.statements.filter((s) => !/^UPDATE "OutboxEffect"( e)? SET "doneAt"/.test(s));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatch(/^WITH .*UPDATE "Conversation"/);
    expect(steps[0]).toContain('INSERT INTO "Message"');

    expect(gateway.texts()).toHaveLength(2);
    // each message one step: a version each, and only deliveries in the outbox
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id } });
    expect(row.version).toBe(2);
    expect(await outboxKinds(id)).toEqual(['deliver', 'deliver']);
    expect((await db.prisma.outboxEffect.findMany({ where: { conversationId: id, doneAt: null } })).length).toBe(0);
    const stored = await db.prisma.message.findMany({
      where: { conversationId: id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { author: true, text: true },
    });
    expect(stored.map((m) => m.author)).toEqual(['customer', 'ai', 'customer', 'ai']);
    expect(stored.map((m) => m.text).filter((_, i) => i % 2 === 1)).toEqual(gateway.texts());
    await rt.stop();
  });

  it('a conversation another instance stepped last: found with its row and newest messages by the opening statement, then stepped: two statements', async () => {
    const { business } = await makeBusiness(db);
    const a = recordingOffline();
    const first = runtime(a.agent, new Clock(), 'instant-elsewhere-a');
    const { conversationId: id } = await first.rt.handleInbound(inbound(business.id, 'chat-i7', 'Hello'));
    const b = recordingOffline();
    const { database, counted } = counting(db);
    const second = runtime(b.agent, new Clock(), 'instant-elsewhere-b', database);
    await second.rt.handleInbound(inbound(business.id, 'chat-i7', 'what are your opening hours?'));
    // the open conversation found with its row and newest messages, the step with the AI's answer
    const steps = counted.statements.filter((s) => !/^UPDATE "OutboxEffect"( e)? SET "doneAt"/.test(s));
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatch(/^WITH open AS .* FROM "Message" WHERE "conversationId" = o\.id/);
    expect(steps[1]).toMatch(/^WITH .*UPDATE "Conversation"/);
    expect(counted.transactions).toBe(0);
    // the AI saw what the history query reads
    const { answer, history } = await historyBeforeAnswer(id);
    expect(b.asked.at(-1)?.reply.text).toBe(answer?.text);
    expect(b.asked.at(-1)?.history).toEqual(history);
    expect(history.length).toBeGreaterThan(0);
    await first.rt.stop();
    await second.rt.stop();
  });

  it('a conversation read with its newest messages in one statement reads what the row and the history query read', async () => {
    const { business } = await makeBusiness(db);
    const { agent } = recordingOffline();
    const { rt } = runtime(agent, new Clock(), 'instant-read-recent');
    const { conversationId: id } = await rt.handleInbound(inbound(business.id, 'chat-i8', 'Hello'));
    for (const text of ['what do you sell?', 'hi there', 'hmm'])
      await rt.handleInbound(inbound(business.id, 'chat-i8', text));
    await rt.stop();
    for (const keep of [1, 3, 100]) {
      const both = await readConversationRecent(db, id, keep);
      const history = await recentMessages(db, id, keep);
      expect(both?.conversation).toEqual(await readConversation(db, id));
      expect(both?.conversation.version).toBe(history?.version);
      expect(both?.recent).toEqual(history?.recent);
      // the newest `keep`, oldest first, as Prisma reads them
      const newest = await db.prisma.message.findMany({
        where: { conversationId: id },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: keep,
      });
      expect(both?.recent).toEqual(
        newest.reverse().map((m) => ({ id: m.id, createdAt: m.createdAt.getTime(), author: m.author, text: m.text })),
      );
    }
    expect((await readConversationRecent(db, id, 100))?.recent).toHaveLength(8);
    expect(await readConversationRecent(db, '00000000-0000-7000-8000-000000000000', 3)).toBeNull();
  });

  it("a customer's message updates its conversation without a new index entry (a HOT update)", async () => {
    // every message changes the row's snapshot, version and lastActivityAt: none of them is in an index (migration
    // conversation_hot_updates), so the row's next version stays on its page and no index is written
    const { business } = await makeBusiness(db);
    const { database, counted } = countingHotUpdates(db);
    const clock = new Clock();
    const { rt } = runtime(recordingOffline().agent, clock, 'instant-hot', database);
    // the first message changes the conversation's status (an indexed column): not that one
    await rt.handleInbound(inbound(business.id, 'chat-hot', 'Hello'));
    counted.updated = counted.hot = 0;
    for (const text of ['Hello', 'hi', 'Hello again']) {
      clock.advance(5);
      expect((await rt.handleInbound(inbound(business.id, 'chat-hot', text))).status).toBe('ai');
    }
    expect(counted.updated).toBe(3);
    expect(counted.hot).toBe(counted.updated);
    await rt.stop();
  });

  it('live events and the intake see the customer and the AI message of the one step', async () => {
    const { business } = await makeBusiness(db);
    const { agent } = recordingOffline();
    const { rt, gateway } = runtime(agent, new Clock(), 'instant-live');
    await rt.handleInbound(inbound(business.id, 'chat-i2', 'Hello'));
    const seen: string[] = [];
    rt.subscribe((e) => {
      if (e.type === 'message') seen.push(`${e.message.author}: ${e.message.text}`);
    });
    const r = await rt.handleInbound(inbound(business.id, 'chat-i2', 'I want to talk to a person'));
    expect(r.status).toBe('waiting');
    expect(seen).toEqual(['customer: I want to talk to a person', `ai: ${gateway.texts().at(-1)}`]);
    // the handover's timer, written with the step
    const timers = await db.prisma.durableTimer.findMany({ where: { conversationId: r.conversationId } });
    expect(timers.map((t) => t.key).sort()).toEqual([expect.stringMatching(/^handover:/), 'inactivity']);
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id: r.conversationId } });
    expect(row.waitingSince).not.toBeNull();
    await rt.stop();
  });

  it('the history it sees is what the history query reads: remembered, after a handover and capture, after a restart, after another instance', async () => {
    const { business } = await makeBusiness(db, { handoverTimeoutSeconds: 60 });
    const clock = new Clock();
    const checked: number[] = [];
    type Asked = ReturnType<typeof recordingOffline>['asked'];
    /** the message, answered at once, with the history the durable way would have read */
    const say = async (rt: ReturnType<typeof runtime>, asked: Asked, chat: string, text: string) => {
      const before = asked.length;
      const r = await rt.rt.handleInbound(inbound(business.id, chat, text));
      // (more than once when a step computed from a stale memory was stepped again from the row)
      expect(asked.length).toBeGreaterThan(before);
      const { answer, history } = await historyBeforeAnswer(r.conversationId);
      const last = asked.at(-1);
      expect(answer?.text).toBe(last?.reply.text);
      expect(last?.history).toEqual(history);
      checked.push(history.length);
      return r;
    };

    // a new conversation (no message yet), then more messages than the history's limit
    const a = recordingOffline();
    const first = runtime(a.agent, clock, 'instant-history-a');
    const { conversationId: id } = await say(first, a.asked, 'chat-i3', 'Hello');
    for (const text of ['what do you sell?', 'hi there', 'hmm', 'hello again'])
      await say(first, a.asked, 'chat-i3', text);
    expect(checked).toEqual([0, 2, 3, 3, 3]);

    // a handover; the customer writes while waiting (no answer), the handover timer moves it to the capture, the
    // details are read and saved; a question in the follow-up is answered at once, in the step of its reading
    await say(first, a.asked, 'chat-i3', 'can I talk to a person please');
    await first.rt.handleInbound(inbound(business.id, 'chat-i3', 'still there?'));
    clock.advance(61);
    expect(await first.rt.fireDueTimers()).toBe(1);
    await first.rt.handleInbound(inbound(business.id, 'chat-i3', "I'm Sam Baker - sam@example.com, 07911 123456"));
    expect(first.gateway.texts().at(-1)).toBe(wording.readBack('sam@example.com', '+447911123456', 'Sam Baker'));
    await say(first, a.asked, 'chat-i3', 'do you deliver to Mars?');
    expect(first.gateway.texts().at(-1)).toBe('Thanks, someone from the team will reply here as soon as possible.');
    expect(await outboxKinds(id)).not.toContain('ai.reply');
    // another conversation that stays with the AI
    await say(first, a.asked, 'chat-i4', 'Hello');
    await say(first, a.asked, 'chat-i4', 'what do you sell?');
    await first.rt.stop();

    // a restart: a new runtime knows neither; it reads the history under the row lock (the AI's conversation), or
    // before the follow-up's reading is answered (the follow-up)
    const b = recordingOffline();
    const second = runtime(b.agent, clock, 'instant-history-b');
    await say(second, b.asked, 'chat-i3', 'are you there?');
    await say(second, b.asked, 'chat-i3', 'hello?');
    await say(second, b.asked, 'chat-i4', 'hi there');

    // another instance steps it meanwhile: the second's memory is of an older version, and not what is answered from
    const c = recordingOffline();
    const other = await asSecondInstance(db, 2);
    const third = runtime(c.agent, clock, 'instant-history-c', other);
    // (a new conversation first: the business is cached when a step is answered under the row lock)
    await say(third, c.asked, 'chat-i5', 'Hello');
    await say(third, c.asked, 'chat-i4', 'hmm');
    await say(second, b.asked, 'chat-i4', 'hello again');
    await say(third, c.asked, 'chat-i4', 'anything else?');
    await third.rt.stop();
    await second.rt.stop();
    if (other !== db) await other.close();

    expect(checked.slice(5).filter((n) => n !== HISTORY_LIMIT)).toEqual([0, 2, 0]);
  });

  it('an agent without an answer at once keeps the two steps: the ai.reply effect, the history read after the step', async () => {
    const { business } = await makeBusiness(db);
    const { database, counted } = counting(db);
    const { rt, gateway } = runtime(testAgent, new Clock(), 'instant-none', database);
    const first = await rt.handleInbound(inbound(business.id, 'chat-i4', 'hello'));
    counted.statements.length = 0;
    await rt.handleInbound(inbound(business.id, 'chat-i4', 'still there?'));
    expect(gateway.texts()).toEqual(['You said: hello', 'You said: still there?']);
    // the customer's step, the history, the AI's step (and the delivery done)
    const steps = counted.statements.filter((s) => !/^UPDATE "OutboxEffect"( e)? SET "doneAt"/.test(s));
    expect(steps).toHaveLength(3);
    expect(steps[1]).toContain('FROM "Message" WHERE "conversationId"');
    const id = first.conversationId;
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).version).toBe(4);
    expect(await outboxKinds(id)).toEqual(['ai.reply', 'deliver', 'ai.reply', 'deliver']);
    await rt.stop();
  });

  it('the OpenAI agent answers at once only a request for a person (the model is never asked then)', async () => {
    const { business } = await makeBusiness(db);
    // nothing listens there: a question the model must answer fails over to a handover (ai_failed)
    const agent = new OpenAiAgent({ apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    const { rt } = runtime(agent, new Clock(), 'instant-openai');
    const r = await rt.handleInbound(inbound(business.id, 'chat-i5', 'I want to talk to a human'));
    expect(r.status).toBe('waiting');
    expect(await outboxKinds(r.conversationId)).toEqual(['deliver']);
    const other = await rt.handleInbound(inbound(business.id, 'chat-i6', 'what do you sell?'));
    expect(await outboxKinds(other.conversationId)).toEqual(['ai.reply', 'deliver']);
    await rt.stop();
  });
});
