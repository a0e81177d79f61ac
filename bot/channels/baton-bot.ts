// The Baton bot for botbuilder: an ActivityHandler and a Middleware that hand customer messages to the
// conversation runtime. Replies never come back through the turn: the runtime sends them (now or later) through
// the channel's gateway, from the stored conversation reference.
import { ActivityHandler, ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { inboundFromActivity } from './inbound-from-activity.ts';
import type { ConversationPort } from './ports.ts';
import { businessIdOf, senderPhoneOf } from './turn-state.ts';

export interface BatonBotOptions {
  /** the conversation runtime (only `handleInbound` is used here) */
  conversations: Pick<ConversationPort, 'handleInbound'>;
  /** the business of a turn whose adapter did not set one (Bot Framework / Emulator traffic): the default business */
  defaultBusinessId: () => Promise<string>;
  logger?: Logger;
}

/** Hands one message turn to the runtime. Returns true when the activity was a customer message. */
export async function handleMessageTurn(context: TurnContext, options: BatonBotOptions): Promise<boolean> {
  const businessId = businessIdOf(context) ?? (await options.defaultBusinessId());
  const inbound = inboundFromActivity(context.activity, { businessId, phone: senderPhoneOf(context) });
  if (!inbound) return false;
  // No typing indicator here: the runtime sends one while the AI composes, and agents' typing comes from the
  // console. A customer waiting for a human sees none.
  await options.conversations.handleInbound(inbound);
  return true;
}

/** A thin ActivityHandler: message → runtime. Mount it as your bot, or use BatonMiddleware in front of yours. */
export class BatonBot extends ActivityHandler {
  constructor(readonly options: BatonBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await handleMessageTurn(context, options);
      await next();
    });
  }

  /**
   * A message goes straight to the runtime while this bot is a plain BatonBot (no subclass) with no handler but its
   * own: ActivityHandler's dispatch (its Turn, Message and Dialog events, each through botbuilder's async wrappers)
   * would run only that handler, and cost ~55 µs of CPU a message here. Anything else — other activity types, a
   * handler added with onTurn/onMessage/onDialog, a subclass — runs through ActivityHandler as before.
   */
  override async run(context: TurnContext): Promise<void> {
    if (context.activity?.type === ActivityTypes.Message && this.onlyOwnHandler()) {
      await handleMessageTurn(context, this.options);
      return;
    }
    await super.run(context);
  }

  private onlyOwnHandler(): boolean {
    const { Turn, Message, Dialog } = this.handlers;
    return (
      Object.getPrototypeOf(this) === BatonBot.prototype && !Turn?.length && Message?.length === 1 && !Dialog?.length
    );
  }
}

/**
 * Middleware for a developer's own bot: customer messages go to Baton and the turn stops there; every other
 * activity (conversationUpdate, events, invokes) continues to the developer's handler.
 */
export class BatonMiddleware implements Middleware {
  constructor(readonly options: BatonBotOptions) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.type === ActivityTypes.Message && (await handleMessageTurn(context, this.options))) return;
    await next();
  }
}
