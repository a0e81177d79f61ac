// The AI agent behind one interface: the offline agent (default) and the OpenAI agent implement it.
// The conversation machine never calls it directly: the runtime does, and turns answers into machine events.

export type Author = 'customer' | 'ai' | 'agent' | 'system';

export interface AgentContext {
  businessName: string;
  /** ISO alpha-2: where phone numbers without + are read */
  country: string;
  /** webchat, whatsapp, emulator, msteams, … */
  channel: string;
  /** the conversation so far, oldest first (the current message not included) */
  history: { author: Author; text: string }[];
  /** the customer's locale when the channel tells it (e.g. "es-ES") */
  locale?: string | undefined;
  /**
   * the customer is already queued and a person from the team will reply in this chat (after the AI asked for their
   * details): the agent answers what it can and never offers a handover again
   */
  awaitingTeam?: boolean | undefined;
}

export type AgentReply =
  | { kind: 'reply'; text: string }
  /** hand the conversation to a human: the customer asked, or the AI cannot help, or the model failed */
  | { kind: 'handover'; reason: 'customer_asked' | 'ai_decided' | 'ai_failed'; text: string };

export type DetailFinding =
  | { status: 'none' }
  | { status: 'found'; value: string }
  /** two or more plausible candidates remain: ask the customer which one */
  | { status: 'ambiguous'; options: string[] }
  /** something that looks meant as this detail but is not valid; `reason` says why */
  | { status: 'invalid'; raw: string; reason: string };

/** a person's name as they gave it: "Sam Baker" → { firstName: 'Sam', lastName: 'Baker' } */
export interface PersonName {
  firstName: string;
  lastName: string | null;
}

export interface DetailExtraction {
  /** lower-cased, validated */
  email: DetailFinding;
  /** E.164, validated with libphonenumber-js (max metadata) */
  phone: DetailFinding;
  /** the customer refuses to give details ("no thanks", "I'd rather not") */
  declined: boolean;
  /** the name the customer gave ("I'm Sam Baker", "Sam here"), when they gave one */
  name?: PersonName | null | undefined;
}

export interface ExtractionContext {
  country: string;
  /** numbers that must never be taken as the customer's (the business's own numbers, quoted back) */
  excludePhones?: string[];
  /** emails that must never be taken as the customer's (the business's own addresses, quoted back) */
  excludeEmails?: string[];
  /** on WhatsApp the phone is known: a reply may confirm it ("yes that's right") */
  knownPhone?: string | undefined;
  locale?: string | undefined;
}

export interface AiAgent {
  readonly name: string;
  /** Answer one customer message while the AI is in charge. Never throws: failures become a handover. */
  reply(message: string, ctx: AgentContext): Promise<AgentReply>;
  /**
   * The answer reply() would give, when the agent has it at once, without any I/O (pure computation): the runtime then
   * writes the customer's message and the answer in one step. undefined: only reply() can answer (a model to ask),
   * and the runtime asks it after the step, outside any lock. Never throws.
   */
  instant?(message: string, ctx: AgentContext): AgentReply | undefined;
  /** Read an email and a phone number out of a free-text answer to "what are your email and phone?" */
  extractDetails(message: string, ctx: ExtractionContext): Promise<DetailExtraction>;
}
