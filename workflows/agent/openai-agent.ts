// The OpenAI agent (any server speaking the Chat Completions API: OpenAI, Ollama, vLLM, …), through the `openai` SDK
// with its own timeout and retries. Tools: request_human (in reply) and save_contact_details (in extractDetails),
// arguments validated with zod. The model never has the last word on a detail: its email/phone is re-validated with
// the same rules as the offline extractor, must literally appear in the customer's reply, and is combined with the
// offline reading so that a disagreement becomes a question, never a wrong saved value. Any failure → handover.
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { normalizeEmail, normalizePhone } from '../../contacts/index.ts';
import { extractDetails, extractWithCandidates } from './extraction/index.ts';
import { parseFaq, type Faq } from './faq.ts';
import { language, wantsHuman } from './intent.ts';
import { replies } from './replies.ts';
import type {
  AgentContext,
  AgentReply,
  AiAgent,
  DetailExtraction,
  DetailFinding,
  ExtractionContext,
  PersonName,
} from './types.ts';

/** the little the agent logs; a pino logger fits */
export interface AgentLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface OpenAiAgentOptions {
  apiKey: string;
  /** an OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama); default: OpenAI */
  baseUrl?: string | undefined;
  /** default gpt-4o-mini */
  model?: string | undefined;
  /** per request, milliseconds (default 15000) */
  timeoutMs?: number | undefined;
  /** retries of a failed or timed-out request (default 1) */
  maxRetries?: number | undefined;
  faqMarkdown?: string | undefined;
  logger?: AgentLogger | undefined;
}

export const requestHumanArgs = z.object({
  reason: z.enum(['customer_asked', 'cannot_help', 'frustrated']).describe('why a human should take over'),
  message: z.string().min(1).max(500).optional().describe('what to tell the customer while a human is found'),
});

export const saveContactDetailsArgs = z.object({
  email: z.string().max(254).nullable().describe("the customer's own email as written, or null"),
  phone: z.string().max(40).nullable().describe("the customer's own phone number as written, or null"),
  declined: z.boolean().describe('true if the customer refuses to give their details, however they word it'),
  name: z
    .string()
    .max(100)
    .nullable()
    .optional()
    .describe('the customer\'s own name as written, if they gave it ("I\'m Sam Baker", "Sam here"), or null'),
});

/** a function tool whose JSON Schema comes from the zod schema that validates its arguments */
function tool(name: string, description: string, schema: z.ZodType): ChatCompletionTool {
  // "$schema" is dropped: some OpenAI-compatible servers reject keys they do not know
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { type: 'function', function: { name, description, parameters } };
}

export const REQUEST_HUMAN = tool(
  'request_human',
  'Hand the conversation to a human agent: the customer asked for a person, you cannot help, or the customer is frustrated.',
  requestHumanArgs,
);
export const SAVE_CONTACT_DETAILS = tool(
  'save_contact_details',
  "Save the customer's own email and phone number from their reply. Only the customer's current details: not old " +
    "ones, not someone else's, not the business's own, not order/booking numbers. Use null when a detail is missing.",
  saveContactDetailsArgs,
);

const AUTHOR_ROLE = { customer: 'user', ai: 'assistant', agent: 'assistant', system: 'system' } as const;

export class OpenAiAgent implements AiAgent {
  readonly name = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly faq: Faq;
  private readonly faqMarkdown: string;
  private readonly logger: AgentLogger | undefined;

