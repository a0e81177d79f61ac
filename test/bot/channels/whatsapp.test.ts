import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannels, type Channels } from '../../../bot/channels/index.ts';
import {
  createSendQueue,
  messageText,
  senderE164,
  skipReason,
  WhatsAppConnection,
} from '../../../bot/channels/whatsapp/index.ts';
import { channelsConfig, quietLogger, recordingRuntime } from './support.ts';
import { asClient, FakeWhatsAppClient } from './whatsapp-fake.ts';

const business = { id: '00000000-0000-4000-8000-000000000001', slug: 'acme', name: 'Acme' };

describe('WhatsApp messages (pure rules)', () => {
  it('ignores own messages, status broadcasts, broadcasts, groups, channels and notifications', () => {
    const base = { from: '447911123456@c.us', fromMe: false, isStatus: false, broadcast: false, type: 'chat' };
    expect(skipReason(base)).toBeNull();
    expect(skipReason({ ...base, fromMe: true })).toBe('own_message');
    expect(skipReason({ ...base, isStatus: true })).toBe('status_broadcast');
    expect(skipReason({ ...base, from: 'status@broadcast' })).toBe('status_broadcast');
    expect(skipReason({ ...base, broadcast: true })).toBe('broadcast');
    expect(skipReason({ ...base, from: '120363000000000000@g.us' })).toBe('group');
    expect(skipReason({ ...base, from: '120363000000000000@newsletter' })).toBe('newsletter');
    expect(skipReason({ ...base, type: 'e2e_notification' })).toBe('system');
  });

  it('records media with a placeholder (and the caption), never the media data', () => {
    expect(messageText({ body: ' hi ', type: 'chat', hasMedia: false })).toBe('hi');
    expect(messageText({ body: 'my invoice', type: 'image', hasMedia: true })).toBe('[image] my invoice');
    expect(messageText({ body: '', type: 'image', hasMedia: true })).toBe('[image]');
    expect(messageText({ body: '/9j/4AAQSkZJRgABAQ…', type: 'sticker', hasMedia: true })).toBe('[sticker]');
    expect(messageText({ body: '', type: 'ptt', hasMedia: true })).toBe('[voice message]');
    expect(messageText({ body: '', type: 'something_new', hasMedia: true })).toBe('[media]');
  });

  it("turns the sender's number into E.164", () => {
    expect(senderE164('447911123456', '447911123456@c.us')).toBe('+447911123456');
    expect(senderE164(undefined, '14155552671@c.us')).toBe('+14155552671');
    expect(senderE164('', '123@lid')).toBeUndefined();
  });

  it('paces sends through the queue (a sliding window at the configured rate)', async () => {
    const queue = createSendQueue(600); // one every 100 ms
    const times: number[] = [];
    const started = Date.now();
    await Promise.all([1, 2, 3].map(() => queue.enqueue(async () => void times.push(Date.now() - started))));
    expect(times[0]).toBeLessThan(50);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(190);
  });
});

