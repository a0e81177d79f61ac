// What POST /api/messages takes, and how it answers what it cannot take, by the Bot Framework's retry rules: its
// service retries a delivery that failed with 404, 408, 429 or a 5xx other than 501/505, and drops it after any other
// status (botbuilder's BotFrameworkHttpStatusCodeErrorDetectionStrategy). So an activity that is no activity, or one
// Baton refuses, answers 400 (retrying cannot help) and a failure of Baton's own answers 500 (a retry may succeed;
// the runtime drops a redelivered activity it already took, by its id).
import type { ActivityHandlerBase, TurnContext } from 'botbuilder';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { isDomainError, plainString } from '../../contacts/index.ts';
import type { ErrorBody } from '../http/errors.ts';

const name = (max: number) => plainString().max(max, `must be at most ${max} characters`);
// A person's display name and the message's text are the customer's words: the runtime cleans control characters
// out of them rather than refuse them (a refused message is dropped by the channel, and never answered).
const account = z.object({ id: name(500).optional(), name: z.string().max(500).optional() }).loose();
const date = plainString().refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date (ISO 8601)');

/** The envelope every Bot Framework activity has (what botbuilder and Baton read of it); the rest passes as is. */
export const activityEnvelope = z
  .object({
    type: name(64).min(1, 'is required'),
    id: name(500).optional(),
    channelId: name(50).min(1, 'is required'),
    serviceUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
    conversation: z.object({ id: name(500).min(1, 'is required') }).loose(),
    from: account.optional(),
    recipient: account.optional(),
    text: z.string().optional(),
    locale: name(35).optional(),
    timestamp: date.optional(),
    localTimestamp: date.optional(),
    attachments: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
    membersAdded: z.array(account).optional(),
    membersRemoved: z.array(account).optional(),
  })
  .loose();

export interface Refusal {
  status: number;
  body: ErrorBody;
}

const refusal = (status: number, code: string, message: string, field?: string): Refusal => ({
  status,
  body: { error: { code, message, ...(field ? { field } : {}) } },
});

/** Why a request body is no activity Baton can take, or undefined when it is one. */
export function checkActivity(body: unknown): Refusal | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return refusal(400, 'VALIDATION_FAILED', 'the body must be an activity (JSON object)');
  const parsed = activityEnvelope.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'activity';
    return refusal(400, 'VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  const serviceUrl = parsed.data.serviceUrl;
  if (serviceUrl.startsWith('baton://'))
    return refusal(400, 'VALIDATION_FAILED', 'serviceUrl: baton:// addresses are internal', 'serviceUrl');
  return undefined;
}

/**
 * Runs the bot's turn and remembers how it ended: a refusal of Baton's (a DomainError, e.g. VALIDATION_FAILED from
 * the runtime) answers with its status, any other failure 500 — instead of botbuilder's onTurnError swallowing it
 * into a 200 and the message being lost without the channel knowing.
 */
export function watchedTurn(bot: Pick<ActivityHandlerBase, 'run'>, log: FastifyBaseLogger) {
  const outcome: { refusal?: Refusal } = {};
  const logic = async (context: TurnContext) => {
    try {
      await bot.run(context);
    } catch (e) {
      const where = { channel: context.activity.channelId, activityType: context.activity.type };
      if (isDomainError(e)) {
        // 429 is retried later; any other refusal would be refused again.
        const status = e.code === 'RATE_LIMITED' ? 429 : 400;
        log.warn({ ...where, code: e.code, field: e.field, reason: e.message }, 'activity refused');
        outcome.refusal = refusal(status, e.code, e.message, e.field);
      } else {
        log.error({ ...where, err: e }, 'bot turn failed; answered 500 so the channel retries');
        outcome.refusal = refusal(500, 'INTERNAL_ERROR', 'the activity could not be handled; try again');
      }
    }
  };
  return { logic, outcome };
}
