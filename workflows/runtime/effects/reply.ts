// The AI agent answers the customer's message; the answer comes back to the machine as `ai.replied`. An agent that has
// its answer at once (AiAgent.instant: no I/O) answers inside the step that asked (instantAnswer, dispatch.ts).
import type { Database } from '../../../prisma/index.ts';
import { replies } from '../../agent/replies.ts';
import type { AgentContext, AgentReply, AiAgent } from '../../agent/types.ts';
import type { ConversationEvent, Lang } from '../../conversation/index.ts';
import type { BusinessView } from '../../../contacts/index.ts';
import type { BusinessLookup } from '../business-cache.ts';
import type { InstantAnswer, InstantRequest } from '../dispatch.ts';
import { historyBeforeLast } from '../store.ts';

export interface ReplyDeps {
  db: Database;
  agent: AiAgent;
  business: BusinessLookup;
  historyLimit: number;
}

/** What the AI is asked by the `ai.reply` effect: as in a step, the history read here. */
export type ReplyRequest = Omit<InstantRequest, 'history'>;

/** When the AI cannot answer at all: hand over, saying so in the customer's language. */
export function aiFailed(lang: Lang): AgentReply {
  return { kind: 'handover', reason: 'ai_failed', text: replies.handoverFailed(lang) };
}

function context(b: BusinessView, r: ReplyRequest, history: AgentContext['history']): AgentContext {
  return {
    businessName: b.name,
    country: b.country,
    channel: r.channel,
    history,
    locale: r.locale,
    awaitingTeam: r.awaitingTeam,
  };
}

/** Throws when the agent does (the effect is retried, then handed over with `aiFailed`). */
export async function answer(deps: ReplyDeps, r: ReplyRequest): Promise<ConversationEvent> {
  const b = await deps.business(r.businessId);
  const history = await historyBeforeLast(deps.db, r.conversationId, deps.historyLimit);
  return { type: 'ai.replied', reply: await deps.agent.reply(r.text, context(b, r, history)) };
}

/**
 * The agent's answer at once, for the dispatch; undefined when the agent has none (it must ask a model) or, under a
 * row lock, when the business is not cached (no query waits under the lock). None for an agent without `instant`.
 */
export function instantAnswer(deps: Pick<ReplyDeps, 'agent' | 'business'>): InstantAnswer | undefined {
  const { agent } = deps;
  const instant = agent.instant?.bind(agent);
  if (!instant) return undefined;
  return async (r, { underLock }) => {
    const b = underLock ? deps.business.fresh(r.businessId) : await deps.business(r.businessId);
    if (!b) {
      // looked up once the lock is released (PGlite runs it after the transaction), for the next message
      deps.business(r.businessId).catch(() => {});
      return undefined;
    }
    try {
      return instant(r.text, context(b, r, r.history));
    } catch {
      // the durable way asks reply(), which retries and hands over when it keeps failing
      return undefined;
    }
  };
}
