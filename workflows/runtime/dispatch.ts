// One event, one transaction: lock the conversation's row, step the pure machine, write what the step asks of
// the database (messages, timers) and, in the outbox, what must leave it; save the snapshot. No I/O but the
// database's runs while the row is locked: the effect loop carries the outbox out after the commit.
import { DomainError } from '../../contacts/index.ts';
import type { Database, Prisma } from '../../prisma/index.ts';
import {
  stepConversation,
  type ConversationEffect,
  type ConversationEvent,
  type ConversationStatus,
  type Lang,
} from '../conversation/index.ts';
import type { MessageView } from './events.ts';
import {
  completeEffect,
  enqueueEffects,
  type Claim,
  type ClaimedEffect,
  type EffectOutcome,
  type OutboxJob,
} from './outbox.ts';
import { lockConversation, messageView, saveStep, storeMessage, type LockedConversation } from './store.ts';
import { cancelTimer, scheduleTimer, takeTimer } from './timers.ts';

type Tx = Prisma.TransactionClient;

export interface DispatchOptions {
  /** runs inside the transaction, after the row lock, before the machine step; may throw to refuse the event */
  before?: ((tx: Tx, conversation: LockedConversation) => Promise<void | 'skip'>) | undefined;
  /** a durable timer being fired: taken in the same transaction, or the event is dropped */
  timerId?: string | undefined;
  /** customer locale, passed on to the AI agent */
  locale?: string | undefined;
  /** runs right after the commit, before the effects that leave the database */
  committed?: (() => void) | undefined;
  /** the outbox effect this event is the outcome of: marked done in the same transaction, or the event is dropped */
  effect?: { id: string; outcome: EffectOutcome } | undefined;
  /** the effect loop: told the last step committed once everything that followed from the event is done */
  settled?: ((last: Committed) => void) | undefined;
}

export interface SentMessage {
  message: MessageView;
  author: 'ai' | 'agent' | 'system';
}

/** A committed step: the conversation as it now is, and what is left to do outside the database. */
export interface Committed {
  conversation: LockedConversation;
  status: ConversationStatus;
  lang: Lang;
  effects: ConversationEffect[];
  /** the messages the step stored for the customer, in order */
  sent: SentMessage[];
  /** what is left to do outside the database, in order, claimed by this instance */
  outbox: ClaimedEffect[];
}

export type Dispatch = (
  conversationId: string,
  event: ConversationEvent,
  opts?: DispatchOptions,
) => Promise<Committed | null>;

export interface DispatchDeps {
  db: Database;
  now: () => Date;
  instanceId: string;
  /** this instance's claim on the effects it writes */
  claim: () => Claim;
  /** told after the commit when the step scheduled a timer, to wake the poller when it falls due */
  timerScheduled: (delayMs: number) => void;
}

