// Two real Baton processes on one PostgreSQL database share the work: a webchat visitor whose requests alternate
// between them sees every reply, an agent's live stream on one sees a customer's message that arrived on the other,
// WhatsApp runs on exactly one of them (the lease holder; an agent's reply sent from the other still reaches the
// customer) and, when the holder is killed with SIGKILL, the other takes WhatsApp over within 30 s.
// One pair of processes serves every check.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPostgresDatabase, testDbKind } from '../support/db.ts';
import { databaseUrl } from '../support/postgres-urls.ts';
import { freePort, runTypeScript, waitFor, type Spawned } from '../support/spawn.ts';

const PASSWORD = 'correct horse battery staple';
const ENTRY = 'test/support/baton-with-fake-whatsapp.ts';

interface Instance {
  name: string;
  base: string;
  run: Spawned;
  token: string;
}

type Activity = { id?: string; type: string; text?: string; from?: { role?: string }; channelData?: unknown };

const json = async <T>(res: Response): Promise<T> => {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

describe.skipIf(testDbKind() !== 'postgres')('several instances on one PostgreSQL', { timeout: 180_000 }, () => {
  let dir: string;
  const instances: Instance[] = [];
  const api = (i: Instance, route: string, init: RequestInit = {}) =>
    fetch(`${i.base}/api/v1${route}`, {
      ...init,
      headers: { authorization: `Bearer ${i.token}`, 'content-type': 'application/json', ...init.headers },
    });
  const whatsappStatus = async (i: Instance) =>
    json<{ state: string; instance: string | null }>(await api(i, '/channels/whatsapp'));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'baton-instances-'));
    const url = databaseUrl(await createPostgresDatabase());
    for (const name of ['A', 'B']) {
      const port = await freePort();
      const run = runTypeScript(ENTRY, [], {
        DATABASE_URL: url,
        BATON_DATA_DIR: path.join(dir, name),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        BATON_ADMIN_PASSWORD: PASSWORD,
        BATON_TOKEN_SECRET: 'one secret for every instance of this test',
        BATON_TIMER_POLL_MS: '200',
        BATON_WHATSAPP: '1',
        BATON_TEST_WHATSAPP_GREETING: `Hello from WhatsApp (${name})`,
      });
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 120_000).catch(() => {
        throw new Error(`instance ${name} did not start:\n${run.output()}`);
      });
      const login = await json<{ token: string }>(
        await fetch(`${base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
        }),
      );
      instances.push({ name, base, run, token: login.token });
    }
  });

  afterAll(async () => {
    for (const i of instances) {
      if (i.run.child.exitCode === null && i.run.child.signalCode === null) i.run.child.kill('SIGTERM');
      await i.run.exit;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a webchat visitor alternating between instances sees the replies; the agent on B sees what came to A', async () => {
    const [a, b] = instances as [Instance, Instance];

    // the agent's live stream on B
    const events = new AbortController();
    const stream = await fetch(`${b.base}/api/v1/conversations/events`, {
      headers: { authorization: `Bearer ${b.token}` },
      signal: events.signal,
    });
    expect(stream.status).toBe(200);
    let seenOnB = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>)
        seenOnB += decoder.decode(chunk, { stream: true });
    })().catch(() => {});

    // token from A, conversation started on B, its WebSocket on A, its messages posted to A then B, polled on B then A
    const { token, conversationId } = await json<{ token: string; conversationId: string }>(
      await fetch(`${a.base}/v3/directline/tokens/generate`, { method: 'POST' }),
    );
    const dl = (i: Instance, route: string, init: RequestInit = {}) =>
      fetch(`${i.base}/v3/directline${route}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    const started = await json<{ streamUrl: string }>(await dl(b, '/conversations', { method: 'POST' }));
    expect(started.streamUrl).toContain(conversationId);

    const streamed: Activity[] = [];
    const socket = new WebSocket(
      `${a.base.replace('http', 'ws')}/v3/directline/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}`,
    );
    socket.on('message', (data) =>
      streamed.push(...(JSON.parse(String(data)) as { activities: Activity[] }).activities),
    );
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    const post = async (i: Instance, text: string, clientActivityID: string) =>
      json<{ id: string }>(
        await dl(i, `/conversations/${conversationId}/activities`, {
          method: 'POST',
          body: JSON.stringify({ type: 'message', text, from: { id: 'visitor' }, channelData: { clientActivityID } }),
        }),
      );
    const poll = async (i: Instance) =>
      (await json<{ activities: Activity[] }>(await dl(i, `/conversations/${conversationId}/activities`))).activities;
    const botReplies = (activities: Activity[]) =>
      activities.filter((x) => x.type === 'message' && x.from?.role === 'bot');

    const first = await post(a, 'Hello there', 'c-1');
    const afterFirst = await waitFor(async () => {
      const seen = await poll(b);
      return botReplies(seen).length >= 1 ? seen : undefined;
    }, 20_000);
    // the visitor's own activity comes back with its id and clientActivityID (webchat marks it sent then)
    expect(afterFirst[0]).toMatchObject({
      id: first.id,
      text: 'Hello there',
      channelData: { clientActivityID: 'c-1' },
    });

    await post(b, 'what are your opening hours?', 'c-2');
    const afterSecond = await waitFor(async () => {
      const seen = await poll(a);
      return botReplies(seen).length > botReplies(afterFirst).length ? seen : undefined;
    }, 20_000);
    expect(afterSecond.map((x) => x.text)).toContain('what are your opening hours?');

    // the WebSocket on A streamed the same feed, in order, each activity once
    await waitFor(async () => (streamed.length >= afterSecond.length ? true : undefined), 10_000);
    expect(streamed.map((x) => x.id)).toEqual(afterSecond.map((x) => x.id));
    socket.close();

    // the agent's stream on B saw the customer's message that came in on A
    await waitFor(async () => (seenOnB.includes('Hello there') ? true : undefined), 10_000);
    events.abort();
    await reading;
  });

  it('WhatsApp runs on one instance; a reply sent from the other reaches the customer; SIGKILL hands it over', async () => {
    // both instances show the holder's state (an admin may reach either), and name the same holder
    const statuses = await waitFor(async () => {
      const s = await Promise.all(instances.map(whatsappStatus));
      return s.every((x) => x.state === 'ready' && x.instance && x.instance === s[0]?.instance) ? s : undefined;
    }, 30_000);
    const holderId = statuses[0]?.instance;
    const holder = instances.find((i) => holderId === `${os.hostname()}:${i.run.child.pid}`) as Instance;
    const other = instances.find((i) => i !== holder) as Instance;
    expect(holder).toBeDefined();

    // the holder's client received the customer's greeting and answered it
    const conversation = await waitFor(async () => {
      const { items } = await json<{ items: { id: string; channel: string }[] }>(await api(other, '/conversations'));
      return items.find((c) => c.channel === 'whatsapp');
    }, 20_000);

    // an agent on the other instance answers: the holder sends it
    const sent = await api(other, `/conversations/${conversation.id}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Sent from the instance without WhatsApp' }),
    });
    expect(sent.status).toBe(201);
    await waitFor(
      async () => (holder.run.output().includes('Sent from the instance without WhatsApp') ? true : undefined),
      15_000,
    );

    // a broadcast created on the other instance goes to the customer's WhatsApp, sent by the holder
    const tag = await json<{ id: string }>(
      await api(other, '/tags', { method: 'POST', body: JSON.stringify({ name: 'customers' }) }),
    );
    const { items: contacts } = await json<{ items: { id: string }[] }>(
      await api(other, '/contacts?search=7911123456'),
    );
    expect(contacts).toHaveLength(1);
    await json(
      await api(other, `/contacts/${contacts[0]?.id}/tags`, {
        method: 'PUT',
        body: JSON.stringify({ tagIds: [tag.id] }),
      }),
    );
    const created = await api(other, '/broadcasts', {
      method: 'POST',
      body: JSON.stringify({ tags: [tag.id], message: 'Our summer sale starts today' }),
    });
    expect(created.status).toBe(201);
    await waitFor(
      async () => (holder.run.output().includes('Our summer sale starts today') ? true : undefined),
      15_000,
    );
    expect(other.run.output()).not.toContain('FAKE_WHATSAPP_SENT');

    // the holder dies; the other takes WhatsApp over within 30 s
    const killedAt = Date.now();
    holder.run.child.kill('SIGKILL');
    await holder.run.exit;
    const ownId = `${os.hostname()}:${other.run.child.pid}`;
    await waitFor(async () => {
      const status = await whatsappStatus(other);
      return status.state === 'ready' && status.instance === ownId ? true : undefined;
    }, 30_000);
    const tookMs = Date.now() - killedAt;
    console.info(`WhatsApp taken over ${tookMs} ms after SIGKILL`);
    expect(tookMs).toBeLessThan(30_000);
  });
});
