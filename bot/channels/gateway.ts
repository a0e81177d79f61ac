// Delivers the runtime's outbound messages on the channel a conversation came from, outside or inside a turn:
// proactively from the stored ConversationReference.
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { LocalAdapters } from './local-channels.ts';
import type { ChannelGateway, OutboundMessage } from './ports.ts';

export interface GatewayRoutes {
  /** Bot Framework traffic (Azure channels, Emulator): sent to the reference's serviceUrl */
  cloud: { adapter: CloudAdapter; appId: string };
  /** Baton's own adapters (the webchat's Direct Line, WhatsApp), found by the serviceUrl they stamp (local-channels.ts) */
  local: LocalAdapters;
  logger?: Logger;
}

export function createChannelGateway(routes: GatewayRoutes): ChannelGateway {
  return {
    async send(message: OutboundMessage) {
      const reference = message.reference as Partial<ConversationReference>;
      // the stored message's id keys the activity (botbuilder drops an outgoing `id`): the same on every retry, so
      // a channel that keeps it drops a redelivery after a crash
      const channelData = { batonAuthor: message.author, ...(message.id ? { batonMessageId: message.id } : {}) };
      const activity = { type: 'message', text: message.text, channelData };
      const local = reference.serviceUrl ? routes.local.get(reference.serviceUrl) : undefined;
      if (local) {
        await local.continueConversation(reference, async (context) => {
          await context.sendActivity(activity);
        });
        return;
      }
      if (reference.serviceUrl?.startsWith('baton://'))
        throw new Error(`${reference.serviceUrl} is not served by this instance (is the channel enabled here?)`);
      if (!reference.serviceUrl)
        throw new Error(`conversation ${message.conversationId} has no serviceUrl to reply to`);
      await routes.cloud.adapter.continueConversationAsync(routes.cloud.appId, reference, async (context) => {
        await context.sendActivity(activity);
      });
      routes.logger?.debug({ channel: message.channel, author: message.author }, 'message delivered');
    },
  };
}
