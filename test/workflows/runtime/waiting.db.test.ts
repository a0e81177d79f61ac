// Many conversations waiting for a person: the console's waiting queue and the timer poller's claims are served by
// their partial indexes (EXPLAIN of the statements Prisma really sends), a timer another instance scheduled fires at
// its due time without waiting for a poll, and claims divide the timers between instances without losing any.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { createConversationRuntime } from '../../../workflows/runtime/index.ts';
import { countConversations, listConversations } from '../../../workflows/runtime/queries.ts';
import { claimDueTimers } from '../../../workflows/runtime/timers.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { Clock, inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

interface Sent {
  text: string;
  values: unknown[];
}

/** Records the statements Prisma sends while `fn` runs (at the driver: the pool, or PGlite). */
async function statementsOf(fn: () => Promise<unknown>): Promise<Sent[]> {
  const sent: Sent[] = [];
  if (db.driver.kind === 'pglite') {
    const pglite = db.driver.pglite;
    const query = pglite.query.bind(pglite);
    pglite.query = ((text: string, values?: unknown[], opts?: object) => {
      sent.push({ text, values: values ?? [] });
      return query(text, values, opts);
    }) as typeof pglite.query;
    try {
      await fn();
    } finally {
      pglite.query = query;
    }
    return sent;
  }
  const pool = db.driver.pool;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (typeof config === 'string') sent.push({ text: config, values: (rest[0] as unknown[] | undefined) ?? [] });
    else if (typeof config === 'object' && config && 'text' in config) {
      const c = config as { text: string; values?: unknown[] };
      sent.push({ text: c.text, values: c.values ?? [] });
    }
    return query(config, ...rest);
  };
  try {
    await fn();
  } finally {
    (pool as { query: unknown }).query = query;
  }
  return sent;
}

/** The plan of one statement with sequential scans priced out: which index (if any) can serve it. */
async function planOf(text: string, values: unknown[]): Promise<string> {
  const explain = `EXPLAIN (COSTS OFF) ${text}`;
  if (db.driver.kind === 'pglite') {
    return db.driver.pglite.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(explain, values);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }
  const client = await db.driver.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(explain, values);
    await client.query('ROLLBACK');
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    client.release();
  }
}

/** `n` conversations of a business in SQL, every third waiting (handed over `i` minutes ago), the others with the AI. */
async function fillConversations(businessId: string, n: number): Promise<void> {
  const [contact] = await db.query<{ id: string }>(
    `INSERT INTO "Contact" (id, "businessId", "firstName", "lastName", status, "updatedAt")
     VALUES (gen_random_uuid(), $1, 'Wait', 'Ing', 'guest', now()) RETURNING id::text`,
    [businessId],
  );
  await db.query(
    `INSERT INTO "Conversation" (id, "businessId", channel, "channelConversationId", "contactId", status, "waitingSince", "updatedAt")
     SELECT gen_random_uuid(), $1, 'webchat', 'q-' || i, $2,
            (CASE WHEN i % 3 = 0 THEN 'waiting' ELSE 'ai' END)::"ConversationStatus",
            CASE WHEN i % 3 = 0 THEN now() - make_interval(mins => i) END, now()
     FROM generate_series(1, $3::int) i`,
    [businessId, contact!.id, n],
  );
  await db.query('ANALYZE "Conversation"');
}

