// The runtime's inputs, checked where they cross into workflows/: a bad one is a VALIDATION_FAILED naming the field.
import { z } from 'zod';
import { validationError } from '../../contacts/index.ts';
import type { InboundMessage } from '../contracts.ts';

/** Longest message text the runtime takes (channels cut longer ones; agents' messages are refused). */
export const MAX_MESSAGE_TEXT = 10_000;

const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`).optional();

export const inboundSchema = z.object({
  businessId: z.uuid({ error: 'must be a UUID' }),
  channel: z.string().trim().min(1, 'is required').max(50, 'must be at most 50 characters'),
  channelConversationId: z.string().min(1, 'is required').max(500, 'must be at most 500 characters'),
  reference: z.record(z.string(), z.unknown(), { error: 'must be an object (a ConversationReference)' }),
  sender: z.object({
    phone: optionalText(40),
    profileName: optionalText(200),
    channelUserId: optionalText(500),
  }),
  text: z.string({ error: 'must be text' }).max(MAX_MESSAGE_TEXT, `must be at most ${MAX_MESSAGE_TEXT} characters`),
  locale: optionalText(35),
  channelMessageId: optionalText(500),
});

export function parseInbound(msg: unknown): InboundMessage {
  const parsed = inboundSchema.safeParse(msg);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
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
