// What a committed step asks of the world outside the database, one handler per effect family: delivery (replies
// to the customer), the queue notice (agents' console), the AI's reply, detail capture. A handler that learns
// something answers with the machine's next event; one that throws is retried; one retried too often gives up
// with the outcome written here once (the AI's failure hands over, unread details are asked again).
import type { Logger } from 'pino';
import type { ConversationEvent } from '../../conversation/index.ts';
import type { Committed } from '../dispatch.ts';
import type { LiveEvents } from '../live-events.ts';
import type { ClaimedEffect, EffectOutcome } from '../outbox.ts';
import type { ConversationRef } from '../store.ts';
import { deliver, GatewayRegistry, showTyping } from './delivery.ts';
import { nothingRead, readDetails, saveDetails, type DetailsDeps } from './details.ts';
import { aiFailed, answer, type ReplyDeps } from './reply.ts';

export { GatewayRegistry, showTyping } from './delivery.ts';
export { instantAnswer } from './reply.ts';

export type EffectDeps = ReplyDeps &
  DetailsDeps & {
    gateways: GatewayRegistry;
    live: LiveEvents;
    logger: Logger;
    /** how long the AI may take before the customer sees it typing (AI_TYPING_AFTER_MS) */
    typingAfterMs: number;
  };

/**
 * The AI's typing indicator goes out only when its answer takes longer than this. A customer sees "typing…" as "my
 * message was taken, an answer is coming": that matters when one waits; an answer within a second says it itself, and
 * an indicator just before it would only flicker (and cost the channel a call per message).
 */
export const AI_TYPING_AFTER_MS = 1000;

/** Shows typing when `answer` has not settled within `afterMs`; resolves once the indicator is out (or not needed). */
async function typingWhenSlow(answer: Promise<unknown>, afterMs: number, show: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), afterMs);
  });
  const answered = answer.then(
    () => false,
    () => false,
  );
  const late = await Promise.race([answered, slow]);
  clearTimeout(timer);
  if (late) await show();
}

export interface Outcome {
  outcome: EffectOutcome;
  /** the machine's next event, committed with the outcome */
  event?: ConversationEvent | undefined;
}

export interface EffectHandlers {
  /** Tells the console what a committed step changed (live, not durable: the console reloads what it missed). */
  announce(committed: Committed): void;
  /** Carries one effect out; throws when it failed and may be tried again. */
  carryOut(conversation: ConversationRef, effect: ClaimedEffect): Promise<Outcome>;
  /** The outcome of an effect tried too often. */
  giveUp(effect: ClaimedEffect): Outcome;
}

export function createEffectHandlers(deps: EffectDeps): EffectHandlers {
  return {
    announce(c) {
      const { id: conversationId, businessId, assignedAgentId } = c.conversation;
      for (const { message } of c.sent) deps.live.emit({ type: 'message', businessId, conversationId, message });
      for (const effect of c.effects) {
        if (effect.type !== 'agents.notify') continue;
        const { status } = c;
        deps.live.emit({
          type: 'conversation',
          businessId,
          conversationId,
          status,
          assignedAgentId,
          reason: effect.reason,
        });
      }
    },
    async carryOut(conversation, { job }) {
      const { id: conversationId, businessId, channel } = conversation;
      switch (job.kind) {
        case 'deliver':
          return { outcome: await deliver(deps, conversation, job) };
        case 'ai.reply': {
          // the AI is composing: when it takes a while, the customer sees it typing (only now, never while waiting
          // for a human). The reply waits for an indicator that went out, so it comes first.
          const reference = (conversation.reference ?? {}) as Record<string, unknown>;
          const event = answer(deps, { ...job, conversationId, businessId, channel });
          event.catch(() => {}); // its failure is thrown below, once an indicator is out
          await typingWhenSlow(event, deps.typingAfterMs, () =>
            showTyping(deps, { conversationId, channel, reference }),
          );
          return { outcome: 'done', event: await event };
        }
        case 'ai.extract':
          return { outcome: 'done', event: await readDetails(deps, { ...job, businessId }) };
        case 'details.save':
          return { outcome: 'done', event: await saveDetails(deps, { ...job, conversationId, businessId }) };
      }
    },
    giveUp({ job, attempts }) {
      switch (job.kind) {
        case 'deliver':
          return { outcome: 'gave_up' };
        case 'ai.reply':
          return { outcome: 'gave_up', event: { type: 'ai.replied', reply: aiFailed(job.lang) } };
        case 'ai.extract':
          return { outcome: 'gave_up', event: { type: 'details.extracted', extraction: nothingRead, text: '' } };
        case 'details.save':
          return {
            outcome: 'gave_up',
            event: { type: 'details.failed', reason: `not saved after ${attempts} attempts` },
          };
      }
    },
  };
}