  constructor(options: OpenAiAgentOptions) {
    this.model = options.model ?? 'gpt-4o-mini';
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 15_000,
      maxRetries: options.maxRetries ?? 1,
    });
    this.faqMarkdown = options.faqMarkdown ?? '';
    this.faq = parseFaq(this.faqMarkdown);
    this.logger = options.logger;
  }

  systemPrompt(ctx: AgentContext): string {
    return [
      `You are the virtual assistant of ${ctx.businessName}, answering customers in a ${ctx.channel} chat.`,
      "Answer briefly and only from the business information below. If you don't know, say so and offer a human.",
      'Call request_human when the customer asks for a person, when you cannot help, or when the customer is frustrated.',
      'Never invent prices, times or policies. Reply in the language the customer writes in.',
      ctx.locale ? `The customer's locale is ${ctx.locale}.` : '',
      ctx.awaitingTeam
        ? 'The customer is already waiting for a person from the team, who will reply in this chat: never offer to ' +
          'hand over again. If you cannot help, say that someone from the team will reply here.'
        : '',
      '',
      '## Business information and FAQ',
      this.faqMarkdown.trim() || '(none given)',
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n');
  }

  /** A clear request for a person needs no model: fast, free and certain. Anything else is the model's. */
  instant(message: string, ctx: AgentContext): AgentReply | undefined {
    if (!wantsHuman(message)) return undefined;
    const lang = language(message, ctx.locale);
    // already queued: a request for a person gets the follow-up, not another handover
    if (ctx.awaitingTeam) return { kind: 'reply', text: replies.awaitingTeam(lang) };
    return { kind: 'handover', reason: 'customer_asked', text: replies.handoverAsked(lang, ctx.businessName) };
  }

  async reply(message: string, ctx: AgentContext): Promise<AgentReply> {
    const atOnce = this.instant(message, ctx);
    if (atOnce) return atOnce;
    const lang = language(message, ctx.locale);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: this.systemPrompt(ctx) },
      ...ctx.history
        .slice(-30)
        .map((m) => ({ role: AUTHOR_ROLE[m.author], content: m.text }) as ChatCompletionMessageParam),
      { role: 'user', content: message },
    ];
    try {
      const completion = await this.client.chat.completions.create({
        model: this.model,
        messages,
        ...(ctx.awaitingTeam ? {} : { tools: [REQUEST_HUMAN], tool_choice: 'auto' as const }),
        temperature: 0.2,
      });
      const choice = completion.choices[0]?.message;
      const call = choice?.tool_calls?.find((c) => c.type === 'function' && c.function.name === 'request_human');
      if (call && call.type === 'function') {
        const args = parseArgs(requestHumanArgs, call.function.arguments);
        if (!args.success)
          this.logger?.warn({ tool: 'request_human', problem: args.problem }, 'AI tool arguments invalid');
        const reason = args.success && args.data.reason === 'customer_asked' ? 'customer_asked' : 'ai_decided';
        const text =
          (args.success ? args.data.message : undefined) ??
          (reason === 'customer_asked' ? replies.handoverAsked(lang, ctx.businessName) : replies.handoverDecided(lang));
        return { kind: 'handover', reason, text };
      }
      const text = choice?.content?.trim();
      if (text) return { kind: 'reply', text: text.slice(0, 4000) };
      this.logger?.warn({ model: this.model, finish: completion.choices[0]?.finish_reason }, 'AI gave no answer');
    } catch (error) {
      this.logger?.warn({ model: this.model, error: describeError(error) }, 'AI request failed');
    }
    if (ctx.awaitingTeam) return { kind: 'reply', text: replies.awaitingTeam(lang) };
    return { kind: 'handover', reason: 'ai_failed', text: replies.handoverFailed(lang) };
  }

  async extractDetails(message: string, ctx: ExtractionContext): Promise<DetailExtraction> {
    let offline: ReturnType<typeof extractWithCandidates>;
    try {
      offline = extractWithCandidates(message, ctx);
    } catch (error) {
      this.logger?.warn({ error: describeError(error) }, 'offline extraction failed');
      return extractDetails(message, ctx);
    }
    let model: z.infer<typeof saveContactDetailsArgs> | undefined;
    try {
      const completion = await this.client.chat.completions.create({
        model: this.model,
        messages: [
          {
            role: 'system',
            content:
              'The customer was asked for their email and phone number (and their name). Read their reply and call ' +
              'save_contact_details. A reply may correct a detail given before ("use my work email instead"): ' +
              'return the new value. Anger or complaints do not stop you reading the details. ' +
              `Phone numbers without a country code are read in ${ctx.country}.` +
              (ctx.knownPhone
                ? ` The customer writes from ${ctx.knownPhone}; if they confirm it, return it as the phone.`
                : ''),
          },
          { role: 'user', content: message },
        ],
        tools: [SAVE_CONTACT_DETAILS],
        tool_choice: { type: 'function', function: { name: 'save_contact_details' } },
        temperature: 0,
      });
      const call = completion.choices[0]?.message.tool_calls?.find(
        (c) => c.type === 'function' && c.function.name === 'save_contact_details',
      );
      if (call && call.type === 'function') {
        const args = parseArgs(saveContactDetailsArgs, call.function.arguments);
        if (args.success) model = args.data;
        else this.logger?.warn({ tool: 'save_contact_details', problem: args.problem }, 'AI tool arguments invalid');
      }
    } catch (error) {
      this.logger?.warn(
        { model: this.model, error: describeError(error) },
        'AI request failed; offline extraction only',
      );
    }
    if (!model) return offline.extraction;
    return combineExtractions(offline, model, ctx);
  }
}

