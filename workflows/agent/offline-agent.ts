// The offline agent: the default, no key needed. Deterministic and fast: greets, answers from the FAQ, hands over
// when asked (or when it cannot help twice in a row, or the customer is frustrated), extracts details offline.
import type { AgentContext, AgentReply, AiAgent, DetailExtraction, ExtractionContext } from './types.ts';
import { extractDetails } from './extraction/index.ts';
import { fold } from './extraction/spelled.ts';
import { FaqIndex, parseFaq, type Faq, type FaqEntry } from './faq.ts';
import { isFrustrated, isGreeting, language, startsWithGreeting, wantsHuman } from './intent.ts';
import { FALLBACK_TEXTS, replies } from './replies.ts';

export interface OfflineAgentOptions {
  /** the FAQ markdown (see faq.example.md); none: the agent only greets and offers a human */
  faqMarkdown?: string | undefined;
}

/** What the agent reads in a message, worked out when first needed (one message's, remembered by its text). */
interface Reading {
  lang?: 'en' | 'es';
  wantsHuman?: boolean;
  yes?: boolean;
  frustrated?: boolean;
  /** the FAQ's answer; null: none */
  faq?: FaqEntry | null;
  greeting?: boolean;
}

/** Messages whose reading is remembered (the oldest forgotten beyond), and the longest text remembered. */
const READINGS = 1_000;
const READING_TEXT_MAX = 200;

const YES =
  /^\W*(yes|yeah|yep|yup|sure|ok|okay|please|yes please|go on|do it|si|vale|claro|por favor|de acuerdo|venga)\b/;

export class OfflineAgent implements AiAgent {
  readonly name = 'offline';
  readonly faq: Faq;
  private readonly index: FaqIndex;
  /**
   * What was read in recent messages, by their text: a reading is the same for the same text (the FAQ never changes
   * in an agent), and the same short messages come back ("hello", "opening hours?"). Bounded in entries and length.
   */
  private readonly readings = new Map<string, Reading>();

  constructor(options: OfflineAgentOptions = {}) {
    this.faq = parseFaq(options.faqMarkdown ?? '');
    this.index = new FaqIndex(this.faq);
  }

  async reply(message: string, ctx: AgentContext): Promise<AgentReply> {
    return this.instant(message, ctx);
  }

  /** the same as reply(), synchronously: the offline agent always answers at once */
  instant(message: string, ctx: AgentContext): AgentReply {
    const r = this.reading(message);
    const lang = ctx.locale ? language(message, ctx.locale) : (r.lang ??= language(message));
    // already queued for a person: answer from the FAQ, otherwise say who will reply — never offer a handover again
    if (ctx.awaitingTeam) {
      const found = this.faqAnswer(message, r);
      return { kind: 'reply', text: found ? found.answer : replies.awaitingTeam(lang) };
    }
    if ((r.wantsHuman ??= wantsHuman(message)))
      return { kind: 'handover', reason: 'customer_asked', text: replies.handoverAsked(lang, ctx.businessName) };
    const lastAi = [...ctx.history].reverse().find((m) => m.author === 'ai');
    const offered = lastAi !== undefined && FALLBACK_TEXTS.has(lastAi.text);
    if (offered && (r.yes ??= YES.test(fold(message)))) {
      return { kind: 'handover', reason: 'customer_asked', text: replies.handoverAsked(lang, ctx.businessName) };
    }
    if ((r.frustrated ??= isFrustrated(message)))
      return { kind: 'handover', reason: 'ai_decided', text: replies.handoverDecided(lang) };
    const found = this.faqAnswer(message, r);
    if (found) return { kind: 'reply', text: found.answer };
    if ((r.greeting ??= isGreeting(message) || (startsWithGreeting(message) && message.length < 40))) {
      return { kind: 'reply', text: replies.greeting(lang, ctx.businessName) };
    }
    // a second question in a row it cannot answer: stop trying and find a person
    if (offered) return { kind: 'handover', reason: 'ai_decided', text: replies.handoverDecided(lang) };
    return { kind: 'reply', text: replies.fallback(lang) };
  }

  /** The message's reading so far: remembered for a short text, else a new one for this call. */
  private reading(message: string): Reading {
    if (message.length > READING_TEXT_MAX) return {};
    let r = this.readings.get(message);
    if (!r) {
      r = {};
      this.readings.set(message, r);
      if (this.readings.size > READINGS) this.readings.delete(this.readings.keys().next().value as string);
    }
    return r;
  }

  private faqAnswer(message: string, r: Reading): FaqEntry | undefined {
    r.faq ??= this.index.answer(message) ?? null;
    return r.faq ?? undefined;
  }

  async extractDetails(message: string, ctx: ExtractionContext): Promise<DetailExtraction> {
    return extractDetails(message, ctx);
  }
}
