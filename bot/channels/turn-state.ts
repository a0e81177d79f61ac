// Values a Baton channel adapter puts into a turn. Kept in turnState (not in the activity), so a client cannot
// spoof them through channelData.
import type { TurnContext } from 'botbuilder';

export const BUSINESS_ID = Symbol('baton.businessId');
export const SENDER_PHONE = Symbol('baton.senderPhone');

export function businessIdOf(context: TurnContext): string | undefined {
  const v: unknown = context.turnState.get(BUSINESS_ID);
  return typeof v === 'string' ? v : undefined;
}

export function senderPhoneOf(context: TurnContext): string | undefined {
  const v: unknown = context.turnState.get(SENDER_PHONE);
  return typeof v === 'string' ? v : undefined;
}
