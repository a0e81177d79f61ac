// WhatsApp's lease (bot/channels/whatsapp/lease.ts): one holder at a time; a holder that can no longer renew stops
// its channel before another instance takes the lease over; a stopped holder gives it back at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Database } from '../../../prisma/index.ts';
import { ChannelLease } from '../../../bot/channels/whatsapp/index.ts';
import { asSecondInstance, createTestDatabase, testDbKind } from '../../support/db.ts';
import { waitFor } from '../../support/spawn.ts';

const logger = pino({ level: 'silent' });
let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

function lease(on: Database, holder: string, log: string[], ttlMs = 900) {
  return new ChannelLease({
    db: on,
    channel: 'whatsapp',
    holder,
    ttlMs,
    logger,
    onAcquired: () => log.push(`${holder} started`),
    onLost: () => log.push(`${holder} stopped`),
  });
}

describe('the WhatsApp lease', () => {
  it.skipIf(testDbKind() !== 'pglite')('on the embedded database the one instance holds it at once', async () => {
    const log: string[] = [];
    const l = lease(db, 'only', log);
    l.start();
    expect(l.status()).toEqual({ held: true, holder: 'only', reported: null });
    expect(log).toEqual(['only started']);
    await l.stop();
  });

  it.skipIf(testDbKind() !== 'postgres')(
    'one holder; a holder cut off stops before the other takes over; a stopped holder gives it back',
    async () => {
      const other = await asSecondInstance(db, 2);
      const log: string[] = [];
      const first = lease(other, 'host-x:1', log);
      const second = lease(db, 'host-y:2', log);
      try {
        first.start();
        await waitFor(async () => (first.status().held ? true : undefined), 5000);
        second.start();
        await waitFor(async () => (second.status().holder === 'host-x:1' ? true : undefined), 5000);
        expect(second.status().held).toBe(false);

        // the first instance loses its database: it stops WhatsApp, then the second takes the lease once it expired
        const cutAt = Date.now();
        await other.close();
        await waitFor(async () => (second.status().held ? true : undefined), 5000);
        expect(Date.now() - cutAt).toBeLessThan(900 + 300 + 1000);
        expect(log).toEqual(['host-x:1 started', 'host-x:1 stopped', 'host-y:2 started']);

        // a stopped holder deletes its row: a third takes over at its first try
        await second.stop();
        const third = lease(db, 'host-z:3', log, 60_000);
        third.start();
        await waitFor(async () => (third.status().held ? true : undefined), 2000);
        await third.stop();
      } finally {
        await first.stop();
        await second.stop();
      }
    },
  );
});
