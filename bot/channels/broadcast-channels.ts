// How broadcasts reach customers (workflows' BroadcastChannels port): WhatsApp numbers through the WhatsApp
// adapter's paced queue (shared with replies), and Bot Framework channels proactively from a stored
// ConversationReference, as Bot Framework's proactive-messages sample does, through the channels' gateway.
import type { BroadcastChannels } from '../../workflows/index.ts';
import type { ChannelGateway } from './ports.ts';
import type { ChannelLease, WhatsAppAdapter, WhatsAppConnection } from './whatsapp/index.ts';

export function createBroadcastChannels(options: {
  gateway: ChannelGateway;
  whatsapp: { adapter: WhatsAppAdapter; connection: WhatsAppConnection; lease: ChannelLease } | undefined;
}): BroadcastChannels {
  const { gateway, whatsapp } = options;
  const ready = () => whatsapp?.connection.status().state === 'ready';
  return {
    whatsappReady: ready,
    // held here: connected here; held elsewhere: the holder runs it (its own readiness is not shared)
    whatsappRunning: () => (whatsapp?.lease.status().held ? ready() : !!whatsapp?.lease.status().holder),
    async sendWhatsApp(phone, text) {
      if (!whatsapp) throw new Error('WhatsApp is not enabled on this instance');
      await whatsapp.adapter.sendToNumber(phone, text);
    },
    async sendToReference(reference, text) {
      const channel = typeof reference.channelId === 'string' ? reference.channelId : 'unknown';
      await gateway.send({ conversationId: '', channel, reference, text, author: 'system' });
    },
  };
}
