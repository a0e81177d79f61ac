// What a committed step asks of the world outside the database, one handler per effect family:
// delivery (replies to the customer), the queue notice (agents' console), the AI's reply, detail capture.
// Handlers that learn something answer with the machine's next event.
import type { Logger } from 'pino';
import type { ConversationEffect, ConversationEvent } from '../../conversation/index.ts';
import type { Committed } from '../dispatch.ts';
import type { LiveEvents } from '../live-events.ts';
import { deliver, GatewayRegistry } from './delivery.ts';
import { readDetails, saveDetails, type DetailsDeps } from './details.ts';
import { answer, type ReplyDeps } from './reply.ts';

export { GatewayRegistry } from './delivery.ts';
export { aiFailed } from './reply.ts';

export type EffectDeps = ReplyDeps & DetailsDeps & { gateways: GatewayRegistry; live: LiveEvents; logger: Logger };

export interface EffectHandlers {
  /** Carries out a committed step's outside effects, in order; returns the events they produced, in order. */
  afterCommit(committed: Committed, locale: string | undefined): Promise<ConversationEvent[]>;
}

export function createEffectHandlers(deps: EffectDeps): EffectHandlers {
  return {
    async afterCommit(c, locale) {
      const { id: conversationId, businessId } = c.conversation;
      for (const sent of c.sent) {
        deps.live.emit({ type: 'message', businessId, conversationId, message: sent.message });
        await deliver(deps, c.conversation, sent);
      }
      for (const effect of c.effects) {
        if (effect.type !== 'agents.notify') continue;
        const { status, conversation } = c;
        const { assignedAgentId } = conversation;
        deps.live.emit({
          type: 'conversation',
          businessId,
          conversationId,
          status,
          assignedAgentId,
          reason: effect.reason,
        });
      }
      const events: ConversationEvent[] = [];
      for (const effect of c.effects) {
        const next = await learn(deps, c, effect, locale);
        if (next) events.push(next);
      }
      return events;
    },
  };
}

/** The effects whose outcome is a new event for the machine. */
async function learn(
  deps: EffectDeps,
  c: Committed,
  effect: ConversationEffect,
  locale: string | undefined,
): Promise<ConversationEvent | null> {
  const { id: conversationId, businessId, channel } = c.conversation;
  switch (effect.type) {
    case 'ai.reply':
      return answer(deps, { conversationId, businessId, channel, text: effect.text, lang: c.lang, locale });
    case 'ai.extract':
      return readDetails(deps, {
        conversationId,
        businessId,
        text: effect.text,
        knownPhone: effect.knownPhone,
        locale,
      });
    case 'details.save':
      return saveDetails(deps, { conversationId, businessId, email: effect.email, phone: effect.phone });
    default:
      return null;
  }
}