function parseArgs<T>(
  schema: z.ZodType<T>,
  json: string,
): { success: true; data: T } | { success: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { success: false, problem: 'arguments are not JSON' };
  }
  const r = schema.safeParse(value);
  return r.success ? { success: true, data: r.data } : { success: false, problem: z.prettifyError(r.error) };
}

function describeError(error: unknown): string {
  if (error instanceof OpenAI.APIError) return `${error.name} ${error.status ?? ''}`.trim();
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * The model's reading merged into the offline one. A model value counts only if valid by the same rules, present
 * in the reply itself, and not a candidate the offline reading deliberately set aside (old, someone else's, the
 * business's). Agreement → found; disagreement → ambiguous; the model may pick one of the offline options.
 */
export function combineExtractions(
  offline: ReturnType<typeof extractWithCandidates>,
  model: z.infer<typeof saveContactDetailsArgs>,
  ctx: ExtractionContext,
): DetailExtraction {
  const digits = offline.text.replace(/\D/g, '');
  let email: string | undefined;
  if (model.email) {
    const r = normalizeEmail(model.email);
    if (r.ok && offline.text.includes(r.email) && !(ctx.excludeEmails ?? []).includes(r.email)) email = r.email;
  }
  let phone: string | undefined;
  if (model.phone) {
    const r = normalizePhone(model.phone, ctx.country);
    const national = r.ok ? parsePhoneNumberFromString(r.e164)?.nationalNumber : undefined;
    const excluded = (ctx.excludePhones ?? []).some((p) => {
      const x = normalizePhone(p, ctx.country);
      return x.ok && r.ok && x.e164 === r.e164;
    });
    const known = ctx.knownPhone ? normalizePhone(ctx.knownPhone, ctx.country) : undefined;
    const isKnown = r.ok && known?.ok === true && known.e164 === r.e164;
    if (r.ok && !excluded && (isKnown || (national !== undefined && digits.includes(national)))) phone = r.e164;
  }
  const merged: DetailExtraction = {
    email: merge(offline.extraction.email, email, offline.seenEmails),
    phone: merge(offline.extraction.phone, phone, offline.seenPhones),
    declined: offline.extraction.declined || model.declined,
  };
  // a name counts when the offline reading found it, or when the model's is written in the reply itself
  const name = offline.extraction.name ?? modelName(model.name, offline.message);
  if (name) merged.name = name;
  if (merged.email.status === 'found' && merged.phone.status === 'found') merged.declined = false;
  return merged;
}

function merge(offline: DetailFinding, model: string | undefined, seen: string[]): DetailFinding {
  if (model === undefined) return offline;
  switch (offline.status) {
    case 'found':
      return offline.value === model ? offline : { status: 'ambiguous', options: [offline.value, model] };
    case 'ambiguous':
      return offline.options.includes(model) ? { status: 'found', value: model } : offline;
    default:
      return seen.includes(model) ? offline : { status: 'found', value: model };
  }
}

/** the model's name for the customer, if every word of it is in the reply (never invented) */
function modelName(name: string | null | undefined, message: string): PersonName | undefined {
  const words = name?.trim().split(/\s+/).filter(Boolean) ?? [];
  if (words.length === 0 || words.length > 4) return undefined;
  const said = message.toLocaleLowerCase();
  if (!words.every((w) => /^[\p{L}'’-]+$/u.test(w) && said.includes(w.toLocaleLowerCase()))) return undefined;
  return { firstName: words[0]!, lastName: words.length > 1 ? words.slice(1).join(' ') : null };
}
