// Replies to the customer: a stored outbound message, sent through the gateway of the conversation's channel.
import type { Logger } from 'pino';
import type { ChannelGateway } from '../../contracts.ts';
import type { SentMessage } from '../dispatch.ts';
import type { LockedConversation } from '../store.ts';

/** The channels' gateways, by channel name; '*' serves every channel without one of its own. */
export class GatewayRegistry {
  private readonly gateways = new Map<string, ChannelGateway>();

  register(channel: string, gateway: ChannelGateway): void {
    this.gateways.set(channel, gateway);
  }

  for(channel: string): ChannelGateway | undefined {
    return this.gateways.get(channel) ?? this.gateways.get('*');
  }
}

/** Sends one stored message; a failure is logged (the message stays stored for the console). */
export async function deliver(
  deps: { gateways: GatewayRegistry; logger: Logger },
  conversation: LockedConversation,
  sent: SentMessage,
): Promise<void> {
  const { id: conversationId, channel } = conversation;
  const gateway = deps.gateways.for(channel);
  if (!gateway) {
    deps.logger.warn({ conversationId, channel }, 'no gateway for this channel: message stored, not delivered');
    return;
  }
  try {
    await gateway.send({
      conversationId,
      channel,
      reference: (conversation.reference ?? {}) as Record<string, unknown>,
      text: sent.message.text,
      author: sent.author,
    });
  } catch (e) {
    deps.logger.error({ err: e, conversationId, channel }, 'delivering a message failed');
  }
}
