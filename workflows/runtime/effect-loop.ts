// The loop of a conversation's events: dispatch one (a transaction that also writes its outbox), carry the outbox
// out in order, queue the events that produced, and work the queue until nothing more follows. An effect that
// fails is given back to the outbox with a backoff (the effect worker retries it), and the step's later effects
// with it, so that they keep their order.
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { ConversationEvent } from '../conversation/index.ts';
import { ChannelElsewhereError, ChannelUnavailableError } from '../contracts.ts';
import type { Committed, Dispatch, DispatchOptions } from './dispatch.ts';
import type { EffectHandlers, Outcome } from './effects/index.ts';
import { completeEffect, releaseEffects, type ClaimedEffect } from './outbox.ts';
import type { ConversationRef } from './store.ts';

/** Runs an event and everything that follows from it; returns the first step (null: the event was dropped). */
export type RunEvent = Dispatch;

export interface EffectLoop {
  run: RunEvent;
  /** Carries out an effect the worker claimed, and what follows from it. */
  resume(conversation: ConversationRef, effect: ClaimedEffect): Promise<void>;
}

export interface EffectLoopDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  dispatch: Dispatch;
  effects: EffectHandlers;
  /** tries per effect, the first included, before it gives up */
  maxAttempts: number;
  /** told when an effect was given back to be retried in `delayMs` */
  retryIn: (delayMs: number) => void;
}

type Next = { event: ConversationEvent; opts: DispatchOptions };

/** 1 s, 4 s, 16 s, … */
const backoffMs = (attempts: number) => 1000 * 4 ** Math.max(0, attempts - 1);

/** A channel that is down (ChannelUnavailableError) is tried again this often, the attempt not counted… */
export const CHANNEL_RETRY_MS = 5_000;
/** …for at most this long after the step that wrote the delivery: WhatsApp takes free replies within 24 hours of
 * the customer's last message, and a reply a day late answers nothing. */
export const CHANNEL_WAIT_MS = 24 * 60 * 60 * 1000;

export function createEffectLoop(deps: EffectLoopDeps): EffectLoop {
  const { db, now, logger } = deps;

  async function attempt(conversation: ConversationRef, effect: ClaimedEffect): Promise<Outcome | null> {
    if (effect.attempts > deps.maxAttempts) return deps.effects.giveUp(effect);
    try {
      return await deps.effects.carryOut(conversation, effect);
    } catch (e) {
      if (e instanceof ChannelElsewhereError) {
        // another instance runs the channel (WhatsApp's lease): given back now, this claim not counted
        await releaseEffects(db, [effect.id], { availableAt: now(), uncount: true });
        return null;
      }
      if (e instanceof ChannelUnavailableError) {
        const log = { conversationId: conversation.id, channel: e.channel };
        if (now().getTime() - effect.createdAt.getTime() >= CHANNEL_WAIT_MS) {
          logger.error(log, 'channel down for too long: the delivery is given up (the message stays stored)');
          return deps.effects.giveUp(effect);
        }
        // down for now (reconnecting, starting): kept, not counted, tried again shortly
        logger.warn(log, 'channel down: the delivery waits for it');
        await releaseEffects(db, [effect.id], {
          availableAt: new Date(now().getTime() + CHANNEL_RETRY_MS),
          uncount: true,
          error: String(e),
        });
        deps.retryIn(CHANNEL_RETRY_MS);
        return null;
      }
      const log = { err: e, conversationId: conversation.id, effect: effect.job.kind, attempts: effect.attempts };
      if (effect.attempts >= deps.maxAttempts) {
        logger.error(log, 'an effect failed for the last time: giving up');
        return deps.effects.giveUp(effect);
      }
      logger.warn(log, 'an effect failed: it will be retried');
      const delay = backoffMs(effect.attempts);
      await releaseEffects(db, [effect.id], { availableAt: new Date(now().getTime() + delay), error: String(e) });
      deps.retryIn(delay);
      return null;
    }
  }

  /** Carries out a step's effects in order; returns the events they produced. */
  async function work(conversation: ConversationRef, outbox: ClaimedEffect[]): Promise<Next[]> {
    const next: Next[] = [];
    for (const [i, effect] of outbox.entries()) {
      const done = await attempt(conversation, effect);
      if (!done) {
        await releaseEffects(
          db,
          outbox.slice(i + 1).map((e) => e.id),
          { availableAt: now() },
        );
        break;
      }
      const locale = 'locale' in effect.job ? effect.job.locale : undefined;
      if (done.event)
        next.push({ event: done.event, opts: { locale, effect: { id: effect.id, outcome: done.outcome } } });
      else await completeEffect(db, effect.id, done.outcome, now());
    }
    return next;
  }

  async function drain(conversationId: string, queue: Next[]): Promise<Committed | null> {
    let first: Committed | null | undefined;
    let last: Committed | null = null;
    const settled = queue[0]?.opts.settled;
    for (let item = queue.shift(); item; item = queue.shift()) {
      const committed = await deps.dispatch(conversationId, item.event, item.opts);
      first ??= committed;
      if (!committed) continue;
      last = committed;
      item.opts.committed?.(committed);
      deps.effects.announce(committed);
      queue.push(...(await work(committed.conversation, committed.outbox)));
    }
    if (last) settled?.(last);
    return first ?? null;
  }

  return {
    run: (conversationId, event, opts = {}) => drain(conversationId, [{ event, opts }]),
    async resume(conversation, effect) {
      await drain(conversation.id, await work(conversation, [effect]));
    },
  };
}
