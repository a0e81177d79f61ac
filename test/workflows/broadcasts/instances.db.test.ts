// Two instances sending one broadcast (two senders, each with its own connection pool on PostgreSQL): each
// recipient is claimed by one of them (FOR UPDATE SKIP LOCKED) and reaches the channel once.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../prisma/index.ts';
import { createBroadcast, createBroadcastSender, getBroadcast } from '../../../workflows/index.ts';
import { createPostgresDatabase, createTestDatabase, testDbKind } from '../../support/db.ts';
import { databaseUrl } from '../../support/postgres-urls.ts';
import { botFrameworkOnly, countingChannel, taggedAudience } from './fixtures.ts';

const COUNT = 24;

describe(`two instances send one broadcast on ${testDbKind()}`, () => {
  let db1: Database;
  let db2: Database;
  let channel: Awaited<ReturnType<typeof countingChannel>>;

  beforeAll(async () => {
    if (testDbKind() === 'postgres') {
      const name = await createPostgresDatabase();
      db1 = await openDatabase({ databaseUrl: databaseUrl(name), dataDir: '', poolSize: 4 });
      db2 = await openDatabase({ databaseUrl: databaseUrl(name), dataDir: '', poolSize: 4 });
    } else {
      db1 = db2 = await createTestDatabase(); // one process per embedded database: two senders share it
    }
    channel = await countingChannel({ delayMs: 50 });
  });
  afterAll(async () => {
    await channel?.close();
    await db1?.close();
    if (db2 !== db1) await db2?.close();
  });

  it('each recipient is sent exactly once, by one of the two', async () => {
    const { businessId, tagId } = await taggedAudience(db1, channel.url, COUNT);
    const { id } = await createBroadcast(db1, businessId, { tags: [tagId], message: 'Hello {{firstName}}' }, null);
    const logger = pino({ level: 'silent' });
    const a = createBroadcastSender({
      db: db1,
      channels: botFrameworkOnly(),
      logger,
      instanceId: 'a:1',
      concurrency: 3,
    });
    const b = createBroadcastSender({
      db: db2,
      channels: botFrameworkOnly(),
      logger,
      instanceId: 'b:1',
      concurrency: 3,
    });
    const [sentByA, sentByB] = await Promise.all([a.drain(), b.drain()]);
    expect(sentByA + sentByB).toBe(COUNT);
    expect(channel.received.size).toBe(COUNT);
    for (let i = 0; i < COUNT; i++) expect(channel.received.get(`conv-${i}`)).toEqual([`Hello C${i}`]);
    const view = await getBroadcast(db1, businessId, id);
    expect(view).toMatchObject({ status: 'completed', counts: { total: COUNT, sent: COUNT, sending: 0, queued: 0 } });
    const claimedBy = await db1.prisma.broadcastRecipient.groupBy({ by: ['claimedBy'], _count: { _all: true } });
    expect(claimedBy.reduce((n, g) => n + g._count._all, 0)).toBe(COUNT);
  });
});
