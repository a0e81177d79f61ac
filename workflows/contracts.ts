// What the channels (bot/) and the conversation runtime (workflows/) say to each other.
// bot/ turns channel traffic into InboundMessage; workflows/ sends replies through a ChannelGateway.

/** One message from a customer, as a channel adapter hands it over. */
export interface InboundMessage {
  businessId: string;
  /** the Bot Framework channelId: webchat, directline, emulator, whatsapp, msteams, … */
  channel: string;
  /** the channel's own conversation id (Direct Line conversation id, WhatsApp chat id, …) */
  channelConversationId: string;
  /** a botbuilder ConversationReference (JSON), stored for proactive replies */
  reference: Record<string, unknown>;
  sender: {
    /** WhatsApp: the sender's number, already E.164 */
    phone?: string | undefined;
    /** WhatsApp push name / Bot Framework from.name */
    profileName?: string | undefined;
    /** the channel's id of the sender (from.id) */
    channelUserId?: string | undefined;
  };
  text: string;
  locale?: string | undefined;
  channelMessageId?: string | undefined;
}

/** One message to a customer, delivered by the channel's gateway (in or outside a turn). */
export interface OutboundMessage {
  /** the stored message's id: the delivery's key, the same on every retry (a channel that knows it drops a repeat) */
  id?: string | undefined;
  conversationId: string;
  channel: string;
  reference: Record<string, unknown>;
  text: string;
  author: 'ai' | 'agent' | 'system';
  /** an agent's message: the name the customer sees beside it (webchat `from.name`; WhatsApp a bold prefix) */
  agentName?: string | undefined;
}

/** Where a typing indicator goes: someone (an agent, or the AI composing its answer) is typing right now. */
export interface TypingTarget {
  conversationId: string;
  channel: string;
  reference: Record<string, unknown>;
  /** the agent typing, as the customer sees them; unset for the AI */
  agentName?: string | undefined;
}

export interface ChannelGateway {
  send(message: OutboundMessage): Promise<void>;
  /** Shows the customer a typing indicator for a few seconds (call again while typing). Optional: a channel may have none. */
  typing?(target: TypingTarget): Promise<void>;
  /**
   * Channels another instance runs right now (WhatsApp on an instance that does not hold its lease): this instance's
   * effect worker leaves their deliveries to the instance that runs them.
   */
  notServedHere?(): string[];
}

/**
 * A gateway asked to send on a channel another instance runs (see `notServedHere`): the runtime gives the delivery
 * back at once, without counting an attempt, for an instance that runs the channel to carry out.
 */
export class ChannelElsewhereError extends Error {
  readonly code = 'CHANNEL_ELSEWHERE';
  constructor(readonly channel: string) {
    super(`${channel} runs on another instance`);
    this.name = 'ChannelElsewhereError';
  }
}

/**
 * A gateway whose channel is down for now (WhatsApp reconnecting, or still starting after a restart): the runtime
 * keeps the delivery and tries again shortly, without counting an attempt, for as long as the channel could still
 * carry the reply (CHANNEL_WAIT_MS), rather than giving it up after a few seconds' outage.
 */
export class ChannelUnavailableError extends Error {
  readonly code = 'CHANNEL_UNAVAILABLE';
  constructor(
    readonly channel: string,
    reason: string,
  ) {
    super(`${channel}: ${reason}`);
    this.name = 'ChannelUnavailableError';
  }
}