/** null: the event was dropped (a timer someone else fired, or `before` said skip). */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const { db, now, instanceId } = deps;
  return async (conversationId, event, opts = {}) => {
    const committed = await db.prisma.$transaction(
      async (tx): Promise<Committed | null> => {
        const conversation = await lockConversation(tx, conversationId);
        if (!conversation) throw new DomainError('NOT_FOUND', 'no such conversation');
        if (opts.timerId && !(await takeTimer(tx, { id: opts.timerId, now: now(), instanceId }))) return null;
        if (opts.effect && !(await completeEffect(tx, opts.effect.id, opts.effect.outcome, now()))) return null;
        const reference = conversation.reference;
        if (opts.before && (await opts.before(tx, conversation)) === 'skip') return null;
        const step = stepConversation(conversation.snapshot, event);
        const at = now();
        const sent = await writeEffects(tx, conversationId, step.effects, at);
        const jobs = outboxJobs(step.effects, sent, step.context.lang, opts.locale);
        const outbox = await enqueueEffects(tx, conversationId, jobs, deps.claim());
        const assignedAgentId = step.status === 'human' ? step.context.agentId : conversation.assignedAgentId;
        const saved = await saveStep(tx, {
          id: conversationId,
          version: conversation.version,
          persisted: step.persisted,
          status: step.status,
          assignedAgentId,
          at,
          lastActivityAt: event.type === 'customer.message' || sent.length > 0 ? at : undefined,
          closedAt: closedAtChange(conversation.status, step.status, at),
          waitingSince: waitingSinceChange(conversation.status, step.status, at),
          // a customer's message brings the latest reference to reply on (set by `before`)
          reference:
            conversation.reference !== reference ? (conversation.reference as Record<string, unknown>) : undefined,
        });
        if (!saved) throw new DomainError('CONFLICT', 'the conversation changed meanwhile; try again');
        return {
          conversation: { ...conversation, assignedAgentId },
          status: step.status,
          lang: step.context.lang,
          effects: step.effects,
          sent,
          outbox,
        };
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
    for (const effect of committed?.effects ?? []) {
      if (effect.type === 'timer.schedule') deps.timerScheduled(effect.delayMs);
    }
    return committed;
  };
}

/** Statuses where a human is owed and nobody holds the conversation. */
const WAITING: readonly ConversationStatus[] = ['waiting', 'capture', 'followup'];

/** waitingSince: set when the conversation starts waiting for a human, kept while it waits, cleared after. */
export function waitingSinceChange(
  from: ConversationStatus,
  to: ConversationStatus,
  at: Date,
): Date | null | undefined {
  if (!WAITING.includes(to)) return WAITING.includes(from) ? null : undefined;
  return WAITING.includes(from) ? undefined : at;
}

/** closedAt: set when it closes, cleared when it is reopened, else kept. */
export function closedAtChange(from: ConversationStatus, to: ConversationStatus, at: Date): Date | null | undefined {
  if (to === 'closed') return from === 'closed' ? undefined : at;
  return from === 'closed' ? null : undefined;
}

/** The effects that touch only the database, written in the step's transaction: timers and stored messages. */
async function writeEffects(
  tx: Tx,
  conversationId: string,
  effects: ConversationEffect[],
  at: Date,
): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  for (const effect of effects) {
    if (effect.type === 'timer.schedule') {
      const dueAt = new Date(at.getTime() + effect.delayMs);
      await scheduleTimer(tx, { conversationId, key: effect.key, event: effect.event, dueAt });
    } else if (effect.type === 'timer.cancel') {
      await cancelTimer(tx, { conversationId, key: effect.key, now: at });
    } else if (effect.type === 'send') {
      const { author, text, agentId } = effect;
      const row = await storeMessage(tx, { conversationId, direction: 'outbound', author, text, agentId });
      sent.push({ message: messageView(row), author });
    }
  }
  return sent;
}

/** The step's effects that leave the database, as outbox jobs: the deliveries first, then the others in order. */
function outboxJobs(
  effects: ConversationEffect[],
  sent: SentMessage[],
  lang: Lang,
  locale: string | undefined,
): OutboxJob[] {
  const jobs: OutboxJob[] = sent.map(({ message, author }) => ({
    kind: 'deliver',
    messageId: message.id,
    text: message.text,
    author,
    agentId: message.agentId,
  }));
  const withLocale = locale ? { locale } : {};
  for (const e of effects) {
    if (e.type === 'ai.reply')
      jobs.push({
        kind: 'ai.reply',
        text: e.text,
        lang,
        ...withLocale,
        ...(e.awaitingTeam ? { awaitingTeam: true } : {}),
      });
    if (e.type === 'ai.extract')
      jobs.push({ kind: 'ai.extract', text: e.text, knownPhone: e.knownPhone, ...withLocale });
    if (e.type === 'details.save')
      jobs.push({ kind: 'details.save', email: e.email, phone: e.phone, name: e.name, replaces: e.replaces });
  }
  return jobs;
}
