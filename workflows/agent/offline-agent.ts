// The offline agent: the default, no key needed. Deterministic and fast: greets, answers from the FAQ, hands over
// when asked (or when it cannot help twice in a row, or the customer is frustrated), extracts details offline.
import type { AgentContext, AgentReply, AiAgent, DetailExtraction, ExtractionContext } from './types.ts';
import { extractDetails } from './extraction/index.ts';
import { fold } from './extraction/spelled.ts';
import { FaqIndex, parseFaq, type Faq } from './faq.ts';
import { isFrustrated, isGreeting, language, startsWithGreeting, wantsHuman } from './intent.ts';
import { FALLBACK_TEXTS, replies } from './replies.ts';

export interface OfflineAgentOptions {
  /** the FAQ markdown (see faq.example.md); none: the agent only greets and offers a human */
  faqMarkdown?: string | undefined;
}

const YES =
  /^\W*(yes|yeah|yep|yup|sure|ok|okay|please|yes please|go on|do it|si|vale|claro|por favor|de acuerdo|venga)\b/;

export class OfflineAgent implements AiAgent {
  readonly name = 'offline';
  readonly faq: Faq;
  private readonly index: FaqIndex;

  constructor(options: OfflineAgentOptions = {}) {
    this.faq = parseFaq(options.faqMarkdown ?? '');
    this.index = new FaqIndex(this.faq);
  }

  async reply(message: string, ctx: AgentContext): Promise<AgentReply> {
    return this.instant(message, ctx);
  }

  /** the same as reply(), synchronously: the offline agent always answers at once */
  instant(message: string, ctx: AgentContext): AgentReply {
    const lang = language(message, ctx.locale);
    // already queued for a person: answer from the FAQ, otherwise say who will reply — never offer a handover again
    if (ctx.awaitingTeam) {
      const found = this.index.answer(message);
      return { kind: 'reply', text: found ? found.answer : replies.awaitingTeam(lang) };
    }
    if (wantsHuman(message))
      return { kind: 'handover', reason: 'customer_asked', text: replies.handoverAsked(lang, ctx.businessName) };
    const lastAi = [...ctx.history].reverse().find((m) => m.author === 'ai');
    const offered = lastAi !== undefined && FALLBACK_TEXTS.has(lastAi.text);
    if (offered && YES.test(fold(message))) {
      return { kind: 'handover', reason: 'customer_asked', text: replies.handoverAsked(lang, ctx.businessName) };
    }
    if (isFrustrated(message)) return { kind: 'handover', reason: 'ai_decided', text: replies.handoverDecided(lang) };
    const found = this.index.answer(message);
    if (found) return { kind: 'reply', text: found.answer };
    if (isGreeting(message) || (startsWithGreeting(message) && message.length < 40)) {
      return { kind: 'reply', text: replies.greeting(lang, ctx.businessName) };
    }
    // a second question in a row it cannot answer: stop trying and find a person
    if (offered) return { kind: 'handover', reason: 'ai_decided', text: replies.handoverDecided(lang) };
    return { kind: 'reply', text: replies.fallback(lang) };
  }

  async extractDetails(message: string, ctx: ExtractionContext): Promise<DetailExtraction> {
    return extractDetails(message, ctx);
  }
}
