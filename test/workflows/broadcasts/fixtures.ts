// Fixtures for the broadcast tests: a business with tagged contacts who each wrote on a Bot Framework channel
// (a conversation holding a reference to `serviceUrl`), and a local HTTP server playing that channel.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createBroadcastChannels } from '../../../bot/channels/broadcast-channels.ts';
import { createBotFrameworkAdapter, createChannelGateway } from '../../../bot/channels/index.ts';
import { LocalAdapters } from '../../../bot/channels/local-channels.ts';
import { createBusiness, createContact, createTag, setContactTags } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import type { BroadcastChannels } from '../../../workflows/index.ts';

export async function taggedAudience(db: Database, serviceUrl: string, count: number) {
  const { business } = await createBusiness(db, {
    name: 'Acme',
    country: 'GB',
    admin: { email: 'admin@example.com', password: 'correct horse battery staple' },
  });
  const businessId = business.id;
  const tag = await createTag(db, businessId, 'Customers', { type: 'system' });
  for (let i = 0; i < count; i++) {
    const c = await createContact(
      db,
      businessId,
      { firstName: `C${i}`, lastName: 'Test', email: `c${i}@example.com` },
      { type: 'system' },
    );
    await setContactTags(db, businessId, c.id, [tag.id], { type: 'system' });
    await db.prisma.conversation.create({
      data: {
        businessId,
        channel: 'emulator',
        channelConversationId: `conv-${i}`,
        contactId: c.id,
        status: 'ai',
        reference: {
          channelId: 'emulator',
          serviceUrl,
          conversation: { id: `conv-${i}` },
          bot: { id: 'bot-1', name: 'Bot' },
          user: { id: `user-${i}` },
        },
      },
    });
  }
  return { businessId, tagId: tag.id };
}

/** A Bot Framework channel (the Emulator's role): counts the messages each conversation receives. */
export async function countingChannel(options: { delayMs?: number } = {}) {
  const received = new Map<string, string[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const activity = JSON.parse(body || '{}') as { type?: string; text?: string; conversation?: { id: string } };
      const id =
        activity.conversation?.id ?? decodeURIComponent(/conversations\/([^/]+)/.exec(req.url ?? '')?.[1] ?? '');
      const reply = () => {
        if (activity.type === 'message') received.set(id, [...(received.get(id) ?? []), activity.text ?? '']);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `r-${Date.now()}` }));
      };
      if (options.delayMs) setTimeout(reply, options.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    total: () => [...received.values()].reduce((n, texts) => n + texts.length, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The real BroadcastChannels of an instance without WhatsApp: the channels' gateway over botbuilder's CloudAdapter. */
export function botFrameworkOnly(): BroadcastChannels {
  const logger = pino({ level: 'silent' });
  const cloud = createBotFrameworkAdapter({ MicrosoftAppType: 'MultiTenant' }, logger);
  return createBroadcastChannels({
    gateway: createChannelGateway({ cloud, local: new LocalAdapters() }),
    whatsapp: undefined,
  });
}
