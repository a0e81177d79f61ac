// One event, one transaction: lock the conversation's row, step the pure machine, write what the step asks of
// the database (messages, timers) and, in the outbox, what must leave it; save the snapshot. No I/O but the
// database's runs while the row is locked: the effect loop carries the outbox out after the commit. SQL on the raw
// driver: the step's writes are one statement (step-write.ts), on its own when the conversation's last step is known
// here or read without a lock, and unchanged (createDispatch), else between BEGIN, the row lock and COMMIT.
import { DomainError } from '../../contacts/index.ts';
import type { Database, Sql } from '../../prisma/index.ts';
import type { AgentContext, AgentReply } from '../agent/types.ts';
import {
  persistedCopy,
  stepConversation,
  type ConversationEffect,
  type ConversationEvent,
  type ConversationStatus,
  type ConversationStep,
  type Lang,
} from '../conversation/index.ts';
import type { MessageView } from './events.ts';
import {
  agentHistory,
  recentMessages,
  RecentHistories,
  withMessages,
  type Recent,
  type RecentMessage,
} from './history.ts';
import { newEffects, type Claim, type ClaimedEffect, type EffectOutcome, type OutboxJob } from './outbox.ts';
import { rememberNewest } from './recent.ts';
import { timerWrites, writeStep, type StepWritten, type TimerWrite } from './step-write.ts';
import {
  lockConversation,
  messageView,
  newMessage,
  readConversation,
  readConversationRecent,
  type LockedConversation,
  type NewMessage,
} from './store.ts';
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
  /** the conversation as the opening statement found it, with its newest messages when it read them */
  found?: { conversation: LockedConversation; recent: Recent | undefined } | undefined;
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
  /**
   * an AI agent that answers without I/O (AiAgent.instant; effects/reply.ts instantAnswer): a step that asks it
   * (`ai.reply`) takes its answer at once and is written with the answer's step (`ai.replied`), in one statement.
   * `historyLimit`: how many earlier messages it sees.
   */
  instant?: { answer: InstantAnswer; historyLimit: number } | undefined;
}

/** What the AI is asked in a step; `history` as AgentContext.history. */
export interface InstantRequest {
  conversationId: string;
  businessId: string;
  channel: string;
  text: string;
  lang: Lang;
  locale?: string | undefined;
  /** a person will reply (after the capture): the agent offers no handover */
  awaitingTeam?: boolean | undefined;
  history: AgentContext['history'];
}

/** The AI's answer with no I/O, or undefined (the durable way: the `ai.reply` effect, after the step). */
export type InstantAnswer = (r: InstantRequest, opts: { underLock: boolean }) => Promise<AgentReply | undefined>;

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
/** Their recent messages (history.ts): at most as many, and about 8 MB of text and objects. */
const HISTORY_WEIGHT = 4_000_000;

/** A step and what it leaves to remember: the history at its version, when known. */
interface Stepped {
  committed: Committed;
  recent: Recent | undefined;
}

