// What Baton's own channel adapters (Direct Line, WhatsApp) share: they can only send, and a proactive turn
// (an agent's message, the detail request when the handover timer fires) runs through the same middleware.
import { BotAdapter, TurnContext, type ConversationReference } from 'botbuilder';

export abstract class BatonChannelAdapter extends BotAdapter {
  /** e.g. "WhatsApp: editing a sent message is not supported" */
  protected constructor(private readonly unsupported: { update: string; delete: string }) {
    super();
  }

  async updateActivity(): Promise<void> {
    throw new Error(this.unsupported.update);
  }

  async deleteActivity(): Promise<void> {
    throw new Error(this.unsupported.delete);
  }

  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: 'event', name: 'continueConversation' },
      reference,
      true,
    );
    const context = new TurnContext(this, activity);
    await this.prepareProactiveTurn(context, reference);
    await this.runMiddleware(context, logic);
  }

  /** Adds what a proactive turn needs in its turn state (e.g. the business); nothing by default. */
  protected prepareProactiveTurn(
    _context: TurnContext,
    _reference: Partial<ConversationReference>,
  ): void | Promise<void> {}
}
