// The loop of a conversation's events: dispatch one (a transaction), carry out what it asks outside the database,
// queue the events that produced, and work the queue in order until nothing more follows.
import type { ConversationEvent } from '../conversation/index.ts';
import type { Committed, Dispatch, DispatchOptions } from './dispatch.ts';
import type { EffectHandlers } from './effects/index.ts';

/** Runs an event and everything that follows from it; returns the first step (null: the event was dropped). */
export type RunEvent = (
  conversationId: string,
  event: ConversationEvent,
  opts?: DispatchOptions,
) => Promise<Committed | null>;

export function createEffectLoop(dispatch: Dispatch, effects: EffectHandlers): RunEvent {
  return async (conversationId, event, opts = {}) => {
    const queue: { event: ConversationEvent; opts: DispatchOptions }[] = [{ event, opts }];
    let first: Committed | null | undefined;
    for (let item = queue.shift(); item; item = queue.shift()) {
      const committed = await dispatch(conversationId, item.event, item.opts);
      first ??= committed;
      if (!committed) continue;
      item.opts.committed?.();
      const next = await effects.afterCommit(committed, item.opts.locale);
      for (const e of next) queue.push({ event: e, opts: { locale: item.opts.locale } });
    }
    return first ?? null;
  };
}
