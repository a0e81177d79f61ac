// Replies to the customer: a stored outbound message, sent through the gateway of the conversation's channel.
import type { Logger } from 'pino';
import type { Database } from '../../../prisma/index.ts';
import type { ChannelGateway, TypingTarget } from '../../contracts.ts';
import { shownNameOf } from '../agent-names.ts';
import type { ConversationRef } from '../store.ts';

/** The channels' gateways, by channel name; '*' serves every channel without one of its own. */
export class GatewayRegistry {
  private readonly gateways = new Map<string, ChannelGateway>();

  register(channel: string, gateway: ChannelGateway): void {
    this.gateways.set(channel, gateway);
  }

  for(channel: string): ChannelGateway | undefined {
    return this.gateways.get(channel) ?? this.gateways.get('*');
  }

  /** Channels another instance runs now (WhatsApp without its lease here), as the gateways say. */
  notServedHere(): string[] {
    return [...new Set([...this.gateways.values()].flatMap((g) => g.notServedHere?.() ?? []))];
  }
}

/**
 * Sends one stored message, keyed by its id (a channel that knows the key drops a second send). Throws when the
 * channel does: the delivery is retried. 'undeliverable': no gateway serves the channel (the message stays stored).
 */
export async function deliver(
  deps: { db: Database; gateways: GatewayRegistry; logger: Logger },
  conversation: ConversationRef,
  message: { messageId: string; text: string; author: 'ai' | 'agent' | 'system'; agentId?: string | null | undefined },
): Promise<'done' | 'undeliverable'> {
  const { id: conversationId, channel } = conversation;
  const gateway = deps.gateways.for(channel);
  if (!gateway) {
    deps.logger.warn({ conversationId, channel }, 'no gateway for this channel: message stored, not delivered');
    return 'undeliverable';
  }
  await gateway.send({
    id: message.messageId,
    conversationId,
    channel,
    reference: (conversation.reference ?? {}) as Record<string, unknown>,
    text: message.text,
    author: message.author,
    agentName: message.author === 'agent' ? await shownNameOf(deps.db, message.agentId) : undefined,
  });
  return 'done';
}

/** A typing indicator on the conversation's channel; never fails the caller (it is only a hint). */
export async function showTyping(
  deps: { gateways: GatewayRegistry; logger: Logger },
  target: TypingTarget,
): Promise<void> {
  const gateway = deps.gateways.for(target.channel);
  if (!gateway?.typing) return;
  try {
    await gateway.typing(target);
  } catch (e) {
    deps.logger.debug({ err: e, conversationId: target.conversationId }, 'typing indicator not delivered');
  }
}
