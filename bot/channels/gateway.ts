// Delivers the runtime's outbound messages and typing indicators on the channel a conversation came from, outside
// or inside a turn: proactively from the stored ConversationReference.
import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import { ChannelElsewhereError } from '../../workflows/index.ts';
import { localChannelOf, type LocalAdapters, type LocalChannel } from './local-channels.ts';
import type { ChannelGateway, OutboundMessage } from './ports.ts';

export interface GatewayRoutes {
  /** Bot Framework traffic (Azure channels, Emulator): sent to the reference's serviceUrl */
  cloud: { adapter: CloudAdapter; appId: string };
  /** Baton's own adapters (the webchat's Direct Line, WhatsApp), found by the serviceUrl they stamp (local-channels.ts) */
  local: LocalAdapters;
  /** Baton's channels that another instance runs now (WhatsApp without its lease here): sends there are refused */
  elsewhere?: () => LocalChannel[];
  logger?: Logger;
}

/**
 * What an agent's name rides on: `channelData.batonAgentName`. Baton's own adapters show it (webchat as the
 * activity's `from.name`, WhatsApp as a bold prefix); other Bot Framework channels show the bot's name.
 */
export interface BatonChannelData {
  batonAuthor?: OutboundMessage['author'];
  batonAgentName?: string;
  /** the stored message's id: keys the activity, so a channel that keeps it drops a redelivery */
  batonMessageId?: string;
}

export function createChannelGateway(routes: GatewayRoutes): ChannelGateway {
  async function deliver(conversationId: string, ref: Record<string, unknown>, activity: Partial<Activity>) {
    const reference = ref as Partial<ConversationReference>;
    const channel = localChannelOf(reference.serviceUrl);
    if (channel && routes.elsewhere?.().includes(channel)) throw new ChannelElsewhereError(channel);
    const local = reference.serviceUrl ? routes.local.get(reference.serviceUrl) : undefined;
    if (local) {
      await local.continueConversation(reference, async (context) => {
        await context.sendActivity(activity);
      });
      return;
    }
    if (reference.serviceUrl?.startsWith('baton://'))
      throw new Error(`${reference.serviceUrl} is not served by this instance (is the channel enabled here?)`);
    if (!reference.serviceUrl) throw new Error(`conversation ${conversationId} has no serviceUrl to reply to`);
    await routes.cloud.adapter.continueConversationAsync(routes.cloud.appId, reference, async (context) => {
      await context.sendActivity(activity);
    });
  }

  return {
    notServedHere: () => routes.elsewhere?.() ?? [],
    async send(message: OutboundMessage) {
      // the stored message's id keys the activity (botbuilder drops an outgoing `id`): the same on every retry, so
      // a channel that keeps it drops a redelivery after a crash
      const channelData: BatonChannelData = {
        batonAuthor: message.author,
        ...(message.agentName ? { batonAgentName: message.agentName } : {}),
        ...(message.id ? { batonMessageId: message.id } : {}),
      };
      await deliver(message.conversationId, message.reference, { type: 'message', text: message.text, channelData });
      routes.logger?.debug({ channel: message.channel, author: message.author }, 'message delivered');
    },
    async typing(target) {
      const channelData: BatonChannelData = target.agentName ? { batonAgentName: target.agentName } : {};
      await deliver(target.conversationId, target.reference, { type: 'typing', channelData });
    },
  };
}
