// The durable conversation runtime: loads a conversation's snapshot, feeds the pure machine one event,
// persists the next snapshot (row lock + version) together with the effects that touch the database
// (messages, timers, status), then runs the effects that leave it (channel delivery, AI agent, contacts)
// and feeds their results back as events. No actor lives in memory between events.
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  DomainError,
  getBusiness,
  isDomainError,
  resolveInboundSender,
  saveContactDetails,
  type BusinessView,
} from '../../contacts/index.ts';
import type { Database, Prisma } from '../../prisma/index.ts';
import type { AgentReply, AiAgent, Author, DetailExtraction } from '../agent/types.ts';
import {
  startConversation,
  stepConversation,
  type ConversationEffect,
  type ConversationEvent,
  type ConversationStatus,
} from '../conversation/index.ts';
import type { ChannelGateway, InboundMessage, TypingTarget } from '../contracts.ts';
import { mayReopen, mayTransfer, refuseOthers, type StaffRole } from './agent-guards.ts';
import { shownNameOf } from './agent-names.ts';
import { agentTypingTarget } from './typing.ts';
import type { MessageView, RuntimeEvent } from './events.ts';
import { customerLanguage } from './language.ts';
import { startEventRelay, type EventRelay } from './relay.ts';
import { parseAgentText, parseInbound } from './validation.ts';
import {
  findOpenConversation,
  findPreviousContact,
  lockChannelConversation,
  lockConversation,
  messageView,
  type LockedConversation,
} from './store.ts';
import { cancelTimer, dueTimers, nextDueAt, scheduleTimer, takeTimer, timerEventSchema } from './timers.ts';

type Tx = Prisma.TransactionClient;

export interface ConversationRuntimeOptions {
  db: Database;
  agent: AiAgent;
  logger: Logger;
  /** names this instance in DurableTimer.claimedBy */
  instanceId: string;
  /** the clock (tests pass a simulated one) */
  now?: () => Date;
  /** how often due timers are looked for, also those another instance scheduled (default 1000 ms) */
  pollIntervalMs?: number;
  /** how many earlier messages the AI agent sees (default 20) */
  historyLimit?: number;
}

export interface InboundResult {
  conversationId: string;
  contactId: string;
  status: ConversationStatus;
  /** the same channel message was already recorded (a redelivery): nothing was done */
  duplicate: boolean;
}

export interface ConversationRuntime {
  handleInbound(message: InboundMessage): Promise<InboundResult>;
  registerGateway(channel: string | '*', gateway: ChannelGateway): void;
  /** CONFLICT when another agent claimed it, or it is closed; NOT_FOUND when it does not exist. */
  claim(conversationId: string, agentUserId: string): Promise<ConversationStatus>;
  /** An agent's message to the customer; claims the conversation when nobody has. */
  agentMessage(conversationId: string, agentUserId: string, text: string): Promise<ConversationStatus>;
  /** Tells the customer in the chat, in the conversation's language; stops a detail capture in progress. */
  close(conversationId: string, agentUserId: string | null): Promise<ConversationStatus>;
  /**
   * Hands the conversation to `toAgentId`. An agent may transfer what they hold or what nobody holds; an admin any
   * open conversation (taking over = transferring to themselves). CONFLICT when closed or held by another (for an
   * agent); NOT_FOUND for an unknown or inactive agent.
   */
  transfer(
    conversationId: string,
    by: { userId: string; role: StaffRole },
    toAgentId: string,
  ): Promise<ConversationStatus>;
  /** Opens a closed conversation again, held by `agentUserId`; the customer is not messaged. */
  reopen(conversationId: string, agentUserId: string): Promise<ConversationStatus>;
  /** An agent is typing: the customer sees a typing indicator for a few seconds. */
  typing(conversationId: string, agentUserId: string): Promise<void>;
  /** Re-arms due timers (firing those that fell due while nobody ran) and begins polling. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fires every timer due now, once each; returns how many this instance fired. */
  fireDueTimers(): Promise<number>;
  /** Live queue and message events of this instance, for the console's stream. Returns an unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
}

interface DispatchOptions {
  /** runs inside the transaction, after the row lock, before the machine step; may throw to refuse the event */
  before?: (tx: Tx, conversation: LockedConversation) => Promise<void | 'skip'>;
  /** a durable timer being fired: taken in the same transaction, or the event is dropped */
  timerId?: string;
  /** customer locale, passed on to the AI agent */
  locale?: string | undefined;
  /** runs right after the commit, before the effects that leave the database */
  committed?: () => void;
}

