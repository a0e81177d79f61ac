// The messages benchmark's run `channel`: Baton's Bot Framework channel alone, without the database — createChannels
// on the server's Fastify set-up (createFastify: its request logging, error shape, body parsing; Baton's logger at the
// benchmark's level, warn), the route, its checks, the kept connector clients, the gateway, and a stand-in for the
// runtime that answers each message after the turn, through the gateway, as the runtime's outbox does. What Baton's
// Bot Framework side costs beside the echo bot. Run as a process of its own:
//   node bin/run.mjs bench/messages/channel-bot.ts <port> [typing]
// With `typing`, a typing indicator goes out before each reply (what the runtime does for an AI answer that is slow).
import { createChannels, type ChannelGateway, type InboundMessage } from '../../bot/channels/index.ts';
import { loadConfig } from '../../bot/config.ts';
import { createFastify } from '../../bot/http/index.ts';
import { createLogger } from '../../bot/logger.ts';

const port = Number(process.argv[2]);
const typing = process.argv[3] === 'typing';
const gateways = new Map<string, ChannelGateway>();
const runtime = {
  registerGateway(channel: string, gateway: ChannelGateway) {
    gateways.set(channel, gateway);
  },
  async handleInbound(message: InboundMessage) {
    const gateway = gateways.get('*')!;
    const target = { conversationId: 'bench', channel: message.channel, reference: message.reference };
    setImmediate(() => {
      void (async () => {
        if (typing) await gateway.typing!(target);
        await gateway.send({ ...target, text: `echo: ${message.text}`, author: 'ai' });
      })().catch((e: unknown) => console.error(e));
    });
  },
};
const logger = createLogger('warn');
const channels = createChannels({
  config: loadConfig({ LOG_LEVEL: 'warn', BATON_PUBLIC_REQUESTS_PER_MINUTE: '10000000' }),
  logger,
  conversations: runtime,
  resolveBusiness: async () => ({ id: '00000000-0000-4000-8000-000000000001', slug: 'bench', name: 'Bench' }),
});
const app = createFastify(logger);
await channels.register(app, { authorizeAdmin: async () => {} });
await app.listen({ port, host: '127.0.0.1' });
console.log(`channel bot listening on ${port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