describe('WhatsApp through the adapter (fake whatsapp-web.js client)', () => {
  let channels: Channels | undefined;
  afterEach(async () => {
    await channels?.stop();
    channels = undefined;
  });

  function setup() {
    const runtime = recordingRuntime();
    const fake = new FakeWhatsAppClient();
    const qrs: string[] = [];
    channels = createChannels({
      config: channelsConfig({ BATON_WHATSAPP: '1', BATON_WHATSAPP_SENDS_PER_MINUTE: '600' }),
      logger: quietLogger(),
      conversations: runtime,
      resolveBusiness: async () => business,
      createWhatsAppClient: () => asClient(fake),
      printQr: (qr) => qrs.push(qr),
    });
    channels.start();
    return { runtime, fake, qrs, channels };
  }

  it('shows the pairing QR, then ready; a message becomes an InboundMessage; the reply goes back to the chat', async () => {
    const { runtime, fake, qrs, channels } = setup();
    await expect.poll(() => channels.whatsAppStatus().state).toBe('qr');
    expect(channels.whatsAppStatus().qr).toBe('2@fake-qr-payload');
    expect(qrs).toEqual(['2@fake-qr-payload']);
    fake.emit('authenticated');
    fake.emit('ready');
    expect(channels.whatsAppStatus()).toMatchObject({ enabled: true, state: 'ready', qr: null });

    fake.receive({ number: '447911123456', pushname: 'Ada Lovelace', body: 'Hello!' });
    await expect.poll(() => runtime.inbound.length).toBe(1);
    expect(runtime.inbound[0]).toMatchObject({
      businessId: business.id,
      channel: 'whatsapp',
      channelConversationId: '447911123456@c.us',
      text: 'Hello!',
      sender: { phone: '+447911123456', profileName: 'Ada Lovelace', channelUserId: '447911123456@c.us' },
      reference: { serviceUrl: 'baton://whatsapp', conversation: { id: '447911123456@c.us' } },
    });
    await expect
      .poll(() => fake.sent)
      .toEqual([expect.objectContaining({ chatId: '447911123456@c.us', content: 'echo: Hello!' })]);

    // An agent's reply, later, from the stored reference.
    await runtime.gateways.get('*')!.send({
      conversationId: 'conv-1',
      channel: 'whatsapp',
      reference: runtime.inbound[0]!.reference,
      text: 'Sam here',
      author: 'agent',
    });
    await expect.poll(() => fake.sent.map((s) => s.content)).toEqual(['echo: Hello!', 'Sam here']);
  });

  it('ignores groups, status updates and its own messages; media never crashes the pipeline', async () => {
    const { runtime, fake } = setup();
    await expect.poll(() => fake.initialized).toBe(1);
    fake.emit('ready');
    fake.receive({ from: '120363000000000000@g.us', body: 'group hello' });
    fake.receive({ from: '447911123456@c.us', body: 'group via chat', isGroup: true });
    fake.receive({ from: 'status@broadcast', isStatus: true, body: 'my status' });
    fake.receive({ number: '447911123456', fromMe: true, body: 'sent from the phone' });
    fake.receive({ number: '447911123456', type: 'image', hasMedia: true, body: '', pushname: 'Ada' });
    fake.receive({ number: '14155552671', body: 'second customer' });
    await expect.poll(() => runtime.inbound.map((m) => m.text)).toEqual(['[image]', 'second customer']);
    expect(runtime.inbound[1]?.sender.phone).toBe('+14155552671');
    expect(runtime.inbound[1]?.sender.profileName).toBeUndefined();
  });

  it('exposes the connection state to admins only at GET /api/v1/channels/whatsapp', async () => {
    const { channels } = setup();
    const app = Fastify();
    await channels.register(app, {
      authorizeAdmin: async (request, reply) => {
        if (request.headers.authorization !== 'Bearer admin')
          await reply.code(401).send({ error: { code: 'UNAUTHENTICATED' } });
      },
    });
    await expect.poll(() => channels.whatsAppStatus().state).toBe('qr');
    expect((await app.inject({ url: '/api/v1/channels/whatsapp' })).statusCode).toBe(401);
    const res = await app.inject({ url: '/api/v1/channels/whatsapp', headers: { authorization: 'Bearer admin' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ enabled: true, state: 'qr', qr: '2@fake-qr-payload' });
    expect(res.json<{ qrSvg: string }>().qrSvg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    await app.close();
  });

  it('a delivery resolves once WhatsApp sent it, is sent once per key, and fails when it could not be sent', async () => {
    const { runtime, fake, channels } = setup();
    await expect.poll(() => fake.initialized).toBe(1);
    const reference = {
      serviceUrl: 'baton://whatsapp',
      conversation: { id: '447911123456@c.us' },
      channelId: 'whatsapp',
    };
    const gateway = () => runtime.gateways.get('*')!;
    const send = (id: string | undefined, text: string) =>
      gateway().send({ id, conversationId: 'conv-1', channel: 'whatsapp', reference, text, author: 'ai' });

    fake.emit('ready');
    await expect.poll(() => channels.whatsAppStatus().state).toBe('ready');

    // Held by WhatsApp: the delivery has not resolved; a second delivery of the same message joins it.
    fake.hold();
    let done = false;
    const first = send('m-1', 'Hello').then(() => (done = true));
    const again = send('m-1', 'Hello');
    await expect.poll(() => fake.sending.length).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(done).toBe(false);
    fake.release();
    await Promise.all([first, again]);
    // Delivered again later (a retry after the send, before the outbox recorded it): not sent twice.
    await send('m-1', 'Hello');
    // Messages without a key (the opt-out confirmation) are simply sent.
    await send(undefined, 'No key');
    expect(fake.sent.map((s) => s.content)).toEqual(['Hello', 'No key']);

    // WhatsApp closes with a send under way: the delivery fails (the runtime's outbox retries it), nothing is sent.
    fake.hold();
    const lost = send('m-2', 'Closing');
    await expect.poll(() => fake.sending.length).toBe(1);
    await channels.stop();
    await expect(lost).rejects.toThrow(/Target closed/);
    // Stopped, the instance no longer holds WhatsApp's lease: the delivery is handed back (for the next holder).
    await expect(send('m-2', 'Closing')).rejects.toThrow(/whatsapp runs on another instance/);
    expect(fake.sent.map((s) => s.content)).toEqual(['Hello', 'No key']);
  });
});

describe('WhatsApp connection supervision', () => {
  it('reconnects with backoff after a disconnect and asks for a new pairing after a logout', async () => {
    const clients: FakeWhatsAppClient[] = [];
    const cleared: number[] = [];
    const connection = new WhatsAppConnection({
      createClient: () => {
        const c = new FakeWhatsAppClient((client) => {
          client.emit('authenticated');
          client.emit('ready');
        });
        clients.push(c);
        return asClient(c);
      },
      onClient: () => {},
      logger: quietLogger(),
      backoff: { initialMs: 20, maxMs: 100 },
      clearSession: async () => void cleared.push(clients.length),
    });
    connection.start();
    await expect.poll(() => connection.status().state).toBe('ready');
    clients[0]!.emit('disconnected', 'NAVIGATION');
    expect(connection.status()).toMatchObject({
      state: 'disconnected',
      reason: 'WhatsApp Web reloaded itself. Baton is reconnecting.',
    });
    expect(clients[0]!.destroyed).toBe(1);
    await expect.poll(() => clients.length).toBe(2);
    await expect.poll(() => connection.status().state).toBe('ready');
    expect(cleared).toEqual([]); // an ordinary disconnect keeps the session

    clients[1]!.emit('disconnected', 'LOGOUT');
    expect(connection.status().reason).toMatch(
      /^The phone logged Baton out of WhatsApp\. Scan the new pairing QR code/,
    );
    await expect.poll(() => clients.length).toBe(3);
    expect(cleared).toEqual([2]); // the lost session was forgotten after the second client closed
    expect(clients[1]!.destroyed).toBe(1);
    await connection.stop();
    expect(connection.status().state).toBe('stopped');
  });

  it('survives a client whose start fails (offline), and retries', async () => {
    let attempts = 0;
    const connection = new WhatsAppConnection({
      createClient: () =>
        asClient(
          new FakeWhatsAppClient(() => {
            attempts++;
            throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
          }),
        ),
      onClient: () => {},
      logger: quietLogger(),
      backoff: { initialMs: 10, maxMs: 40 },
    });
    connection.start();
    await expect.poll(() => attempts).toBeGreaterThanOrEqual(3);
    expect(connection.status()).toMatchObject({ state: 'disconnected' });
    // in plain words, never the browser's error
    expect(connection.status().reason).toBe(
      'WhatsApp cannot be reached: this server seems to have no internet connection. Baton keeps retrying.',
    );
    await connection.stop();
  });
});
