// The AI agent answers the customer's message; the answer comes back to the machine as `ai.replied`.
import type { Database } from '../../../prisma/index.ts';
import { replies } from '../../agent/replies.ts';
import type { AgentReply, AiAgent } from '../../agent/types.ts';
import type { ConversationEvent, Lang } from '../../conversation/index.ts';
import type { BusinessLookup } from '../business-cache.ts';
import { historyBeforeLast } from '../store.ts';

export interface ReplyDeps {
  db: Database;
  agent: AiAgent;
  business: BusinessLookup;
  historyLimit: number;
}

export interface ReplyRequest {
  conversationId: string;
  businessId: string;
  channel: string;
  text: string;
  lang: Lang;
  locale?: string | undefined;
  /** a person will reply (after the capture): the agent offers no handover */
  awaitingTeam?: boolean | undefined;
}

/** When the AI cannot answer at all: hand over, saying so in the customer's language. */
export function aiFailed(lang: Lang): AgentReply {
  return { kind: 'handover', reason: 'ai_failed', text: replies.handoverFailed(lang) };
}

/** Throws when the agent does (the effect is retried, then handed over with `aiFailed`). */
export async function answer(deps: ReplyDeps, r: ReplyRequest): Promise<ConversationEvent> {
  const b = await deps.business(r.businessId);
  const reply = await deps.agent.reply(r.text, {
    businessName: b.name,
    country: b.country,
    channel: r.channel,
    history: await historyBeforeLast(deps.db, r.conversationId, deps.historyLimit),
    locale: r.locale,
    awaitingTeam: r.awaitingTeam,
  });
  return { type: 'ai.replied', reply };
}
