// A delivery's done mark (completeEffect) on a real database: marks made at once share statements, each effect gets its
// own outcome, and a batch that fails fails every caller in it, none left waiting, while the next batch still goes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Sql } from '../../../prisma/index.ts';
import { createConversationRuntime } from '../../../workflows/runtime/index.ts';
import { completeEffect, type EffectOutcome } from '../../../workflows/runtime/outbox.ts';
import { createTestDatabase } from '../../support/db.ts';
import { inbound, makeBusiness, RecordingGateway, silentLogger, testAgent } from '../support/fixtures.ts';

let db: Database;
let conversationId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const { business } = await makeBusiness(db);
  const rt = createConversationRuntime({ db, agent: testAgent, logger: silentLogger, instanceId: 'marks' });
  rt.registerGateway('*', new RecordingGateway());
  ({ conversationId } = await rt.handleInbound(inbound(business.id, 'marks-1', 'hello')));
  await rt.stop();
});
afterAll(async () => {
  await db?.close();
});

/** `n` pending deliveries, claimed. */
async function pendingEffects(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await db.prisma.outboxEffect.createMany({
    data: ids.map((id) => ({
      id,
      conversationId,
      kind: 'deliver',
      payload: {},
      attempts: 1,
      claimedBy: 'marks',
      claimedUntil: new Date(Date.now() + 60_000),
    })),
  });
  return ids;
}

/** The database, counting its statements; `gate` holds the statements back until it resolves, `fail` fails them. */
function counting(opts: { gate?: (n: number) => Promise<void>; fail?: (n: number) => boolean } = {}) {
  const statements: number[] = [];
  const sql: Sql = {
    async query<R extends Record<string, unknown>>(text: string, params?: unknown[], options?: { prepare?: boolean }) {
      const n = statements.length + 1;
      statements.push(((params?.[0] as unknown[] | undefined) ?? []).length);
      await opts.gate?.(n);
      if (opts.fail?.(n)) throw new Error(`statement ${n} failed`);
      return db.query<R>(text, params, options);
    },
  };
  return { sql, statements };
}

const outcomes: EffectOutcome[] = ['done', 'gave_up', 'undeliverable'];

describe('done marks', () => {
  it('marks made at once share statements, each effect with its own outcome; a mark done already is refused', async () => {
    const ids = await pendingEffects(30);
    const { sql, statements } = counting();
    const at = new Date('2026-03-01T12:00:00.000Z');
    // the last effect twice: only its first mark takes
    const marks = [...ids, ids[29]!].map((id, i) => completeEffect(sql, id, outcomes[i % 3]!, new Date(+at + i)));
    const results = await Promise.all(marks);
    expect(results).toEqual([...ids.map(() => true), false]);
    // the first goes at once, alone; the 30 others waited for it and go together
    expect(statements).toEqual([1, 30]);
    const rows = await db.prisma.outboxEffect.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    ids.forEach((id, i) => {
      expect(byId.get(id)).toMatchObject({ outcome: outcomes[i % 3], doneAt: new Date(+at + i), claimedUntil: null });
    });
    // marked again later: false, the first outcome kept
    expect(await completeEffect(sql, ids[1]!, 'done', new Date())).toBe(false);
    expect((await db.prisma.outboxEffect.findUniqueOrThrow({ where: { id: ids[1]! } })).outcome).toBe('gave_up');
  });

  it('a batch that fails rejects every caller in it; none is left waiting, and the next batch goes', async () => {
    const ids = await pendingEffects(7);
    let open!: () => void;
    const firstHeld = new Promise<void>((r) => (open = r));
    const { sql, statements } = counting({
      gate: (n) => (n === 1 ? firstHeld : Promise.resolve()),
      fail: (n) => n === 2,
    });
    const first = completeEffect(sql, ids[0]!, 'done', new Date());
    const failing = ids.slice(1, 6).map((id) => completeEffect(sql, id, 'done', new Date()));
    open();
    expect(await first).toBe(true);
    const settled = await Promise.allSettled(failing);
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('rejected'));
    for (const s of settled)
      expect((s as PromiseRejectedResult).reason).toMatchObject({ message: 'statement 2 failed' });
    expect(await completeEffect(sql, ids[6]!, 'done', new Date())).toBe(true);
    expect(statements).toEqual([1, 5, 1]);
    const left = await db.prisma.outboxEffect.findMany({ where: { id: { in: ids }, doneAt: null } });
    expect(left.map((r) => r.id).sort()).toEqual(ids.slice(1, 6).sort());
  });
});