interface Outbound {
  messageId: string;
  text: string;
  author: 'ai' | 'agent' | 'system';
  agentId: string | null;
}

interface Committed {
  conversation: LockedConversation;
  status: ConversationStatus;
  effects: ConversationEffect[];
  outbound: Outbound[];
  knownPhone: string | null;
}

const ms = (d: Date) => d.getTime();

/** Statuses where a human is owed and nobody holds the conversation. */
const WAITING: ConversationStatus[] = ['waiting', 'capture', 'followup'];

/** waitingSince: set when the conversation starts waiting for a human, kept while it waits, cleared after. */
function waitingSinceChange(
  from: ConversationStatus,
  to: ConversationStatus,
  at: Date,
): { waitingSince?: Date | null } {
  if (!WAITING.includes(to)) return WAITING.includes(from) ? { waitingSince: null } : {};
  return WAITING.includes(from) ? {} : { waitingSince: at };
}

export function createConversationRuntime(options: ConversationRuntimeOptions): ConversationRuntime {
  const { db, agent, instanceId } = options;
  const logger = options.logger.child({ component: 'conversation-runtime', instanceId });
  const now = options.now ?? (() => new Date());
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const historyLimit = options.historyLimit ?? 20;
  const gateways = new Map<string, ChannelGateway>();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const inFlight = new Set<Promise<unknown>>();
  let running = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let wakeAt = Infinity;
  let polling: Promise<number> | undefined;
  const businesses = new Map<string, { at: number; business: BusinessView }>();

  let relay: EventRelay | null = null;
  const deliverLocally = (event: RuntimeEvent) => {
    try {
      emitter.emit('event', event);
    } catch (e) {
      logger.warn({ err: e }, 'a conversation event listener failed');
    }
  };
  const emit = (event: RuntimeEvent) => {
    deliverLocally(event);
    relay?.publish(event);
  };

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

  async function business(businessId: string): Promise<BusinessView> {
    const cached = businesses.get(businessId);
    if (cached && Date.now() - cached.at < 10_000) return cached.business;
    const b = await getBusiness(db, businessId);
    businesses.set(businessId, { at: Date.now(), business: b });
    return b;
  }

  /** One event, one transaction: lock, step, persist, database effects. Then the effects that leave the database. */
  async function dispatch(conversationId: string, event: ConversationEvent, opts: DispatchOptions = {}) {
    const committed = await db.prisma.$transaction(
      async (tx): Promise<Committed | null> => {
        const conversation = await lockConversation(tx, conversationId);
        if (!conversation) throw new DomainError('NOT_FOUND', 'no such conversation');
        if (opts.timerId && !(await takeTimer(tx, { id: opts.timerId, now: now(), instanceId }))) return null;
        if (opts.before && (await opts.before(tx, conversation)) === 'skip') return null;
        const step = stepConversation(conversation.snapshot, event);
        const at = now();
        const outbound: Outbound[] = [];
        let touched = event.type === 'customer.message';
        for (const effect of step.effects) {
          if (effect.type === 'timer.schedule') {
            await scheduleTimer(tx, {
              conversationId,
              key: effect.key,
              event: effect.event,
              dueAt: new Date(ms(at) + effect.delayMs),
            });
            armWakeUp(effect.delayMs);
          } else if (effect.type === 'timer.cancel') {
            await cancelTimer(tx, { conversationId, key: effect.key, now: at });
          } else if (effect.type === 'send') {
            const m = await tx.message.create({
              data: {
                conversationId,
                direction: 'outbound',
                author: effect.author,
                agentId: effect.agentId ?? null,
                text: effect.text,
              },
            });
            outbound.push({ messageId: m.id, text: m.text, author: effect.author, agentId: m.agentId });
            touched = true;
          }
        }
        const updated = await tx.conversation.updateMany({
          where: { id: conversationId, version: conversation.version },
          data: {
            snapshot: step.persisted as unknown as Prisma.InputJsonValue,
            status: step.status,
            version: { increment: 1 },
            assignedAgentId: step.status === 'human' ? step.context.agentId : conversation.assignedAgentId,
            ...(touched ? { lastActivityAt: at } : {}),
            ...(step.status === 'closed' && conversation.status !== 'closed' ? { closedAt: at } : {}),
            ...(step.status !== 'closed' && conversation.status === 'closed' ? { closedAt: null } : {}),
            ...waitingSinceChange(conversation.status, step.status, at),
          },
        });
        // The row lock makes this impossible; the version check keeps it impossible if the lock is ever dropped.
        if (updated.count !== 1) throw new DomainError('CONFLICT', 'the conversation changed meanwhile; try again');
        return {
          conversation: {
            ...conversation,
            assignedAgentId: step.status === 'human' ? step.context.agentId : conversation.assignedAgentId,
          },
          status: step.status,
          effects: step.effects,
          outbound,
          knownPhone: step.context.knownPhone,
        };
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
    if (!committed) return null;
    opts.committed?.();
    await afterCommit(committed, opts);
    return committed;
  }

  async function afterCommit(c: Committed, opts: DispatchOptions): Promise<void> {
    const conv = c.conversation;
    for (const out of c.outbound) {
      const message = await db.prisma.message.findUnique({
        where: { id: out.messageId },
        include: { agent: { select: { firstName: true, lastName: true } } },
      });
      if (message)
        emit({ type: 'message', businessId: conv.businessId, conversationId: conv.id, message: messageView(message) });
      await deliver(conv, out);
    }
    for (const effect of c.effects) {
      if (effect.type === 'agents.notify') {
        emit({
          type: 'conversation',
          businessId: conv.businessId,
          conversationId: conv.id,
          status: c.status,
          assignedAgentId: conv.assignedAgentId,
          reason: effect.reason,
        });
      }
    }
    // Effects that produce events, one after the other: each result is a new event for the machine.
    for (const effect of c.effects) {
      const next = await runEffect(conv, effect, c.knownPhone, opts);
      if (next) await dispatch(conv.id, next, { locale: opts.locale });
    }
  }

  async function deliver(conv: LockedConversation, out: Outbound): Promise<void> {
    const gateway = gateways.get(conv.channel) ?? gateways.get('*');
    if (!gateway) {
      logger.warn(
        { conversationId: conv.id, channel: conv.channel },
        'no gateway for this channel: message stored, not delivered',
      );
      return;
    }
    try {
      await gateway.send({
        conversationId: conv.id,
        channel: conv.channel,
        reference: (conv.reference ?? {}) as Record<string, unknown>,
        text: out.text,
        author: out.author,
        agentName: out.author === 'agent' ? await shownNameOf(db, out.agentId) : undefined,
      });
    } catch (e) {
      logger.error({ err: e, conversationId: conv.id, channel: conv.channel }, 'delivering a message failed');
    }
  }

  /** A typing indicator on the conversation's channel; never fails the caller (it is only a hint). */
  async function showTyping(target: TypingTarget): Promise<void> {
    const gateway = gateways.get(target.channel) ?? gateways.get('*');
    if (!gateway?.typing) return;
    try {
      await gateway.typing(target);
    } catch (e) {
      logger.debug({ err: e, conversationId: target.conversationId }, 'typing indicator not delivered');
    }
  }

  async function history(conversationId: string): Promise<{ author: Author; text: string }[]> {
    const rows = await db.prisma.message.findMany({
      where: { conversationId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: historyLimit + 1,
      select: { author: true, text: true },
    });
    // the newest one is the message being answered
    return rows.slice(1).reverse();
  }

  async function runEffect(
    conv: LockedConversation,
    effect: ConversationEffect,
    knownPhone: string | null,
    opts: DispatchOptions,
  ): Promise<ConversationEvent | null> {
    if (effect.type === 'ai.reply') {
      const b = await business(conv.businessId);
      // the AI is composing: the customer sees it typing (only now, never while waiting for a human)
      await showTyping({
        conversationId: conv.id,
        channel: conv.channel,
        reference: (conv.reference ?? {}) as Record<string, unknown>,
      });
      let reply: AgentReply;
      try {
        reply = await agent.reply(effect.text, {
          businessName: b.name,
          country: b.country,
          channel: conv.channel,
          history: await history(conv.id),
          locale: opts.locale,
        });
      } catch (e) {
        logger.error({ err: e, conversationId: conv.id, agent: agent.name }, 'the AI agent failed: handing over');
        reply = { kind: 'handover', reason: 'ai_failed', text: 'Let me find someone from our team to help you.' };
      }
      return { type: 'ai.replied', reply };
    }
    if (effect.type === 'ai.extract') {
      const b = await business(conv.businessId);
      let extraction: DetailExtraction;
      try {
        extraction = await agent.extractDetails(effect.text, {
          country: b.country,
          knownPhone: effect.knownPhone ?? undefined,
          locale: opts.locale,
        });
      } catch (e) {
        logger.error({ err: e, conversationId: conv.id, agent: agent.name }, 'reading details failed');
        extraction = { email: { status: 'none' }, phone: { status: 'none' }, declined: false };
      }
      return { type: 'details.extracted', extraction };
    }
    if (effect.type === 'details.save') return saveDetails(conv, effect.email, effect.phone, knownPhone);
    return null;
  }

  async function saveDetails(
    conv: LockedConversation,
    email: string | null,
    phone: string | null,
    knownPhone: string | null,
  ): Promise<ConversationEvent> {
    const current = await db.prisma.conversation.findUniqueOrThrow({
      where: { id: conv.id },
      select: { contactId: true },
    });
    const attempt = async (e: string | null, p: string | null): Promise<ConversationEvent> => {
      const saved = await saveContactDetails(db, {
        businessId: conv.businessId,
        contactId: current.contactId,
        email: e ?? undefined,
        phone: p ?? undefined,
        actor: { type: 'customer', conversationId: conv.id },
      });
      if (saved.contactId !== current.contactId) {
        // merged into the contact that already held the detail: the conversation follows it
        await db.prisma.conversation.update({ where: { id: conv.id }, data: { contactId: saved.contactId } });
      }
      logger.info({ conversationId: conv.id, outcome: saved.outcome }, 'contact details saved from the chat');
      return { type: 'details.saved', email: e, phone: p, outcome: saved.outcome };
    };
    try {
      return await attempt(email, phone);
    } catch (e) {
      if (isDomainError(e) && e.code === 'IDENTIFIER_TAKEN') {
        const field = e.details?.kind === 'phone' || e.field === 'phone' ? 'phone' : 'email';
        logger.info(
          { conversationId: conv.id, field, holder: e.details?.holder },
          'a detail given belongs to someone else',
        );
        return { type: 'details.refused', field };
      }
      if (isDomainError(e) && e.code === 'IDENTIFIERS_CONFLICT' && email && phone) {
        // the email and the phone belong to two different contacts: keep the email, the agent sorts out the rest
        try {
          return await attempt(email, null);
        } catch (e2) {
          logger.error({ err: e2, conversationId: conv.id }, 'saving details failed');
          return { type: 'details.failed', reason: String((e2 as Error).message) };
        }
      }
      logger.error({ err: e, conversationId: conv.id, knownPhone: knownPhone !== null }, 'saving details failed');
      return { type: 'details.failed', reason: String((e as Error).message) };
    }
  }

  async function openConversation(
    msg: InboundMessage,
  ): Promise<{ id: string; contactId: string; opened: boolean; assignedAgentId: string | null }> {
    const key = { businessId: msg.businessId, channel: msg.channel, channelConversationId: msg.channelConversationId };
    const existing = await findOpenConversation(db, key);
    if (existing) return { ...existing, opened: false, assignedAgentId: null };
    const b = await business(msg.businessId);
    const sender = await resolveInboundSender(db, {
      businessId: msg.businessId,
      channel: msg.channel,
      phone: msg.sender.phone,
      profileName: msg.sender.profileName,
      // the same visitor writing again after a close continues the same contact, never a new guest
      previousContactId: msg.sender.phone ? undefined : await findPreviousContact(db, key),
    });
    return db.prisma.$transaction(async (tx) => {
      await lockChannelConversation(tx, `${key.businessId}|${key.channel}|${key.channelConversationId}`);
      const raced = await findOpenConversation(tx, key);
      if (raced) return { ...raced, opened: false, assignedAgentId: null };
      const start = startConversation({
        channel: msg.channel,
        knownPhone: msg.sender.phone ?? null,
        handoverTimeoutMs: b.handoverTimeoutSeconds * 1000,
        inactivityTimeoutMs: b.inactivityTimeoutSeconds * 1000,
      });
      const created = await tx.conversation.create({
        data: {
          ...key,
          reference: msg.reference as Prisma.InputJsonValue,
          contactId: sender.contactId,
          assignedAgentId: sender.assignedAgentId,
          status: start.status,
          snapshot: start.persisted as unknown as Prisma.InputJsonValue,
          lastActivityAt: now(),
        },
      });
      return { id: created.id, contactId: created.contactId, opened: true, assignedAgentId: created.assignedAgentId };
    });
  }

  async function handleInbound(msg: InboundMessage): Promise<InboundResult> {
    for (let attempt = 0; ; attempt++) {
      const { id, opened, assignedAgentId } = await openConversation(msg);
      if (opened) {
        emit({
          type: 'conversation',
          businessId: msg.businessId,
          conversationId: id,
          status: 'ai',
          assignedAgentId,
          reason: 'opened',
        });
      }
      let duplicate = false;
      let closedMeanwhile = false;
      let stored: MessageView | undefined;
      await dispatch(
        id,
        { type: 'customer.message', text: msg.text, lang: customerLanguage(msg.text, msg.locale) },
        {
          locale: msg.locale,
          before: async (tx, conv) => {
            if (conv.status === 'closed' && attempt === 0) {
              // closed between finding it and locking it (an agent, or inactivity): open a new one
              closedMeanwhile = true;
              return 'skip';
            }
            if (msg.channelMessageId) {
              const seen = await tx.message.findFirst({
                where: { conversationId: conv.id, channelMessageId: msg.channelMessageId, direction: 'inbound' },
                select: { id: true },
              });
              if (seen) {
                duplicate = true;
                return 'skip';
              }
            }
            const m = await tx.message.create({
              data: {
                conversationId: conv.id,
                direction: 'inbound',
                author: 'customer',
                text: msg.text,
                channelMessageId: msg.channelMessageId ?? null,
              },
            });
            await tx.conversation.update({
              where: { id: conv.id },
              data: { reference: msg.reference as Prisma.InputJsonValue },
            });
            conv.reference = msg.reference;
            stored = messageView(m);
          },
          committed: () => {
            if (stored) emit({ type: 'message', businessId: msg.businessId, conversationId: id, message: stored });
          },
        },
      );
      if (closedMeanwhile) continue;
      const row = await db.prisma.conversation.findUniqueOrThrow({
        where: { id },
        select: { status: true, contactId: true },
      });
      return { conversationId: id, contactId: row.contactId, status: row.status, duplicate };
    }
  }

  async function statusOf(conversationId: string): Promise<ConversationStatus> {
    const row = await db.prisma.conversation.findUnique({ where: { id: conversationId }, select: { status: true } });
    if (!row) throw new DomainError('NOT_FOUND', 'no such conversation');
    return row.status;
  }

  async function fireDueTimers(): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await dueTimers(db, now());
      if (due.length === 0) return fired;
      let firedThisRound = 0;
      for (const t of due) {
        const type = timerEventSchema.safeParse(t.event);
        if (!type.success) {
          logger.error({ timerId: t.id, event: t.event }, 'unknown timer event: cancelled');
          await db.prisma.durableTimer.update({ where: { id: t.id }, data: { cancelledAt: now() } });
          continue;
        }
        try {
          const lateMs = ms(now()) - ms(t.dueAt);
          const done = await dispatch(t.conversationId, { type: type.data, key: t.key }, { timerId: t.id });
          if (done) {
            fired++;
            firedThisRound++;
            logger.info({ conversationId: t.conversationId, key: t.key, lateMs }, 'durable timer fired');
          }
        } catch (e) {
          logger.error({ err: e, timerId: t.id, conversationId: t.conversationId }, 'firing a timer failed');
        }
      }
      // another instance fired them, or they keep failing: do not spin
      if (firedThisRound === 0) return fired;
    }
  }

  function poll(): Promise<number> {
    if (!polling) {
      polling = track(
        fireDueTimers()
          .catch((e) => {
            logger.error({ err: e }, 'polling durable timers failed');
            return 0;
          })
          .finally(() => {
            polling = undefined;
          }),
      );
    }
    return polling;
  }

  /** Wakes the poller when a timer this instance scheduled falls due (the interval catches the others'). */
  function armWakeUp(delayMs: number) {
    if (!running) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (wakeTimer && wakeAt <= at) return;
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeAt = at;
    wakeTimer = setTimeout(
      () => {
        wakeTimer = undefined;
        wakeAt = Infinity;
        void poll();
      },
      Math.min(Math.max(0, delayMs) + 5, 2 ** 31 - 1),
    );
    wakeTimer.unref();
  }

  return {
    handleInbound: (msg) => track(Promise.resolve().then(() => handleInbound(parseInbound(msg)))),
    registerGateway(channel, gateway) {
      gateways.set(channel, gateway);
    },
    claim: (conversationId, agentUserId) =>
      track(
        (async () => {
          const c = await dispatch(
            conversationId,
            { type: 'agent.claimed', agentId: agentUserId },
            { before: refuseOthers(agentUserId) },
          );
          return c?.status ?? statusOf(conversationId);
        })(),
      ),
    agentMessage: (conversationId, agentUserId, text) =>
      track(
        (async () => {
          const c = await dispatch(
            conversationId,
            { type: 'agent.message', agentId: agentUserId, text: parseAgentText(text) },
            { before: refuseOthers(agentUserId) },
          );
          return c?.status ?? statusOf(conversationId);
        })(),
      ),
    close: (conversationId, agentUserId) =>
      track(
        (async () => {
          const c = await dispatch(conversationId, { type: 'agent.closed', agentId: agentUserId });
          return c?.status ?? statusOf(conversationId);
        })(),
      ),
    transfer: (conversationId, by, toAgentId) =>
      track(
        (async () => {
          const c = await dispatch(
            conversationId,
            { type: 'agent.transferred', agentId: toAgentId },
            { before: mayTransfer(by, toAgentId) },
          );
          return c?.status ?? statusOf(conversationId);
        })(),
      ),
    reopen: (conversationId, agentUserId) =>
      track(
        (async () => {
          const c = await dispatch(
            conversationId,
            { type: 'agent.reopened', agentId: agentUserId },
            { before: mayReopen() },
          );
          return c?.status ?? statusOf(conversationId);
        })(),
      ),
    typing: (conversationId, agentUserId) =>
      track(
        (async () => {
          await showTyping(await agentTypingTarget(db, conversationId, agentUserId));
        })(),
      ),
    async start() {
      if (running) return;
      running = true;
      relay = await startEventRelay(db, { instanceId, logger, deliver: deliverLocally });
      const fired = await poll();
      logger.info({ fired }, 'conversation runtime started: due timers fired');
      pollTimer = setInterval(() => void poll(), pollIntervalMs);
      pollTimer.unref();
      const next = await nextDueAt(db);
      if (next) armWakeUp(ms(next) - ms(now()));
    },
    async stop() {
      running = false;
      if (pollTimer) clearInterval(pollTimer);
      if (wakeTimer) clearTimeout(wakeTimer);
      pollTimer = wakeTimer = undefined;
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await relay?.stop().catch((e: unknown) => logger.warn({ err: e }, 'stopping the event relay failed'));
      relay = null;
      emitter.removeAllListeners();
    },
    fireDueTimers: () => poll(),
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
  };
}
