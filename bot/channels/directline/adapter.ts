// A botbuilder adapter for Baton's own Direct Line server: turns run through the same middleware and bot as
// /api/messages; what the bot sends lands in the conversation's feed (and from there on the visitor's WebSocket).
import { TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { agentNameOf, withAgentName } from '../agent-name.ts';
import { BatonChannelAdapter } from '../baton-adapter.ts';
import type { FeedStore } from './feed-store.ts';
import { BOT_ACCOUNT, LOCAL_SERVICE_URLS } from '../local-channels.ts';
import { BUSINESS_ID } from '../turn-state.ts';

export const DIRECT_LINE_SERVICE_URL = LOCAL_SERVICE_URLS.directline;

export class DirectLineAdapter extends BatonChannelAdapter {
  constructor(private readonly feed: FeedStore) {
    super({
      update: 'Direct Line: updating an activity is not supported',
      delete: 'Direct Line: deleting an activity is not supported',
    });
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
      const agentName = agentNameOf(activity);
      // On PostgreSQL the feed is shared: whichever instance delivers, the visitor sees it on the instance they reach.
      const id = await this.feed.append(conversationId, {
        ...activity,
        ...(activity.type === 'message' && activity.text && agentName
          ? { text: withAgentName(activity.text, agentName, '**') }
          : {}),
        id: undefined,
        channelId: 'webchat',
        conversation: { id: conversationId } as Activity['conversation'],
        // an agent's message or typing shows the agent's name in web chat; everything else is Baton's
        from: { ...BOT_ACCOUNT, ...(agentName ? { name: agentName } : {}) },
        serviceUrl: DIRECT_LINE_SERVICE_URL,
      });
      // '': not kept (a typing indicator for a conversation this process does not know); the runtime keeps the message
      responses.push({ id: id ?? '' });
    }
    return responses;
  }

  protected override async prepareProactiveTurn(
    context: TurnContext,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const conversation = reference.conversation?.id ? await this.feed.find(reference.conversation.id) : undefined;
    if (conversation) context.turnState.set(BUSINESS_ID, conversation.businessId);
  }
}
