// Broadcasts end to end on the real stack (runtime, HTTP API, channels, the sender as bot/start-baton.ts composes it): a fake
// whatsapp-web.js client (the library's event names and shapes) and a local HTTP server playing a Bot Framework
// channel stand in for the far edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../prisma/index.ts';
import { OPT_OUT_CONFIRMATION } from '../../../workflows/index.ts';
import { createTestDatabase, testDbKind } from '../../support/db.ts';
import { conversationOf, startStack, type Stack } from '../../bot/channels/stack.ts';
import { emulatorActivity, recordingChannel } from '../../bot/channels/support.ts';
import { asClient, FakeWhatsAppClient, pairedAtOnce } from '../../bot/channels/whatsapp-fake.ts';

interface View {
  id: string;
  status: string;
  counts: Record<string, number>;
}
interface Recipient {
  contact: { id: string; displayName: string };
  channel: string | null;
  status: string;
  reason: string | null;
}

describe(`broadcasts on ${testDbKind()}`, () => {
  let db: Database;
  let stack: Stack;
  let channel: Awaited<ReturnType<typeof recordingChannel>>;
  const fake = new FakeWhatsAppClient(pairedAtOnce);
  const ids: Record<string, string> = {};
  let vip = '';

  const ok = async (method: string, path: string, body?: unknown, status = 200) => {
    const res = await stack.api(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body as Record<string, unknown>;
  };
  const contact = async (key: string, body: Record<string, unknown>, tagIds: string[]) => {
    const c = await ok('POST', '/api/v1/contacts', body, 201);
    ids[key] = c.id as string;
    await ok('PUT', `/api/v1/contacts/${ids[key]}/tags`, { tagIds });
  };
  const post = (activity: object) =>
    fetch(`${stack.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  const finished = async (id: string) => {
    let view: View | undefined;
    await expect
      .poll(
        async () => {
          view = (await ok('GET', `/api/v1/broadcasts/${id}`)) as unknown as View;
          return view.status;
        },
        { timeout: 15_000 },
      )
      .toBe('completed');
    return view!;
  };
  const recipients = async (id: string, status?: string) =>
    (
      (await ok('GET', `/api/v1/broadcasts/${id}/recipients${status ? `?status=${status}` : ''}`)) as {
        items: Recipient[];
      }
    ).items;

  beforeAll(async () => {
    db = await createTestDatabase();
    channel = await recordingChannel();
    fake.notOnWhatsApp.add('447911000002');
    stack = await startStack(db, {
      env: { BATON_WHATSAPP: '1', BATON_WHATSAPP_SENDS_PER_MINUTE: '600' },
      createWhatsAppClient: () => asClient(fake),
    });
    for (let i = 0; i < 100 && stack.channels.whatsAppStatus().state !== 'ready'; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    vip = ((await ok('POST', '/api/v1/tags', { name: 'VIP' }, 201)) as { id: string }).id;
    const other = ((await ok('POST', '/api/v1/tags', { name: 'Other' }, 201)) as { id: string }).id;
    await contact('ann', { firstName: 'Ann', lastName: 'Ash', phone: '+447911000001' }, [vip]);
    await contact('bob', { firstName: 'Bob', lastName: 'Birch', phone: '+447911000002' }, [vip]);
    await contact('dan', { firstName: 'Dan', lastName: 'Doe', email: 'dan@example.com' }, [vip]);
    await contact('eve', { firstName: 'Eve', lastName: 'Elm', phone: '+447911000005', broadcastOptOut: true }, [vip]);
    await contact('fay', { firstName: 'Fay', lastName: 'Fir', phone: '+447911000006' }, [vip]);
    await ok('DELETE', `/api/v1/contacts/${ids.fay}`);
    await contact('gus', { firstName: 'Gus', lastName: 'Gum', phone: '+447911000007' }, [other]);
    await contact('hal', { firstName: 'Hal', lastName: 'Hay', phone: '+447911000008' }, [vip, other]);
    // Cara first wrote on a Bot Framework channel (a guest), then an agent saved her details: reachable there.
    expect((await post(emulatorActivity(channel.url, 'Hello', { conversationId: 'emu-cara' }))).status).toBe(200);
    await channel.waitForText(/./);
    const guest = (await conversationOf(db, 'emu-cara')).contactId;
    await ok('PATCH', `/api/v1/contacts/${guest}`, { firstName: 'Cara', lastName: 'Cole', email: 'cara@example.com' });
    ids.cara = guest;
    await ok('PUT', `/api/v1/contacts/${guest}/tags`, { tagIds: [vip] });
  });
  afterAll(async () => {
    await stack?.stop();
    await channel?.close();
    await db?.close();
  });

  it('counts the audience by channel and by reason before sending, and previews one real recipient', async () => {
    const a = await ok('POST', '/api/v1/broadcasts/audience', { tags: ['VIP'], message: 'Hi {{firstName|there}}!' });
    expect(a).toMatchObject({
      total: 6, // ann, bob, cara, dan, eve, hal — fay is archived, gus lacks the tag
      reachable: { total: 4, byChannel: { whatsapp: 3, emulator: 1 } },
      unreachable: { total: 2, byReason: { opted_out: 1, no_channel: 1, whatsapp_not_connected: 0 } },
    });
    expect((a.preview as { text: string }).text).toMatch(/^Hi (Ann|Bob|Hal|Cara)!$/);
    const all = await ok('POST', '/api/v1/broadcasts/audience', { tags: ['vip', 'Other'], matchAll: true });
    expect(all).toMatchObject({ total: 1, reachable: { byChannel: { whatsapp: 1 } } });
    const bad = await stack.api('POST', '/api/v1/broadcasts/audience', { tags: ['VIP'], message: 'Hi {{nickname}}' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'message' } });
    expect((await stack.api('POST', '/api/v1/broadcasts/audience', { tags: ['nope'] })).body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', field: 'tags' },
    });
  });

  it('sends on each channel with placeholders; one failure does not stop the rest; every recipient has a status', async () => {
    const b = (await ok(
      'POST',
      '/api/v1/broadcasts',
      { tags: [vip], message: 'Hi {{firstName|there}} {{lastName}}, our sale starts today.' },
      201,
    )) as unknown as View;
    const view = await finished(b.id);
    expect(view.counts).toMatchObject({ total: 6, sent: 3, failed: 1, skipped: 2, queued: 0, sending: 0 });
    const byName = Object.fromEntries((await recipients(b.id)).map((r) => [r.contact.displayName, r]));
    expect(byName['Bob Birch']).toMatchObject({ status: 'failed', reason: 'this number is not on WhatsApp' });
    expect(byName['Dan Doe']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/no phone/) });
    expect(byName['Eve Elm']).toMatchObject({ status: 'skipped', reason: 'opted out of broadcasts' });
    expect(fake.sent.filter((s) => s.chatId === '447911000001@c.us').map((s) => s.content)).toEqual([
      'Hi Ann Ash, our sale starts today.',
    ]);
    await channel.waitForText('Hi Cara Cole, our sale starts today.');
    expect((await recipients(b.id, 'failed')).map((r) => r.contact.displayName)).toEqual(['Bob Birch']);
  });

  it('a reply to a broadcast opens a normal conversation the AI answers; STOP opts the contact out', async () => {
    const before = fake.sent.length;
    fake.receive({ number: '447911000008', pushname: 'Hal Hay', body: 'Hello, is the sale online too?' });
    await expect.poll(() => fake.sent.length, { timeout: 10_000 }).toBeGreaterThan(before);
    const conv = await db.prisma.conversation.findFirstOrThrow({ where: { contactId: ids.hal } });
    const texts = (await db.prisma.message.findMany({ where: { conversationId: conv.id } })).map((m) => m.text);
    expect(texts).toContain('Hello, is the sale online too?');

    fake.receive({ number: '447911000008', body: 'STOP' });
    await expect
      .poll(() => fake.sent.filter((s) => s.chatId === '447911000008@c.us').map((s) => s.content), { timeout: 10_000 })
      .toContain(OPT_OUT_CONFIRMATION.en);
    const card = await ok('GET', `/api/v1/contacts/${ids.hal}`);
    expect(card.broadcastOptOut).toBe(true);
    const audit = (await ok('GET', `/api/v1/contacts/${ids.hal}/audit`)) as { items: { changes: object }[] };
    expect(audit.items.map((i) => i.changes)).toContainEqual({ broadcastOptOut: { from: false, to: true } });
    const a = await ok('POST', '/api/v1/broadcasts/audience', { tags: ['VIP'] });
    expect(a).toMatchObject({ unreachable: { byReason: { opted_out: 2 } } });
    // An agent can change it back.
    expect((await ok('PATCH', `/api/v1/contacts/${ids.hal}`, { broadcastOptOut: false })).broadcastOptOut).toBe(false);
  });

  it('a scheduled broadcast waits for its time and can be cancelled', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const b = (await ok('POST', '/api/v1/broadcasts', { tags: ['VIP'], message: 'Later', at }, 201)) as unknown as View;
    await new Promise((r) => setTimeout(r, 300));
    expect(((await ok('GET', `/api/v1/broadcasts/${b.id}`)) as unknown as View).status).toBe('scheduled');
    const cancelled = (await ok('POST', `/api/v1/broadcasts/${b.id}/cancel`)) as unknown as View;
    expect(cancelled.status).toBe('cancelled');
    expect((await stack.api('POST', `/api/v1/broadcasts/${b.id}/cancel`)).status).toBe(409);
    expect(fake.sent.some((s) => s.content === 'Later')).toBe(false);
    const list = (await ok('GET', '/api/v1/broadcasts')) as { items: View[] };
    expect(list.items[0]?.id).toBe(b.id);
  });

  it('is for admins only, and another business sees none of it', async () => {
    const res = await fetch(`${stack.url}/api/v1/broadcasts`);
    expect(res.status).toBe(401);
    expect((await stack.api('GET', '/api/v1/broadcasts/00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
