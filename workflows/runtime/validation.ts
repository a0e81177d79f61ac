// The runtime's inputs, checked where they cross into workflows/: a bad one is a VALIDATION_FAILED naming the field.
// A customer's words are the exception: control characters and unpaired surrogates in them are cleaned, not refused
// (a channel drops a message it is refused, and the customer would never be answered).
import { z } from 'zod';
import { cleanText, plainString, validationError, type TextCleaning } from '../../contacts/index.ts';
import type { InboundMessage } from '../contracts.ts';

/** Longest message text the runtime takes (channels cut longer ones; agents' messages are refused). */
export const MAX_MESSAGE_TEXT = 10_000;

/** An identifier a channel gave (ids, locale, phone): no control characters, refused when it has some. */
const optionalId = (max: number) => plainString().max(max, `must be at most ${max} characters`).optional();
const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`).optional();

export const inboundSchema = z.object({
  businessId: z.uuid({ error: 'must be a UUID' }),
  channel: plainString().trim().min(1, 'is required').max(50, 'must be at most 50 characters'),
  channelConversationId: plainString().min(1, 'is required').max(500, 'must be at most 500 characters'),
  reference: z.record(z.string(), z.unknown(), { error: 'must be an object (a ConversationReference)' }),
  sender: z.object({
    phone: optionalId(40),
    profileName: optionalText(200),
    channelUserId: optionalId(500),
  }),
  text: z.string({ error: 'must be text' }).max(MAX_MESSAGE_TEXT, `must be at most ${MAX_MESSAGE_TEXT} characters`),
  locale: optionalId(35),
  channelMessageId: optionalId(500),
});

/** A field of an inbound message that was cleaned, and what was taken out of it (counts, never the text). */
export interface InboundCleaning extends TextCleaning {
  field: string;
}

/**
 * The runtime's inbound message, checked. The customer's text and profile name, and the strings of the channel's
 * reference (stored as JSON, where PostgreSQL refuses NUL too), are cleaned of control characters (tab and line
 * breaks kept) and unpaired surrogates (U+FFFD), and `cleaned` says where; anything else that is wrong is a
 * VALIDATION_FAILED naming the field.
 */
export function parseInbound(msg: unknown): { message: InboundMessage; cleaned: InboundCleaning[] } {
  const parsed = inboundSchema.safeParse(msg);
  if (!parsed.success) throw validationError(parsed.error);
  const cleaned: InboundCleaning[] = [];
  // `field` is built only when something was cleaned: a reference has a dozen strings, and they are rarely dirty
  const cleanAt = (path: readonly string[], value: string, suffix = ''): string => {
    const result = cleanText(value);
    if (result.cleaned) cleaned.push({ field: path.join('.') + suffix, ...result.cleaned });
    return result.text;
  };
  const { text, sender, reference } = parsed.data;
  const message: InboundMessage = {
    ...parsed.data,
    text: cleanAt(['text'], text),
    sender: {
      ...sender,
      ...(sender.profileName === undefined
        ? {}
        : { profileName: cleanAt(['sender', 'profileName'], sender.profileName) }),
    },
    reference: cleanJson(reference, ['reference'], cleanAt) as Record<string, unknown>,
  };
  return { message, cleaned };
}

/**
 * A copy of a JSON value with each of its strings (keys included) passed through `clean`, told where it is (`path`,
 * changed while walking; a key's field is its object's, " (a key)" after it).
 */
function cleanJson(
  value: unknown,
  path: string[],
  clean: (path: readonly string[], s: string, suffix?: string) => string,
): unknown {
  if (typeof value === 'string') return clean(path, value);
  if (Array.isArray(value))
    return value.map((v, i) => {
      path.push(String(i));
      const copy = cleanJson(v, path, clean);
      path.pop();
      return copy;
    });
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const key = clean(path, k, ' (a key)');
    path.push(k);
    const inner = cleanJson((value as Record<string, unknown>)[k], path, clean);
    path.pop();
    // an own property, as any other key (an assignment to __proto__ would set the prototype)
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: inner, enumerable: true, writable: true, configurable: true });
    else copy[key] = inner;
  }
  return copy;
}

export const agentTextSchema = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_MESSAGE_TEXT, `must be at most ${MAX_MESSAGE_TEXT} characters`);

export function parseAgentText(text: unknown): string {
  const parsed = z.object({ text: agentTextSchema }).safeParse({ text });
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data.text;
}
