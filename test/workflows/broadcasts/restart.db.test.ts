// A real Baton process killed (SIGKILL) in the middle of a broadcast, then started again: it goes on where it
// stopped, the sends the crash interrupted are marked `unknown` and never sent again, and no recipient gets the
// message twice.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../prisma/index.ts';
import { INTERRUPTED_REASON } from '../../../workflows/index.ts';
import { migratedBatonData } from '../../support/data-dir.ts';
import { testDbKind } from '../../support/db.ts';
import { baton, freePort, runTypeScript, waitFor } from '../../support/spawn.ts';
import { countingChannel, taggedAudience } from './fixtures.ts';

const COUNT = 20;

describe(`a broadcast survives a SIGKILL on ${testDbKind()}`, { timeout: 180_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('restarts where it stopped: interrupted sends become unknown, nobody gets it twice', async () => {
    const { dir, env } = await migratedBatonData('baton-broadcast-');
    dirs.push(dir);
    env.LOG_LEVEL = 'info';
    const open = async (): Promise<Database> => {
      const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.BATON_DATA_DIR! });
      await db.migrate();
      return db;
    };
    // Each send is held 300 ms by the channel, so the kill lands with sends in flight.
    const channel = await countingChannel({ delayMs: 300 });
    let db = await open();
    await taggedAudience(db, channel.url, COUNT);
    await db.close();

    // Written by `baton broadcast`, as an admin would from a terminal (no terminal here: it returns at once).
    const dry = await baton(
      ['broadcast', '--tag', 'customers', '--message', 'Sale: {{firstName}}', '--dry-run', '--json'],
      env,
    );
    expect(dry.code, dry.output).toBe(0);
    expect(JSON.parse(dry.output)).toMatchObject({
      total: COUNT,
      reachable: { total: COUNT, byChannel: { emulator: COUNT } },
      preview: { text: expect.stringMatching(/^Sale: C\d+$/) },
    });
    const created = await baton(['broadcast', '--tag', 'Customers', '--message', 'Sale: {{firstName}}', '--json'], env);
    expect(created.code, created.output).toBe(0);
    const { id, status } = JSON.parse(created.output) as { id: string; status: string };
    expect(status).toBe('scheduled');

    const port = await freePort();
    const first = runTypeScript('bot/main.ts', [], { ...env, PORT: String(port) });
    await waitFor(async () => (channel.total() >= 4 ? true : undefined), 90_000);
    first.child.kill('SIGKILL');
    await first.exit;
    const beforeRestart = channel.total();
    expect(beforeRestart).toBeLessThan(COUNT);

    const second = runTypeScript('bot/main.ts', [], { ...env, PORT: String(port) });
    await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 90_000);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'correct horse battery staple' }),
    });
    const { token } = (await login.json()) as { token: string };
    await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/broadcasts/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return ((await res.json()) as { status: string }).status === 'completed' ? true : undefined;
    }, 60_000);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(second.output()).toMatch(/interrupted by a restart marked unknown/);
    await new Promise((r) => setTimeout(r, 400)); // the last held responses
    await channel.close();

    db = await open();
    try {
      const recipients = await db.prisma.broadcastRecipient.findMany({
        where: { broadcastId: id },
        include: { contact: { include: { conversations: true } } },
      });
      expect(recipients).toHaveLength(COUNT);
      const byStatus = (s: string) => recipients.filter((r) => r.status === s);
      expect(byStatus('sent').length + byStatus('unknown').length).toBe(COUNT);
      expect(byStatus('unknown').length).toBeGreaterThan(0);
      for (const r of byStatus('unknown')) expect(r.reason).toBe(INTERRUPTED_REASON);
      for (const r of recipients) {
        const texts = channel.received.get(r.contact.conversations[0]!.channelConversationId) ?? [];
        expect(texts.length).toBeLessThanOrEqual(1); // never twice
        if (r.status === 'sent') expect(texts).toEqual([`Sale: ${r.contact.firstName}`]);
      }
    } finally {
      await db.close();
    }
  });
});
