// `npm start` with a fake whatsapp-web.js client (WhatsApp's servers are out of reach in tests): a real Baton process
// whose WhatsApp client pairs at once, and, when BATON_TEST_WHATSAPP_GREETING is set, receives one customer message
// (from +447911123456) once it is ready. Each message the bot sends is printed as a line `FAKE_WHATSAPP_SENT {json}`.
import { loadConfig } from '../../bot/config.ts';
import { serveUntilSignal } from '../../bot/serve-until-signal.ts';
import { startBaton } from '../../bot/start-baton.ts';
import { FakeWhatsAppClient, pairedAtOnce } from '../bot/channels/whatsapp-fake.ts';

class PrintingClient extends FakeWhatsAppClient {
  override async sendMessage(chatId: string, content: string): Promise<unknown> {
    process.stdout.write(`FAKE_WHATSAPP_SENT ${JSON.stringify({ chatId, content })}\n`);
    return super.sendMessage(chatId, content);
  }
}

const greeting = process.env.BATON_TEST_WHATSAPP_GREETING;
const createWhatsAppClient = () =>
  new PrintingClient((client) => {
    pairedAtOnce(client);
    if (greeting) setTimeout(() => client.receive({ number: '447911123456', pushname: 'Ann', body: greeting }), 50);
  });

await serveUntilSignal(loadConfig(), {
  start: (config) => startBaton(config, { channels: { createWhatsAppClient } }),
  exit: (code) => process.exit(code),
});
