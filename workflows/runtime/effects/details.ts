// Detail capture's two effects: the AI agent reads the email and phone out of the customer's answer
// (`details.extracted`), then they are saved to the conversation's contact (`details.saved`, `.refused`, `.failed`).
import type { Logger } from 'pino';
import { isDomainError, saveContactDetails } from '../../../contacts/index.ts';
import type { Database } from '../../../prisma/index.ts';
import type { AiAgent, DetailExtraction, PersonName } from '../../agent/types.ts';
import type { ConversationEvent } from '../../conversation/index.ts';
import type { BusinessLookup } from '../business-cache.ts';
import { conversationState, moveToContact } from '../store.ts';

export interface DetailsDeps {
  db: Database;
  agent: AiAgent;
  logger: Logger;
  business: BusinessLookup;
}

/** What reading gave up on yields: nothing read, so the customer is asked again. */
export const nothingRead: DetailExtraction = { email: { status: 'none' }, phone: { status: 'none' }, declined: false };

/** Throws when the agent does (the effect is retried, then reads as `nothingRead`). */
export async function readDetails(
  deps: DetailsDeps,
  r: { businessId: string; text: string; knownPhone: string | null; locale?: string | undefined },
): Promise<ConversationEvent> {
  const b = await deps.business(r.businessId);
  const extraction = await deps.agent.extractDetails(r.text, {
    country: b.country,
    knownPhone: r.knownPhone ?? undefined,
    locale: r.locale,
  });
  return { type: 'details.extracted', extraction, text: r.text };
}

/**
 * Saves the details to the conversation's contact. A detail held by someone else is refused; an email and a phone
 * held by two different contacts keep the email (the agent sorts out the rest); another refusal of contacts is
 * `details.failed`. Throws on anything else (the database gone): the effect is retried.
 */
export async function saveDetails(
  deps: DetailsDeps,
  r: {
    conversationId: string;
    businessId: string;
    email: string | null;
    phone: string | null;
    name?: PersonName | null | undefined;
    replaces?: { email: string | null; phone: string | null } | undefined;
  },
): Promise<ConversationEvent> {
  const { conversationId, name } = r;
  const current = await conversationState(deps.db, conversationId);
  if (!current) throw new Error(`conversation ${conversationId} is gone`);
  const attempt = async (email: string | null, phone: string | null): Promise<ConversationEvent> => {
    const saved = await saveContactDetails(deps.db, {
      businessId: r.businessId,
      contactId: current.contactId,
      email: email ?? undefined,
      phone: phone ?? undefined,
      firstName: name?.firstName,
      lastName: name ? (name.lastName ?? null) : undefined,
      replaces: { email: r.replaces?.email ?? undefined, phone: r.replaces?.phone ?? undefined },
      actor: { type: 'customer', conversationId },
    });
    // merged into the contact that already held the detail: the conversation follows it
    if (saved.contactId !== current.contactId) await moveToContact(deps.db, conversationId, saved.contactId);
    deps.logger.info({ conversationId, outcome: saved.outcome }, 'contact details saved from the chat');
    return { type: 'details.saved', email, phone, name, outcome: saved.outcome };
  };
  const failed = (e: unknown): ConversationEvent => {
    if (!isDomainError(e)) throw e;
    deps.logger.error({ err: e, conversationId }, 'saving details failed');
    return { type: 'details.failed', reason: e.message };
  };
  try {
    return await attempt(r.email, r.phone);
  } catch (e) {
    if (isDomainError(e) && e.code === 'IDENTIFIER_TAKEN') {
      const field = e.details?.kind === 'phone' || e.field === 'phone' ? 'phone' : 'email';
      deps.logger.info({ conversationId, field, holder: e.details?.holder }, 'a detail given belongs to someone else');
      return { type: 'details.refused', field };
    }
    if (!(isDomainError(e) && e.code === 'IDENTIFIERS_CONFLICT' && r.email && r.phone)) return failed(e);
    return attempt(r.email, null).catch(failed);
  }
}