/**
 * null: the event was dropped (a timer someone else fired, an effect already done, a redelivery, or `check` or
 * `before` said skip).
 *
 * Two ways to run a step. The optimistic one, for an event that needs no query under the lock (no `before`, no
 * timer): from the conversation as this instance last committed it (`known`), or else as a plain SELECT reads it
 * (another instance stepped it last, a restart), the step's writes in one statement outside a transaction, which
 * writes nothing unless the row is still at that version (writeStep). The locking one: BEGIN, the row lock, the
 * step's writes, COMMIT. When the optimistic write finds the row changed (another step, another instance), the event
 * is stepped again the locking way, from the row as it is:
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
  const histories = new RecentHistories(KNOWN, HISTORY_WEIGHT);

  /**
   * The conversation's newest messages at its version: remembered, else read (`sql`: under the lock, or the database).
   * undefined when the row is at another version than `conversation` (the optimistic write will find it changed).
   */
  const recentAt = async (sql: Sql, conversation: LockedConversation): Promise<Recent | undefined> => {
    const keep = (deps.instant?.historyLimit ?? 0) + 1;
    const had = histories.at(conversation.id, conversation.version);
    if (had) return had;
    const read = await recentMessages(sql, conversation.id, keep);
    if (!read) return undefined;
    histories.set(conversation.id, read.version, read.recent);
    return read.version === conversation.version ? read.recent : undefined;
  };

  /**
   * The AI's answer to the step's `ai.reply`, when the agent has it at once: the answer's step from the step's
   * snapshot, and the history the AI saw. undefined: the durable way (the `ai.reply` effect, carried out after the
   * commit, outside any lock). Only for a step whose only effect leaving the database is the `ai.reply`, so that
   * what the customer is sent keeps its order.
   */
  const answerAtOnce = async (
    sql: Sql,
    conversation: LockedConversation,
    next: ConversationStep,
    written: NewMessage[],
    opts: DispatchOptions,
  ): Promise<{ ask: ConversationEffect; answered: ConversationStep; recent: Recent } | undefined> => {
    const instant = deps.instant;
    if (!instant) return undefined;
    const outside = next.effects.filter(leavesDatabase);
    const ask = outside[0];
    if (outside.length !== 1 || ask?.type !== 'ai.reply') return undefined;
    const before = await recentAt(sql, conversation);
    if (!before) return undefined;
    // what the AI would read once the step is committed: its messages too (historyBeforeLast)
    const seen = withMessages(before, written.map(recentMessage), instant.historyLimit + 1);
    const reply = await instant.answer(
      {
        conversationId: conversation.id,
        businessId: conversation.businessId,
        channel: conversation.channel,
        text: ask.text,
        lang: next.context.lang,
        locale: opts.locale,
        awaitingTeam: ask.awaitingTeam,
        history: agentHistory(seen),
      },
      { underLock: sql !== db },
    );
    if (!reply) return undefined;
    let answered: ConversationStep;
    try {
      // from the snapshot as the database would give it back
      answered = stepConversation(persistedCopy(JSON.stringify(next.persisted)), { type: 'ai.replied', reply });
    } catch {
      return undefined;
    }
    return { ask, answered, recent: before };
  };

  /**
   * Steps `event` from `conversation` and writes it: `sql` is the locked transaction, or the database itself for a
   * `remembered` conversation (the optimistic way). An `ai.reply` the agent answers at once is stepped and written
   * with it (answerAtOnce).
   */
  const step = async (
    sql: Sql,
    remembered: boolean,
    conversation: LockedConversation,
    event: ConversationEvent,
    opts: DispatchOptions,
  ): Promise<{ stepped: Stepped; written: StepWritten } | { written: StepWritten; stepped?: undefined }> => {
    const conversationId = conversation.id;
    const inbound = opts.inbound;
    let next: ConversationStep;
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
    const rows = stepRows(conversationId, next.effects, at);
    if (received) rows.messages.unshift(received);
    const fused = await answerAtOnce(sql, conversation, next, rows.messages, opts);
    // the steps written: the event's, and the answer's when the AI answered at once
    const steps = fused ? [next, fused.answered] : [next];
    const last = fused?.answered ?? next;
    const { messages, timers, sent } = fused
      ? withAnswer(rows, stepRows(conversationId, fused.answered.effects, at))
      : rows;
    const effects = fused ? [...next.effects.filter((e) => e !== fused.ask), ...fused.answered.effects] : next.effects;
    const claim = deps.claim();
    const outbox = newEffects(conversationId, outboxJobs(sent, effects, last.context.lang, opts.locale), claim);
    // each step's changes in turn
    let status = conversation.status;
    let assignedAgentId = conversation.assignedAgentId;
    let closedAt: Date | null | undefined;
    let waitingSince: Date | null | undefined;
    for (const s of steps) {
      if (s.status === 'human') assignedAgentId = s.context.agentId;
      const closed = closedAtChange(status, s.status, at);
      if (closed !== undefined) closedAt = closed;
      const waiting = waitingSinceChange(status, s.status, at);
      if (waiting !== undefined) waitingSince = waiting;
      status = s.status;
    }
    const snapshot = JSON.stringify(last.persisted);
    const written = await writeStep(sql, {
      conversationId,
      version: conversation.version,
      snapshot,
      status,
      assignedAgentId,
      at,
      lastActivityAt: event.type === 'customer.message' || sent.length > 0 ? at : undefined,
      closedAt,
      waitingSince,
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
      status,
      assignedAgentId,
      // as the database gives it back (the locking way reads it so)
      snapshot: persistedCopy(snapshot),
      version: conversation.version + 1,
      reference: inbound ? inbound.reference : conversation.reference,
    };
    const before = fused?.recent ?? histories.at(conversationId, conversation.version);
    return {
      written,
      stepped: {
        recent: before && withMessages(before, messages.map(recentMessage), (deps.instant?.historyLimit ?? 0) + 1),
        committed: {
          conversation: saved,
          status,
          lang: last.context.lang,
          effects,
          sent: sent.map(({ row, author }) => ({
            message: messageView({ ...row, agent: row.agentId ? written.agents.get(row.agentId) : null }),
            author,
          })),
          received: received && messageView(received),
          outbox,
        },
      },
    };
  };

  /**
   * A conversation not known here, as it is: with an agent that answers at once, its newest messages too, at the same
   * version, in the same statement (the answer needs them: one round trip instead of two).
   */
  const readUnknown = async (conversationId: string) => {
    if (!deps.instant) return readConversation(db, conversationId);
    const read = await readConversationRecent(db, conversationId, deps.instant.historyLimit + 1);
    if (!read) return null;
    histories.set(conversationId, read.conversation.version, read.recent);
    return read.conversation;
  };

  const optimistic = async (conversationId: string, event: ConversationEvent, opts: DispatchOptions) => {
    if (opts.before || opts.timerId) return undefined;
    // not known here (another instance stepped it last, a restart, forgotten): read as it is, without a lock; the
    // write below checks the version all the same
    const conversation = known.get(conversationId) ?? (await readUnknown(conversationId));
    if (!conversation) return undefined;
    // a refusal or a skip is decided on the row as it is (the locking way); going on, the write checks the version
    try {
      if (opts.check?.(conversation) === 'skip') return undefined;
    } catch {
      return undefined;
    }
    let result: Awaited<ReturnType<typeof step>>;
    try {
      result = await step(db, true, conversation, event, opts);
    } catch (e) {
      if (!(e instanceof NotStepped)) throw e;
      known.delete(conversationId);
      return undefined;
    }
    const { stepped, written } = result;
    if (stepped) return stepped;
    known.delete(conversationId);
    // an effect's outcome is marked done only by its event's step, which changes the version: never reached
    if (written.saved) throw new Error(`conversation ${conversationId}: a step was saved, its effect done already`);
    // nothing written: stepped again the locking way, which tells a change from a redelivery or an effect done
    return undefined;
  };

  const locking = (conversationId: string, event: ConversationEvent, opts: DispatchOptions) =>
    db.transaction(async (tx): Promise<Stepped | null> => {
      const conversation = await lockConversation(tx, conversationId);
      if (!conversation) throw new DomainError('NOT_FOUND', 'no such conversation');
      if (opts.timerId && !(await takeTimer(tx, { id: opts.timerId, now: now(), instanceId }))) return null;
      if (opts.check?.(conversation) === 'skip') return null;
      if (opts.before && (await opts.before(tx, conversation)) === 'skip') return null;
      const { stepped, written } = await step(tx, false, conversation, event, opts);
      if (stepped) return stepped;
      if (written.redelivered) throw new Dropped(true);
      if (!written.effectDone) throw new Dropped(false);
      throw new DomainError('CONFLICT', 'the conversation changed meanwhile; try again');
    });

  return async (conversationId, event, opts = {}) => {
    if (opts.created) {
      remember(opts.created);
      // just created: no message yet
      histories.set(conversationId, opts.created.version, []);
    }
    // found open by the opening statement (another instance stepped it last): as it read it, unless what this
    // instance knows is as new; a step from it is written only if the row is still at its version, as ever
    const found = opts.found;
    if (found && (known.get(conversationId)?.version ?? -1) < found.conversation.version) {
      remember(found.conversation);
      if (found.recent) histories.set(conversationId, found.conversation.version, found.recent);
    }
    let stepped: Stepped | null | undefined = await optimistic(conversationId, event, opts);
    if (stepped === undefined) {
      try {
        stepped = await locking(conversationId, event, opts);
      } catch (e) {
        if (e instanceof DomainError && e.code === 'NOT_FOUND') {
          known.delete(conversationId);
          histories.delete(conversationId);
        }
        if (!(e instanceof Dropped)) throw e;
        if (e.redelivered) opts.inbound?.redelivered();
        return null;
      }
    }
    if (!stepped) return null;
    // committed: what it is now, remembered
    const { committed, recent } = stepped;
    remember(committed.conversation);
    if (recent) histories.set(conversationId, committed.conversation.version, recent);
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

/** The rows of a step and of the AI's answer stepped with it, in order. */
function withAnswer(
  step: ReturnType<typeof stepRows>,
  answer: ReturnType<typeof stepRows>,
): ReturnType<typeof stepRows> {
  return {
    messages: [...step.messages, ...answer.messages],
    timers: timerWrites([...step.timers, ...answer.timers]),
    sent: [...step.sent, ...answer.sent],
  };
}

/** A message row as the history keeps it. */
function recentMessage(m: NewMessage): RecentMessage {
  return { id: m.id, createdAt: m.createdAt.getTime(), author: m.author, text: m.text };
}

/** An effect carried out from the outbox after the step, other than a delivery (outboxJobs). */
const leavesDatabase = (e: ConversationEffect) =>
  e.type === 'ai.reply' || e.type === 'ai.extract' || e.type === 'details.save';

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
