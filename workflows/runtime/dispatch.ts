// One event, one transaction: lock the conversation's row, step the pure machine, write what the step asks of
// the database (messages, timers) and, in the outbox, what must leave it; save the snapshot. No I/O but the
// database's runs while the row is locked: the effect loop carries the outbox out after the commit. SQL on the raw
// driver: the step's writes are one statement (step-write.ts), on its own when the conversation's last step is known
// here and unchanged (createDispatch), else between BEGIN, the row lock and COMMIT.
import { DomainError } from '../../contacts/index.ts';
import type { Database, Sql } from '../../prisma/index.ts';
import {
  stepConversation,
  type ConversationEffect,
  type ConversationEvent,
  type ConversationStatus,
  type Lang,
} from '../conversation/index.ts';
import type { MessageView } from './events.ts';
import { newEffects, type Claim, type ClaimedEffect, type EffectOutcome, type OutboxJob } from './outbox.ts';
import { rememberNewest } from './recent.ts';
import { timerWrites, writeStep, type StepWritten, type TimerWrite } from './step-write.ts';
import { lockConversation, messageView, newMessage, type LockedConversation, type NewMessage } from './store.ts';
import { takeTimer } from './timers.ts';

export interface DispatchOptions {
  /**
   * checks the conversation as it stands before the machine step, without a query: may throw to refuse the event or
   * say skip. Keeps the optimistic way open (createDispatch).
   */
  check?: ((conversation: LockedConversation) => void | 'skip') | undefined;
  /**
   * runs inside the transaction, after the row lock, before the machine step, for checks that query the database; may
   * throw to refuse the event. The event takes the locking way.
   */
  before?: ((tx: Sql, conversation: LockedConversation) => Promise<void | 'skip'>) | undefined;
  /**
   * a customer's message, stored with the step (Committed.received), and the channel's latest reference saved; unless
   * the channel handed the same message over before (its channelMessageId): then the event is dropped, `redelivered`
   * told
   */
  inbound?:
    | {
        text: string;
        channelMessageId?: string | null | undefined;
        reference: Record<string, unknown>;
        redelivered: () => void;
      }
    | undefined;
  /** the conversation as its creator just committed it: the first step may start from it (the optimistic way) */
  created?: LockedConversation | undefined;
  /** a durable timer being fired: taken in the same transaction, or the event is dropped */
  timerId?: string | undefined;
  /** customer locale, passed on to the AI agent */
  locale?: string | undefined;
  /** runs right after the commit, before the effects that leave the database */
  committed?: ((step: Committed) => void) | undefined;
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
  /** the customer's message the step stored (DispatchOptions.inbound) */
  received?: MessageView | undefined;
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

/** Rolls a step's transaction back: its writes found the event must be dropped (already applied). */
class Dropped extends Error {
  constructor(readonly redelivered: boolean) {
    super('the event was dropped');
  }
}

/** The machine threw on a remembered state (the locking way steps again, from the row). */
class NotStepped extends Error {
  constructor(cause: unknown) {
    super('not stepped', { cause });
  }
}

/** Conversations whose last committed step this instance knows (the oldest forgotten beyond). */
const KNOWN = 10_000;

/**
 * null: the event was dropped (a timer someone else fired, an effect already done, a redelivery, or `check` or
 * `before` said skip).
 *
 * Two ways to run a step. The optimistic one, for an event that needs no query under the lock (no `before`, no
 * timer): from the conversation as this instance last committed it (`known`), the step's writes in one statement
 * outside a transaction, which writes nothing unless the row is still at that version (writeStep). The locking one:
 * BEGIN, the row lock, the step's writes, COMMIT. When the optimistic write finds the row changed (another step,
 * another instance), or nothing is known of it, the event is stepped again the locking way, from the row as it is:
 * a step is applied once, on the state it was computed from, so events still take effect one at a time.
 */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const { db, now, instanceId } = deps;
  const known = new Map<string, LockedConversation>();
  const remember = (c: LockedConversation) => {
    const had = known.get(c.id);
    // two steps of one conversation finishing out of order: the newer version stays
    if (had && had.version > c.version) return;
    rememberNewest(known, c.id, c, KNOWN);
  };