describe(`waiting conversations on ${testDbKind()}`, () => {
  it("the console's waiting queue reads the waiting-queue index in waitingSince order (no sort); its count an index", async () => {
    const { business, admin } = await makeBusiness(db);
    await fillConversations(business.id, 6000);
    let page: Awaited<ReturnType<typeof listConversations>> = [];
    const sent = await statementsOf(async () => {
      page = await listConversations(db, { businessId: business.id, userId: admin.id, queue: 'waiting', limit: 50 });
    });
    expect(page).toHaveLength(50);
    const since = page.map((c) => Date.parse(c.waitingSince!));
    expect(since).toEqual([...since].sort((a, b) => a - b));
    // two statements: the ones assigned to this agent, then the others (the queue itself)
    const queues = sent.filter((s) => /FROM "public"\."Conversation"/.test(s.text) && /"waitingSince"/.test(s.text));
    expect(queues, sent.map((s) => s.text).join('\n')).toHaveLength(2);
    const plan = await planOf(queues[1]!.text, queues[1]!.values);
    expect(plan).toContain('Conversation_waiting_queue_idx');
    expect(plan).not.toMatch(/Sort/);
    // the agent's own: by an index too, never the whole table
    expect(await planOf(queues[0]!.text, queues[0]!.values)).not.toMatch(/Seq Scan/);

    const counted = await statementsOf(() => countConversations(db, { businessId: business.id, userId: admin.id }));
    const count = counted.find((s) => /count/i.test(s.text) && /'?waiting'?|\$\d/.test(s.text) && /IN \(/.test(s.text));
    expect(count, counted.map((s) => s.text).join('\n')).toBeDefined();
    // counting reads every waiting conversation: through an index (the status one serves it as well)
    expect(await planOf(count!.text, count!.values)).not.toMatch(/Seq Scan/);
  });

  it('the waiting queue puts the conversations assigned to the agent first, also those waiting less long than a page', async () => {
    const { business, admin } = await makeBusiness(db);
    await fillConversations(business.id, 300); // 100 waiting, handed over 3 … 300 minutes ago
    // the two that waited least long are the admin's contacts' conversations
    const newest = await db.query<{ id: string }>(
      `UPDATE "Conversation" SET "assignedAgentId" = $2::uuid WHERE id IN (
         SELECT id FROM "Conversation" WHERE "businessId" = $1::uuid AND "waitingSince" IS NOT NULL
         ORDER BY "waitingSince" DESC LIMIT 2) RETURNING id::text`,
      [business.id, admin.id],
    );
    const page = await listConversations(db, {
      businessId: business.id,
      userId: admin.id,
      queue: 'waiting',
      limit: 10,
    });
    expect(page).toHaveLength(10);
    expect(new Set(page.slice(0, 2).map((c) => c.id))).toEqual(new Set(newest.map((r) => r.id)));
    expect(page.slice(2).every((c) => c.assignedAgentId === null)).toBe(true);
    const rest = page.slice(2).map((c) => Date.parse(c.waitingSince!));
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    // another agent sees the plain order: the oldest waiting first, the admin's two beyond the first page
    const other = await listConversations(db, {
      businessId: business.id,
      userId: crypto.randomUUID(),
      queue: 'waiting',
      limit: 10,
    });
    expect(other.map((c) => c.id)).not.toContain(newest[0]!.id);
  });

  it("the poller's claim uses the pending timers' index", async () => {
    const sent = await statementsOf(() =>
      claimDueTimers(db, { now: new Date('2000-01-01T00:00:00Z'), instanceId: 'explain', limit: 10, leaseMs: 1000 }),
    );
    const claim = sent.find((s) => /UPDATE "DurableTimer"/.test(s.text))!;
    expect(await planOf(claim.text, claim.values)).toContain('DurableTimer_pending_dueAt_idx');
  });

  it('a timer another instance scheduled fires at its due time, without waiting for the next poll', async () => {
    const { business } = await makeBusiness(db, { handoverTimeoutSeconds: 2 });
    // this instance polls once a minute: only the wake-up armed by its last run can fire the timer in time
    const gateway = new RecordingGateway();
    const a = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: 'a',
      pollIntervalMs: 60_000,
    });
    a.registerGateway('*', gateway);
    const b = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: 'b' });
    b.registerGateway('*', new RecordingGateway());
    await a.start();
    const { conversationId: id } = await b.handleInbound(inbound(business.id, 'other-1', 'human please'));
    await a.fireDueTimers(); // a poll: nothing due yet, the wake-up is armed
    for (let i = 0; i < 100; i++) {
      const t = await db.prisma.durableTimer.findFirstOrThrow({ where: { conversationId: id, key: 'handover:1' } });
      if (t.firedAt) {
        expect(t.claimedBy).toBe('a');
        // generous for a loaded machine; a poll would have come 60 s later
        expect(t.firedAt.getTime() - t.dueAt.getTime()).toBeLessThan(5_000);
        break;
      }
      expect(i).toBeLessThan(99);
      await new Promise((r) => setTimeout(r, 100));
    }
    await a.stop();
    await b.stop();
  });

  it('claims: another live instance’s wait for their lease, a gone instance’s are released at once; each fires once', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock();
    const writer = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: 'w',
      now: clock.now,
    });
    writer.registerGateway('*', new RecordingGateway());
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await writer.handleInbound(inbound(business.id, `claims-${i}`, 'human please'))).conversationId);
    clock.advance(121);
    const timers = await db.prisma.durableTimer.findMany({
      where: { conversationId: { in: ids }, key: 'handover:1' },
      orderBy: { conversationId: 'asc' },
    });
    // two claimed by a live instance, two by a gone one, two unclaimed
    const claim = async (i: number, by: string) =>
      db.prisma.durableTimer.update({ where: { id: timers[i]!.id }, data: { claimedBy: by, claimedAt: clock.now() } });
    await claim(0, 'live');
    await claim(1, 'live');
    await claim(2, 'gone');
    await claim(3, 'gone');
    const gateway = new RecordingGateway();
    const rt = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: 'me',
      now: clock.now,
      isGone: (instance) => instance === 'gone',
    });
    rt.registerGateway('*', gateway);
    expect(await rt.fireDueTimers()).toBe(4);
    const firedNow = await db.prisma.durableTimer.findMany({ where: { id: { in: timers.map((t) => t.id) } } });
    expect(
      firedNow
        .filter((t) => t.firedAt)
        .map((t) => t.id)
        .sort(),
    ).toEqual(
      timers
        .slice(2)
        .map((t) => t.id)
        .sort(),
    );
    // the live instance's claims end with their lease (60 s): then anyone fires them
    clock.advance(30);
    expect(await rt.fireDueTimers()).toBe(0);
    clock.advance(31);
    expect(await rt.fireDueTimers()).toBe(2);
    expect(await rt.fireDueTimers()).toBe(0);
    for (const id of ids)
      expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id } })).status).toBe('capture');
    await rt.stop();
    await writer.stop();
  });

  it('a backlog of overdue timers (after a restart) does not hold back a timer falling due now', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock(Date.parse('2030-03-01T10:00:00Z'));
    const writer = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: 'w',
      now: clock.now,
    });
    writer.registerGateway('*', new RecordingGateway());
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await writer.handleInbound(inbound(business.id, `backlog-${i}`, 'human please'))).conversationId);
    // only this test's timers are pending (the other tests' would be overdue by 2030)
    await db.prisma.durableTimer.updateMany({
      where: { conversationId: { notIn: ids }, firedAt: null, cancelledAt: null },
      data: { cancelledAt: clock.now() },
    });
    // five fell due ten minutes ago while nothing ran; the last one falls due now
    await db.prisma.durableTimer.updateMany({
      where: { conversationId: { in: ids.slice(0, 5) }, key: 'handover:1' },
      data: { dueAt: new Date(clock.t - 600_000) },
    });
    await db.prisma.durableTimer.updateMany({
      where: { conversationId: ids[5]!, key: 'handover:1' },
      data: { dueAt: new Date(clock.t - 100) },
    });
    const first = await claimDueTimers(db, { now: clock.now(), instanceId: 'me', limit: 2, leaseMs: 60_000 });
    expect(first.map((t) => t.conversationId)).toEqual([ids[5], expect.any(String)]);
    expect(ids.slice(0, 5)).toContain(first[1]!.conversationId);
    const rest = await claimDueTimers(db, { now: clock.now(), instanceId: 'me', limit: 10, leaseMs: 60_000 });
    expect(rest.filter((t) => t.key === 'handover:1')).toHaveLength(4);
    await writer.stop();
  });

  it('after a restart the overdue timers take a quarter of a claim; timers due since the start that slipped go first', async () => {
    const { business } = await makeBusiness(db);
    const clock = new Clock(Date.parse('2031-03-01T10:00:00Z'));
    const writer = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: 'w2',
      now: clock.now,
    });
    writer.registerGateway('*', new RecordingGateway());
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await writer.handleInbound(inbound(business.id, `lanes-${i}`, 'human please'))).conversationId);
    await db.prisma.durableTimer.updateMany({
      where: { conversationId: { notIn: ids }, firedAt: null, cancelledAt: null },
      data: { cancelledAt: clock.now() },
    });
    const dueAt = async (from: number, to: number, at: number) =>
      db.prisma.durableTimer.updateMany({
        where: { conversationId: { in: ids.slice(from, to) }, key: 'handover:1' },
        data: { dueAt: new Date(at) },
      });
    const startedAt = new Date(clock.t - 10_000);
    await dueAt(0, 6, clock.t - 600_000); // overdue: due while Baton was down
    await dueAt(6, 9, clock.t - 5_000); // due since the start, slipped past the fresh 2 s (Baton ran behind)
    await dueAt(9, 10, clock.t - 100); // fresh
    const claim = (limit: number) =>
      claimDueTimers(db, { now: clock.now(), instanceId: 'me', limit, leaseMs: 60_000, startedAt });
    const first = (await claim(4)).map((t) => ids.indexOf(t.conversationId));
    // the fresh one, one overdue (a quarter), then the slipped ones ahead of the other overdue ones
    expect(first[0]).toBe(9);
    expect(first[1]).toBeLessThan(6);
    expect(first.slice(2).every((i) => i >= 6 && i < 9)).toBe(true);
    expect(first).toHaveLength(4);
    // the next claim: the last slipped one, then overdue ones with the rest of the room
    const next = (await claim(4)).map((t) => ids.indexOf(t.conversationId));
    expect(next.filter((i) => i >= 6 && i < 9)).toHaveLength(1);
    expect(next.filter((i) => i < 6)).toHaveLength(3);
    await writer.stop();
  });
});
