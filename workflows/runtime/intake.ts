// A customer's message comes in: find the channel conversation's open conversation or open one (the sender
// resolved to a contact), store the message with the step it causes, skip a channel's redelivery.
import { isDomainError, resolveInboundSender } from '../../contacts/index.ts';
import type { Database } from '../../prisma/index.ts';
import { startedSnapshot, type ConversationStatus } from '../conversation/index.ts';
import type { InboundMessage } from '../contracts.ts';
import type { BusinessLookup } from './business-cache.ts';
import type { RunEvent } from './effect-loop.ts';
import { customerLanguage } from './language.ts';
import type { LiveEvents } from './live-events.ts';
import { rememberNewest } from './recent.ts';
import { findOpenConversation, openConversation, type Opening } from './open-conversation.ts';
import { conversationState, type LockedConversation } from './store.ts';

export interface InboundResult {
  conversationId: string;
  contactId: string;
  status: ConversationStatus;
  /** the same channel message was already recorded (a redelivery): nothing was done */
  duplicate: boolean;
}

export interface IntakeDeps {
  db: Database;
  now: () => Date;
  business: BusinessLookup;
  live: LiveEvents;
  run: RunEvent;
  /** the newest messages a conversation found open comes back with (the AI's history when it answers at once) */
  recentKeep?: number;
}

export type Intake = (msg: InboundMessage) => Promise<InboundResult>;

/** Channel conversations remembered with their open conversation (the oldest forgotten beyond). */
const REMEMBERED = 10_000;

export function createIntake(deps: IntakeDeps): Intake {
  // The open conversation of each channel conversation seen lately, so that a customer's next message needs no
  // query to find it. Only a hint: the step's row lock reads the conversation as it is, and one found closed
  // (an agent, inactivity, another instance) or gone is forgotten and looked up again.
  const open = new Map<string, string>();
  const remember = (key: string, id: string) => rememberNewest(open, key, id, REMEMBERED);
  return async (msg) => {
    const key = `${msg.businessId}|${msg.channel}|${msg.channelConversationId}`;
    for (let attempt = 0; ; attempt++) {
      const hint = open.get(key);
      const { id, opened, assignedAgentId, created, found } = hint
        ? { id: hint, opened: false, assignedAgentId: null, created: undefined, found: undefined }
        : await openFor(deps, msg);
      if (opened) {
        const { businessId } = msg;
        deps.live.emit({
          type: 'conversation',
          businessId,
          conversationId: id,
          status: 'ai',
          assignedAgentId,
          reason: 'opened',
        });
      }
      // closed between finding it and locking it (an agent, or inactivity): open a new one, once (a remembered
      // conversation found closed does not count)
      const recording = recordInbound(msg, { reopen: attempt === 0 || hint !== undefined });
      const lang = customerLanguage(msg.text, msg.locale);
      // where the conversation stands once the message and all that followed (the AI's reply) are done
      let state: { contactId: string; status: ConversationStatus } | undefined;
      const run = deps.run(
        id,
        { type: 'customer.message', text: msg.text, lang },
        {
          locale: msg.locale,
          check: recording.check,
          inbound: recording.inbound,
          created,
          found,
          committed: (step) => {
            const message = step.received;
            if (message) deps.live.emit({ type: 'message', businessId: msg.businessId, conversationId: id, message });
          },
          settled: (last) => {
            state = { contactId: last.conversation.contactId, status: last.status };
          },
        },
      );
      try {
        await run;
      } catch (e) {
        // the remembered conversation is gone (deleted with its contact): look it up again
        if (!hint || !(isDomainError(e) && e.code === 'NOT_FOUND')) throw e;
        open.delete(key);
        attempt--;
        continue;
      }
      if (recording.outcome() === 'closed') {
        open.delete(key);
        if (hint) attempt--;
        continue;
      }
      // a redelivery changed nothing: as the row lock found it
      state ??= recording.found() ?? (await conversationState(deps.db, id)) ?? undefined;
      if (!state) throw new Error(`conversation ${id} vanished`);
      if (state.status === 'closed') open.delete(key);
      else remember(key, id);
      return {
        conversationId: id,
        contactId: state.contactId,
        status: state.status,
        duplicate: recording.outcome() === 'duplicate',
      };
    }
  };
}

/**
 * The open conversation of the message's channel conversation, or a new one: one statement for a sender without a
 * phone (open-conversation.ts). A sender with a phone (WhatsApp) is the contact holding it (contacts'
 * resolveInboundSender, which may create or re-activate one): looked up only when no conversation is open.
 */
async function openFor(deps: IntakeDeps, msg: InboundMessage): Promise<Opening> {
  const b = await deps.business(msg.businessId);
  const key = { businessId: msg.businessId, channel: msg.channel, channelConversationId: msg.channelConversationId };
  const conversation = {
    ...key,
    reference: msg.reference,
    at: deps.now(),
    recentKeep: deps.recentKeep ?? 0,
    start: (askName: boolean) =>
      startedSnapshot({
        channel: msg.channel,
        knownPhone: msg.sender.phone ?? null,
        askName,
        handoverTimeoutMs: b.handoverTimeoutSeconds * 1000,
        inactivityTimeoutMs: b.inactivityTimeoutSeconds * 1000,
      }),
  };
  if (!msg.sender.phone) return openConversation(deps.db, conversation);
  const open = await findOpenConversation(deps.db, key);
  if (open) return { ...open, assignedAgentId: null, opened: false, created: undefined };
  const sender = await resolveInboundSender(deps.db, {
    businessId: msg.businessId,
    channel: msg.channel,
    phone: msg.sender.phone,
    profileName: msg.sender.profileName,
    country: b.country,
  });
  return openConversation(deps.db, conversation, {
    contactId: sender.contactId,
    guest: sender.status === 'guest',
    assignedAgentId: sender.assignedAgentId,
  });
}

/**
 * The message, stored with the step (dispatch's `inbound`, after the row lock); or the step skipped: a closed
 * conversation to reopen (`check`), a redelivery (found by the step's writes, rolled back).
 */
function recordInbound(msg: InboundMessage, opts: { reopen: boolean }) {
  let outcome: 'stored' | 'duplicate' | 'closed' | undefined;
  let found: { contactId: string; status: ConversationStatus } | undefined;
  const check = (conv: LockedConversation): void | 'skip' => {
    found = { contactId: conv.contactId, status: conv.status };
    if (conv.status === 'closed' && opts.reopen) {
      outcome = 'closed';
      return 'skip';
    }
    outcome = 'stored';
  };
  const inbound = {
    text: msg.text,
    channelMessageId: msg.channelMessageId,
    reference: msg.reference,
    redelivered: () => {
      outcome = 'duplicate';
    },
  };
  return { check, inbound, outcome: () => outcome, found: () => found };
}