  /**
   * Steps `event` from `conversation` and writes it: `sql` is the locked transaction, or the database itself for a
   * `remembered` conversation (the optimistic way).
   */
  const step = async (
    sql: Sql,
    remembered: boolean,
    conversation: LockedConversation,
    event: ConversationEvent,
    opts: DispatchOptions,
  ): Promise<{ committed: Committed; written: StepWritten } | { written: StepWritten; committed?: undefined }> => {
    const conversationId = conversation.id;
    const inbound = opts.inbound;
    let next: ReturnType<typeof stepConversation>;
    try {
      next = stepConversation(conversation.snapshot, event);
    } catch (e) {
      // from a remembered state: stepped again from the row as it is, which throws again if it must
      if (remembered) throw new NotStepped(e);
      throw e;
    }
    const at = now();
    // the customer's message first (the history orders by createdAt, then id: both in this order)
    const received = inbound
      ? newMessage({
          conversationId,
          direction: 'inbound',
          author: 'customer',
          text: inbound.text,
          channelMessageId: inbound.channelMessageId,
        })
      : undefined;
    const { messages, timers, sent } = stepRows(conversationId, next.effects, at);
    if (received) messages.unshift(received);
    const claim = deps.claim();
    const outbox = newEffects(conversationId, outboxJobs(sent, next.effects, next.context.lang, opts.locale), claim);
    const assignedAgentId = next.status === 'human' ? next.context.agentId : conversation.assignedAgentId;
    const snapshot = JSON.stringify(next.persisted);
    const written = await writeStep(sql, {
      conversationId,
      version: conversation.version,
      snapshot,
      status: next.status,
      assignedAgentId,
      at,
      lastActivityAt: event.type === 'customer.message' || sent.length > 0 ? at : undefined,
      closedAt: closedAtChange(conversation.status, next.status, at),
      waitingSince: waitingSinceChange(conversation.status, next.status, at),
      reference: inbound?.reference,
      messages,
      timers,
      outbox,
      claim,
      effectDone: opts.effect,
      redeliveryOf: received?.channelMessageId ?? undefined,
    });
    if (!written.saved || !written.effectDone || written.contactId === null) return { written };
    const saved: LockedConversation = {
      ...conversation,
      contactId: written.contactId,
      status: next.status,
      assignedAgentId,
      // as the database gives it back (the locking way reads it so)
      snapshot: JSON.parse(snapshot) as unknown,
      version: conversation.version + 1,
      reference: inbound ? inbound.reference : conversation.reference,
    };
    return {
      written,
      committed: {
        conversation: saved,
        status: next.status,
        lang: next.context.lang,
        effects: next.effects,
        sent: sent.map(({ row, author }) => ({
          message: messageView({ ...row, agent: row.agentId ? written.agents.get(row.agentId) : null }),
          author,
        })),
        received: received && messageView(received),
        outbox,
      },
    };
  };

  const optimistic = async (conversationId: string, event: ConversationEvent, opts: DispatchOptions) => {
    const conversation = known.get(conversationId);
    if (!conversation || opts.before || opts.timerId) return undefined;
    // a refusal or a skip is decided on the row as it is (the locking way); going on, the write checks the version
    try {
      if (opts.check?.(conversation) === 'skip') return undefined;
    } catch {
      return undefined;
    }
    let stepped: Awaited<ReturnType<typeof step>>;
    try {
      stepped = await step(db, true, conversation, event, opts);
    } catch (e) {
      if (!(e instanceof NotStepped)) throw e;
      known.delete(conversationId);
      return undefined;
    }
    const { committed, written } = stepped;
    if (committed) return committed;
    known.delete(conversationId);
    // an effect's outcome is marked done only by its event's step, which changes the version: never reached
    if (written.saved) throw new Error(`conversation ${conversationId}: a step was saved, its effect done already`);
    // nothing written: stepped again the locking way, which tells a change from a redelivery or an effect done
    return undefined;
  };

  const locking = (conversationId: string, event: ConversationEvent, opts: DispatchOptions) =>
    db.transaction(async (tx): Promise<Committed | null> => {
      const conversation = await lockConversation(tx, conversationId);
      if (!conversation) throw new DomainError('NOT_FOUND', 'no such conversation');
      if (opts.timerId && !(await takeTimer(tx, { id: opts.timerId, now: now(), instanceId }))) return null;
      if (opts.check?.(conversation) === 'skip') return null;
      if (opts.before && (await opts.before(tx, conversation)) === 'skip') return null;
      const { committed, written } = await step(tx, false, conversation, event, opts);
      if (committed) return committed;
      if (written.redelivered) throw new Dropped(true);
      if (!written.effectDone) throw new Dropped(false);
      throw new DomainError('CONFLICT', 'the conversation changed meanwhile; try again');
    });

  return async (conversationId, event, opts = {}) => {
    if (opts.created) remember(opts.created);
    let committed: Committed | null | undefined = await optimistic(conversationId, event, opts);
    if (committed === undefined) {
      try {
        committed = await locking(conversationId, event, opts);
      } catch (e) {
        if (e instanceof DomainError && e.code === 'NOT_FOUND') known.delete(conversationId);
        if (!(e instanceof Dropped)) throw e;
        if (e.redelivered) opts.inbound?.redelivered();
        return null;
      }
    }
    if (!committed) return null;
    remember(committed.conversation);
    for (const effect of committed.effects) {
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

/** The rows of the step's effects that touch only the database, written with the step: timers and stored messages. */
function stepRows(conversationId: string, effects: ConversationEffect[], at: Date) {
  const messages: NewMessage[] = [];
  const timers: TimerWrite[] = [];
  const sent: { row: NewMessage; author: SentMessage['author'] }[] = [];
  for (const effect of effects) {
    if (effect.type === 'timer.schedule') {
      const dueAt = new Date(at.getTime() + effect.delayMs);
      timers.push({ kind: 'schedule', key: effect.key, event: effect.event, dueAt });
    } else if (effect.type === 'timer.cancel') {
      timers.push({ kind: 'cancel', key: effect.key, at });
    } else if (effect.type === 'send') {
      const { author, text, agentId } = effect;
      const row = newMessage({ conversationId, direction: 'outbound', author, text, agentId });
      messages.push(row);
      sent.push({ row, author });
    }
  }
  return { messages, timers: timerWrites(timers), sent };
}

/** The step's effects that leave the database, as outbox jobs: the deliveries first, then the others in order. */
function outboxJobs(
  sent: { row: NewMessage; author: SentMessage['author'] }[],
  effects: ConversationEffect[],
  lang: Lang,
  locale: string | undefined,
): OutboxJob[] {
  const jobs: OutboxJob[] = sent.map(({ row, author }) => ({
    kind: 'deliver',
    messageId: row.id,
    text: row.text,
    author,
    agentId: row.agentId,
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
