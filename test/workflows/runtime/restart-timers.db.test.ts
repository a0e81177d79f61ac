// Right after a restart, the timer poller does not wait for the outbox's backlog: a timer due in the first moment
// after start-up fires on time while the effect worker is still carrying out 200 deliveries a crash left
// (before, start() carried out the whole backlog first and the poller began after it). A timer whose own
// conversation has effects left waits for them: what the earlier event sent goes out first.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { wording } from '../../../workflows/conversation/index.ts';
import type { OutboundMessage } from '../../../workflows/contracts.ts';
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

/** Records when each message left; the backlog's deliveries take `backlogMs` each (a slow channel). */
class TimedGateway extends RecordingGateway {
  readonly at = new Map<string, number>();
  constructor(private readonly backlogMs: number) {
    super();
  }
  override async send(message: OutboundMessage) {
    if (message.text.startsWith('backlog')) await new Promise((r) => setTimeout(r, this.backlogMs));
    await super.send(message);
    this.at.set(`${message.conversationId} ${message.text}`, Date.now());
  }
}

const GONE = 'gone-before-restart';

/** Deliveries a crashed instance left claimed, `count` for the conversation, in order. */
async function leftByACrash(conversationId: string, count: number) {
  const claimedUntil = new Date(Date.now() + 120_000).toISOString();
  for (let i = 0; i < count; i++) {
    const job = { kind: 'deliver', messageId: randomUUID(), text: `backlog ${i}`, author: 'ai', agentId: null };
    await db.query(
      `INSERT INTO "OutboxEffect" (id, "conversationId", kind, payload, attempts, "availableAt", "claimedBy", "claimedUntil")
       VALUES ($1, $2, 'deliver', $3::jsonb, 1, now(), $4, $5)`,
      [randomUUID(), conversationId, JSON.stringify(job), GONE, claimedUntil],
    );
  }
}

describe(`timers right after a restart on ${testDbKind()}`, () => {
  it('a timer due just after start-up fires within 1 s while a large effects backlog is worked; one whose conversation has effects left fires after them', async () => {
    const { business } = await makeBusiness(db);
    // Before the crash: two conversations wait for a person (handover timers armed), 20 others had replies.
    const before = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: GONE });
    before.registerGateway('*', new RecordingGateway());
    const prompt = (await before.handleInbound(inbound(business.id, 'rt-prompt', 'human please'))).conversationId;
    const held = (await before.handleInbound(inbound(business.id, 'rt-held', 'human please'))).conversationId;
    const busy: string[] = [];
    for (let i = 0; i < 20; i++)
      busy.push((await before.handleInbound(inbound(business.id, `rt-busy-${i}`, 'hello'))).conversationId);
    await before.stop();
    // The crash left 200 deliveries (20 conversations × 10) and 2 on the held conversation, all claimed by it.
    for (const id of busy) await leftByACrash(id, 10);
    await leftByACrash(held, 2);
    const backlog = 20 * 10 + 2;

    const gateway = new TimedGateway(15); // ≥ 3 s of backlog for one worker
    const rt = createConversationRuntime({
      db,
      agent: testAgent,
      logger: silentLogger,
      instanceId: `after-restart-${testDbKind()}`,
      isGone: (id) => id === GONE,
    });
    rt.registerGateway('*', gateway);
    // The held conversation's timer is overdue (it fell due while Baton was down); the prompt one falls due 300 ms
    // after the start.
    const startedAt = Date.now();
    const dueAt = new Date(startedAt + 300);
    await db.prisma.durableTimer.update({
      where: { conversationId_key: { conversationId: held, key: 'handover:1' } },
      data: { dueAt: new Date(startedAt - 5000) },
    });
    await db.prisma.durableTimer.update({
      where: { conversationId_key: { conversationId: prompt, key: 'handover:1' } },
      data: { dueAt },
    });
    const started = rt.start();

    const asked = wording.askDetails(null, true);
    await expect.poll(() => gateway.texts(prompt), { timeout: 10_000, interval: 20 }).toContain(asked);
    const firedAt = gateway.at.get(`${prompt} ${asked}`)!;
    // on time, and while the backlog was still being worked (before, it came after the whole backlog)
    expect(firedAt - dueAt.getTime()).toBeLessThan(1000);
    const delivered = gateway.sent.filter((m) => m.text.startsWith('backlog')).length;
    expect(delivered).toBeLessThan(backlog);
    const timer = await db.prisma.durableTimer.findFirstOrThrow({
      where: { conversationId: prompt, key: 'handover:1' },
    });
    expect(timer.firedAt!.getTime() - dueAt.getTime()).toBeLessThan(1000);

    await started;
    // the whole backlog goes out (a conversation's effects one after the other), and the held conversation's timer
    // fires after its own deliveries
    await expect
      .poll(() => gateway.sent.filter((m) => m.text.startsWith('backlog')).length, { timeout: 20_000 })
      .toBe(backlog);
    await expect.poll(() => gateway.texts(held), { timeout: 5_000 }).toEqual(['backlog 0', 'backlog 1', asked]);
    const pending = await db.prisma.outboxEffect.count({
      where: { doneAt: null, conversationId: { in: [...busy, held] } },
    });
    expect(pending).toBe(0);
    await rt.stop();
  }, 90_000);
});
