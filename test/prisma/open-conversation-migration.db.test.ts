// The migration that allows one open conversation per channel conversation, on a database that has two: the older
// is closed (as the conversation machine closes one) and the index is built.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { createBusiness } from '../../contacts/index.ts';
import {
  applyMigrations,
  fromPGlite,
  migrationDriver,
  openDatabase,
  pgliteExtensions,
  type Database,
} from '../../prisma/index.ts';
import { MIGRATIONS_DIR } from '../../prisma/migrations.ts';
import { restoreConversation, startConversation, statusOf } from '../../workflows/conversation/index.ts';
import { createEmptyPostgresDatabase, testDbKind } from '../support/db.ts';

const MIGRATION = '20261207190849_open_conversation_per_channel_conversation';

async function emptyDatabase(): Promise<Database> {
  if (testDbKind() === 'pglite') return fromPGlite(await PGlite.create({ extensions: pgliteExtensions }));
  return openDatabase({ databaseUrl: await createEmptyPostgresDatabase(), dataDir: '' });
}

describe(`${MIGRATION} on ${testDbKind()}`, () => {
  let db: Database | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('closes all but the newest open conversation of a channel conversation, then builds the index', async () => {
    db = await emptyDatabase();
    // every migration before this one
    dir = await mkdtemp(path.join(os.tmpdir(), 'B-migrations-'));
    for (const name of await readdir(MIGRATIONS_DIR)) {
      if (name >= MIGRATION) continue;
      await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    }
    await applyMigrations(migrationDriver(db), dir);

    const { business } = await createBusiness(db, {
      name: 'Shop',
      slug: 'shop',
      country: 'GB',
      admin: { email: 'admin@shop.test', password: 'correct horse battery' },
    });
    const contact = await db.prisma.contact.create({ data: { businessId: business.id, status: 'guest' } });
    const start = startConversation({
      channel: 'webchat',
      knownPhone: null,
      handoverTimeoutMs: 120_000,
      inactivityTimeoutMs: 86_400_000,
    });
    const conversation = (status: 'ai' | 'closed', createdAt: string, chat = 'chat-1') =>
      db!.prisma.conversation.create({
        data: {
          businessId: business.id,
          channel: 'webchat',
          channelConversationId: chat,
          contactId: contact.id,
          status,
          snapshot: JSON.parse(JSON.stringify(start.persisted)) as object,
          createdAt: new Date(createdAt),
        },
      });
    const closed = await conversation('closed', '2026-01-01T10:00:00Z');
    const older = await conversation('ai', '2026-01-02T10:00:00Z');
    const newest = await conversation('ai', '2026-01-03T10:00:00Z');
    const elsewhere = await conversation('ai', '2026-01-02T10:00:00Z', 'chat-2');
    await db.prisma.durableTimer.create({
      data: { conversationId: older.id, event: 'inactivity.timeout', key: 'inactivity', dueAt: new Date() },
    });

    expect(await applyMigrations(migrationDriver(db), MIGRATIONS_DIR)).toContain(MIGRATION);

    const after = await db.prisma.conversation.findUniqueOrThrow({ where: { id: older.id } });
    expect(after).toMatchObject({ status: 'closed', waitingSince: null, version: 1 });
    expect(after.closedAt).not.toBeNull();
    expect(statusOf(restoreConversation(after.snapshot))).toBe('closed');
    const timer = await db.prisma.durableTimer.findFirstOrThrow({ where: { conversationId: older.id } });
    expect(timer.cancelledAt).not.toBeNull();
    for (const untouched of [closed, newest, elsewhere]) {
      const row = await db.prisma.conversation.findUniqueOrThrow({ where: { id: untouched.id } });
      expect({ status: row.status, version: row.version }).toEqual({ status: untouched.status, version: 0 });
    }
    // the index holds from now on
    await expect(
      db.query(`UPDATE "Conversation" SET status = 'ai' WHERE id = $1::uuid`, [older.id]),
    ).rejects.toMatchObject({ code: '23505', constraint: 'Conversation_open_channel_conversation_key' });
  });
});
