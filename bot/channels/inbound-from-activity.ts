// Pure: a Bot Framework message activity → the runtime's InboundMessage.
import { TurnContext, type Activity } from 'botbuilder';
import { cleanText, cutText } from '../../contacts/index.ts';
import type { InboundMessage } from './ports.ts';

/** Longest text handed to the runtime; longer messages are cut (with a marker), never rejected. */
export const MAX_TEXT = 4000;

/** The text recorded for a message that carries only media/attachments. */
export const MEDIA_PLACEHOLDER = '[media message]';

/**
 * Turns a message activity into an InboundMessage, or null when there is nothing to hand over (not a message,
 * no text and no attachment, no conversation id).
 */
export function inboundFromActivity(
  activity: Partial<Activity>,
  who: { businessId: string; phone?: string | undefined },
): InboundMessage | null {
  if (activity.type !== 'message') return null;
  const conversationId = activity.conversation?.id;
  if (!conversationId || !activity.channelId) return null;
  let text = typeof activity.text === 'string' ? activity.text.trim() : '';
  // only control characters: nothing a person wrote (the runtime cleans them out of any other text, and logs it)
  if (cleanText(text).text.trim() === '') text = '';
  if (text === '' && (activity.attachments?.length ?? 0) > 0) text = MEDIA_PLACEHOLDER;
  if (text === '') return null;
  if (text.length > MAX_TEXT) text = `${cutText(text, MAX_TEXT)} […]`;
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  return {
    businessId: who.businessId,
    channel: activity.channelId,
    channelConversationId: conversationId,
    reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    sender: {
      phone: who.phone,
      profileName: activity.from?.name || undefined,
      channelUserId: activity.from?.id || undefined,
    },
    text,
    locale: activity.locale || undefined,
    channelMessageId: activity.id || undefined,
  };
}
