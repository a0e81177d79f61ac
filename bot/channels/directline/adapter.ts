// A botbuilder adapter for Baton's own Direct Line server: turns run through the same middleware and bot as
// /api/messages; what the bot sends lands in the conversation's feed (and from there on the visitor's WebSocket).
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { DirectLineFeed } from './store.ts';
import { BUSINESS_ID } from '../turn-state.ts';

export const DIRECT_LINE_SERVICE_URL = 'baton://directline';
export const BOT_ACCOUNT = { id: 'baton', name: 'Baton', role: 'bot' } as const;

export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly feed: DirectLineFeed) {
    super();
  }

  /** Runs one visitor activity through the middleware and the bot's logic. */
  async processActivity(
    activity: Partial<Activity>,
    businessId: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(BUSINESS_ID, businessId);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) throw new Error('Direct Line: the turn has no conversation id');
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') continue;
      if (!this.feed.get(conversationId)) {
        responses.push({ id: '' });
        continue; // the visitor's conversation is gone (idle, or a restart); the runtime keeps the message
      }
      const id = this.feed.append(conversationId, {
        ...activity,
        id: undefined,
        channelId: 'webchat',
        conversation: { id: conversationId } as Activity['conversation'],
        from: { ...BOT_ACCOUNT },
        serviceUrl: DIRECT_LINE_SERVICE_URL,
      });
      responses.push({ id });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error('Direct Line: updating an activity is not supported');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('Direct Line: deleting an activity is not supported');
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
    const conversation = reference.conversation?.id ? this.feed.get(reference.conversation.id) : undefined;
    if (conversation) context.turnState.set(BUSINESS_ID, conversation.businessId);
    await this.runMiddleware(context, logic);
  }
}
