// What the channels need from the conversation runtime (workflows/): two methods, injected.
import type { ChannelGateway, InboundMessage } from '../../workflows/contracts.ts';

export type { ChannelGateway, InboundMessage, OutboundMessage } from '../../workflows/contracts.ts';

/** The part of the conversation runtime a channel talks to. */
export interface ConversationPort {
  handleInbound(message: InboundMessage): Promise<unknown>;
  registerGateway(channel: string, gateway: ChannelGateway): void;
}

/** Finds the business a channel message belongs to: a slug when the channel names one, else the default business. */
export type BusinessResolver = (slug?: string) => Promise<{ id: string; slug: string; name: string }>;
