// The durable conversation runtime, composed of its parts: intake (a customer's message → its conversation),
// dispatch (one event, one transaction: lock, step, save, and the step's effects written to the outbox), the effect
// loop with one handler per effect family, the effect worker (retries, and effects left by a crash), the agents'
// actions, the timer poller, and the live events. No actor lives in memory between events.
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { AiAgent } from '../agent/types.ts';
import type { ConversationStatus } from '../conversation/index.ts';
import type { ChannelGateway, InboundMessage } from '../contracts.ts';
import { createAgentActions } from './agent-actions.ts';
import type { StaffRole } from './agent-guards.ts';
import { cachedBusinesses } from './business-cache.ts';
import { createDispatch } from './dispatch.ts';
import { createEffectLoop } from './effect-loop.ts';
import { createEffectWorker } from './effect-worker.ts';
import {
  AI_TYPING_AFTER_MS,
  createEffectHandlers,
  GatewayRegistry,
  instantAnswer,
  showTyping,
} from './effects/index.ts';
import type { RuntimeEvent } from './events.ts';
import { createIntake, type InboundResult } from './intake.ts';
import { createLiveEvents } from './live-events.ts';
import { createTimerPoller } from './timer-poller.ts';
import { parseInbound } from './validation.ts';

export type { InboundResult } from './intake.ts';

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
  /** how long an instance's claim on an effect lasts before another instance may carry it out (default 2 min) */
  effectLeaseMs?: number;
  /** tries per effect before it gives up: the AI hands over, details are asked again, a delivery is dropped (3) */
  maxEffectAttempts?: number;
  /** an instance holding claims that is known to be gone, so its effects need not wait for the lease (see instance.ts) */
  isGone?: (instanceId: string) => boolean;
  /** how long the AI may take to answer before the customer sees it typing (default AI_TYPING_AFTER_MS, 1 s) */
  aiTypingAfterMs?: number;
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
  /**
   * Starts the timer poller and the effect worker, together: resolves once the first run of each is done (the timers
   * that fell due while nobody ran fired, the effects a stopped process left carried out); both go on polling.
   * `upSince`: when this instance counts as up (its server listening; default now) — timers due before it are
   * overdue, and share each claim with those falling due since without holding them back (timers.ts).
   */
  start(options?: { upSince?: Date }): Promise<void>;
  stop(): Promise<void>;
  /** Fires every timer due now, once each; returns how many this instance fired. */
  fireDueTimers(): Promise<number>;
  /** Carries out the outbox effects that are due and unclaimed (retries, those a crash left); returns how many. */
  carryOutPendingEffects(): Promise<number>;
  /** Live queue and message events of this instance, for the console's stream. Returns an unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
}

export function createConversationRuntime(options: ConversationRuntimeOptions): ConversationRuntime {
  const { db, agent, instanceId } = options;
  const logger = options.logger.child({ component: 'conversation-runtime', instanceId });
  const now = options.now ?? (() => new Date());
  const business = cachedBusinesses(db);
  const live = createLiveEvents({ db, instanceId, logger });
  const gateways = new GatewayRegistry();

  // Every call in progress, so that stop() can wait for them.
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };
  const later = <T>(fn: () => Promise<T>) => track(Promise.resolve().then(fn));

  const leaseMs = options.effectLeaseMs ?? 120_000;
  const claim = () => {
    const at = now();
    return { by: instanceId, at, until: new Date(at.getTime() + leaseMs) };
  };
  const historyLimit = options.historyLimit ?? 20;
  // an agent that answers without I/O answers in the step that stored the customer's message
  const answerNow = instantAnswer({ agent, business });
  const dispatch = createDispatch({
    db,
    now,
    instanceId,
    claim,
    timerScheduled: (ms) => timers.wakeIn(ms),
    instant: answerNow && { answer: answerNow, historyLimit },
  });
  const effects = createEffectHandlers({
    db,
    agent,
    logger,
    business,
    gateways,
    live,
    historyLimit,
    typingAfterMs: options.aiTypingAfterMs ?? AI_TYPING_AFTER_MS,
  });
  const maxAttempts = options.maxEffectAttempts ?? 3;
  const retryIn = (ms: number) => worker.wakeIn(ms);
  const loop = createEffectLoop({ db, now, logger, dispatch, effects, maxAttempts, retryIn });
  const isGone = options.isGone ?? (() => false);
  const notServedHere = () => gateways.notServedHere();
  // A timer waits while its conversation has effects left (timers.ts): once the worker carried one out, the poller
  // looks again at once rather than at its next poll.
  const resumed: typeof loop = {
    ...loop,
    resume: (conversation, effect) => loop.resume(conversation, effect).finally(() => timers.wakeIn(0)),
  };
  const worker = createEffectWorker({ db, logger, instanceId, loop: resumed, claim, track, isGone, notServedHere });
  const timers = createTimerPoller({ db, now, logger, loop, track, instanceId, isGone });
  const intake = createIntake({
    db,
    now,
    business,
    live,
    run: loop.run,
    recentKeep: answerNow ? historyLimit + 1 : 0,
  });
  const agents = createAgentActions({
    db,
    run: loop.run,
    showTyping: (target) => showTyping({ gateways, logger }, target),
  });
  let running = false;

  return {
    handleInbound: (msg) =>
      later(() => {
        const { message, cleaned } = parseInbound(msg);
        // what was taken out and where, never the customer's words
        if (cleaned.length)
          logger.warn({ channel: message.channel, cleaned }, 'inbound message cleaned of control characters');
        return intake(message);
      }),
    registerGateway: (channel, gateway) => gateways.register(channel, gateway),
    claim: (id, agentUserId) => later(() => agents.claim(id, agentUserId)),
    agentMessage: (id, agentUserId, text) => later(() => agents.agentMessage(id, agentUserId, text)),
    close: (id, agentUserId) => later(() => agents.close(id, agentUserId)),
    transfer: (id, by, toAgentId) => later(() => agents.transfer(id, by, toAgentId)),
    reopen: (id, agentUserId) => later(() => agents.reopen(id, agentUserId)),
    typing: (id, agentUserId) => later(() => agents.typing(id, agentUserId)),
    async start({ upSince } = {}) {
      if (running) return;
      const up = upSince ?? now();
      running = true;
      await live.start();
      const intervalMs = options.pollIntervalMs ?? 1000;
      // The timer poller and the effect worker start together: the first poll at once, with the timers that fell due
      // while nobody ran (late rather than never) and those falling due now; never behind the outbox's backlog (what a
      // crash left, the oldest first), which the worker carries out meanwhile. A timer whose conversation has effects
      // left waits for them (timers.ts), so what a conversation sends keeps its order.
      const [first, carried] = await Promise.all([
        timers.start(intervalMs, up),
        worker.recover().then(() => worker.start(intervalMs)),
      ]);
      // and the timers that waited for their conversation's effects
      const fired = first + (carried ? await timers.run() : 0);
      logger.info({ fired, carried }, 'conversation runtime started: due timers fired, pending effects carried out');
    },
    async stop() {
      running = false;
      timers.stop();
      worker.stop();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await live.stop();
    },
    fireDueTimers: () => timers.run(),
    carryOutPendingEffects: () => worker.run(),
    subscribe: (listener) => live.subscribe(listener),
  };
}
