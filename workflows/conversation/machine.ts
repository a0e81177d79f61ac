// The conversation statechart (XState v5), pure: it never does I/O, it only emits effects
// (see effects.ts) that the runtime executes. Timers are durable and belong to the runtime
// (XState does not restore pending `after` delays from a snapshot, statelyai/xstate#5331).
//
//   ai ──handover──▶ waiting ──timeout──▶ capture ──saved/declined──▶ followup
//    │                  │                    │                           │
//    └──────── claim ───┴────── claim ───────┴────────── claim ──────────┴──▶ human
//   any state ── agent closes / inactivity ──▶ closed
//
// The chart only declares: every action and guard is named in `setup` below, and the capture step is computed once
// per event (`decide…` stores it in the context; the transient `deciding` state routes on it).
import { assign, setup } from 'xstate';
import {
  decideAfterRefusal,
  decideCapture,
  emptyCapture,
  type CaptureDecision,
  type CaptureProgress,
  type CaptureStep,
} from './capture.ts';
import {
  HANDOVER_TIMER_PREFIX,
  INACTIVITY_TIMER_KEY,
  type ConversationEffect,
  type ConversationEvent,
} from './effects.ts';
import { wordingFor, type Lang } from './wording.ts';

export interface ConversationInput {
  channel: string;
  /** the customer's phone when the channel tells it (WhatsApp): confirmed, not asked for */
  knownPhone: string | null;
  handoverTimeoutMs: number;
  inactivityTimeoutMs: number;
  /** the language of Baton's own texts until the customer's messages show another (default en) */
  lang?: Lang | undefined;
}

export interface ConversationContext extends ConversationInput {
  /** handover requests so far; the pending handover timer is `handover:<handovers>` */
  handovers: number;
  /** the agent who claimed the conversation */
  agentId: string | null;
  capture: CaptureProgress;
  /** the capture step's decision for the event being handled (read by `deciding`, which no snapshot rests in) */
  captureDecision?: CaptureDecision | undefined;
  lang: Lang;
}

export const handoverKey = (n: number) => `${HANDOVER_TIMER_PREFIX}${n}`;

type Ctx = { context: ConversationContext; event: ConversationEvent };
type Notify = Extract<ConversationEffect, { type: 'agents.notify' }>['reason'];

const base = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as ConversationInput,
  },
  actions: {
    // The runtime collects these (xstate's `transition()` returns them); executing them here does nothing.
    effect: (_args, _effect: ConversationEffect) => {},
  },
});

/** a named action that emits the effects `make` builds from the context and the event */
const emit = (make: (a: Ctx) => ConversationEffect | ConversationEffect[]) =>
  base.enqueueActions(({ context, event, enqueue }) => {
    for (const params of [make({ context, event })].flat()) enqueue({ type: 'effect', params });
  });

/** tells the agents' console that the queue changed */
const notify = (reason: Notify) => emit(() => ({ type: 'agents.notify', reason }));

const eventOf = <T extends ConversationEvent['type']>(event: ConversationEvent, type: T) => {
  if (event.type !== type) throw new Error(`expected ${type}, got ${event.type}`);
  return event as Extract<ConversationEvent, { type: T }>;
};

const say = (author: 'ai' | 'system', text: string): ConversationEffect => ({ type: 'send', author, text });

function decisionEffects({ context }: Ctx): ConversationEffect[] {
  const wording = wordingFor(context.lang);
  const d = context.captureDecision;
  switch (d?.kind) {
    case 'save':
      return [{ type: 'details.save', email: d.email, phone: d.phone }];
    case 'ask':
      return [say('ai', d.text)];
    case 'declined':
      return [say('ai', wording.declined)];
    case 'nothing':
      return [say('ai', wording.noDetails)];
    default:
      return [];
  }
}

const storeStep = (step: CaptureStep) => ({ capture: step.progress, captureDecision: step.decision });

const machineSetup = base.extend({
  actions: {
    rememberLang: assign({
      lang: ({ context, event }: Ctx) => (event.type === 'customer.message' && event.lang ? event.lang : context.lang),
    }),
    /** (re)starts the inactivity timer: every message counts as activity */
    touch: emit(({ context }) => ({
      type: 'timer.schedule',
      key: INACTIVITY_TIMER_KEY,
      event: 'inactivity.timeout',
      delayMs: context.inactivityTimeoutMs,
    })),
    askAi: emit(({ event }) => ({ type: 'ai.reply', text: eventOf(event, 'customer.message').text })),
    sendAiReply: emit(({ event }) => say('ai', eventOf(event, 'ai.replied').reply.text)),
    countHandover: assign({ handovers: ({ context }) => context.handovers + 1 }),
    scheduleHandoverTimer: emit(({ context }) => ({
      type: 'timer.schedule',
      key: handoverKey(context.handovers),
      event: 'handover.timeout',
      delayMs: context.handoverTimeoutMs,
    })),
    cancelHandoverTimer: emit(({ context }) => ({ type: 'timer.cancel', key: handoverKey(context.handovers) })),
    cancelInactivityTimer: emit(() => ({ type: 'timer.cancel', key: INACTIVITY_TIMER_KEY })),
    notifyHandover: notify('handover'),
    notifyCapture: notify('capture'),
    notifyFollowup: notify('followup'),
    notifyClaimed: notify('claimed'),
    notifyClosed: notify('closed'),
    rememberAgent: assign({
      agentId: ({ context, event }) =>
        event.type === 'agent.claimed' || event.type === 'agent.message' ? event.agentId : context.agentId,
    }),
    announceAgent: emit(({ context }) => say('system', wordingFor(context.lang).agentJoined)),
    relayAgentMessage: emit(({ event }) => {
      const e = eventOf(event, 'agent.message');
      return { type: 'send', author: 'agent', agentId: e.agentId, text: e.text };
    }),
    tellAlreadyQueued: emit(({ context }) => say('ai', wordingFor(context.lang).alreadyQueued)),
    startCapture: assign({ capture: emptyCapture }),
    askDetails: emit(({ context }) => say('ai', wordingFor(context.lang).askDetails(context.knownPhone))),
    extractDetails: emit(({ context, event }) => ({
      type: 'ai.extract',
      text: eventOf(event, 'customer.message').text,
      knownPhone: context.knownPhone,
    })),
    decideOnExtraction: assign(({ context, event }) =>
      storeStep(
        decideCapture(
          context.capture,
          eventOf(event, 'details.extracted').extraction,
          context.knownPhone,
          context.lang,
        ),
      ),
    ),
    decideOnRefusal: assign(({ context, event }) =>
      storeStep(decideAfterRefusal(context.capture, eventOf(event, 'details.refused').field, context.lang)),
    ),
    carryOutDecision: emit(decisionEffects),
    readBack: emit(({ context, event }) => {
      const e = eventOf(event, 'details.saved');
      return say('ai', wordingFor(context.lang).readBack(e.email, e.phone ?? context.knownPhone));
    }),
    tellSaveFailed: emit(({ context }) => say('system', wordingFor(context.lang).saveFailed)),
  },
  guards: {
    isCurrentHandoverTimer: ({ context, event }) =>
      event.type === 'handover.timeout' && event.key === handoverKey(context.handovers),
    isInactivityTimer: ({ event }) => event.type === 'inactivity.timeout' && event.key === INACTIVITY_TIMER_KEY,
    isHandover: ({ event }) => event.type === 'ai.replied' && event.reply.kind === 'handover',
    decidedToSave: ({ context }) => context.captureDecision?.kind === 'save',
    decidedToAsk: ({ context }) => context.captureDecision?.kind === 'ask',
  },
});

/** a customer's message where the AI stays silent: only its language and the activity count */
const customerHeard = { actions: ['rememberLang', 'touch'] } as const;
/** a customer's message the AI agent answers (in `ai` and `followup`) */
const customerAnswered = { actions: ['rememberLang', 'askAi', 'touch'] } as const;

export const conversationMachine = machineSetup.createMachine({
  id: 'conversation',
  context: ({ input }) => ({
    ...input,
    lang: input.lang ?? 'en',
    handovers: 0,
    agentId: null,
    capture: emptyCapture(),
  }),
  initial: 'ai',
  on: {
    'agent.claimed': { target: '.human', actions: ['rememberAgent', 'announceAgent'] },
    'agent.message': {
      target: '.human',
      actions: ['rememberAgent', 'announceAgent', 'relayAgentMessage', 'touch'],
    },
    'agent.closed': { target: '.closed' },
    'inactivity.timeout': { guard: 'isInactivityTimer', target: '.closed' },
  },
  states: {
    ai: {
      on: {
        'customer.message': customerAnswered,
        'ai.replied': [
          { guard: 'isHandover', target: 'waiting', actions: ['sendAiReply', 'countHandover'] },
          { actions: 'sendAiReply' },
        ],
      },
    },
    waiting: {
      // A handover request: one durable timer, fired once. Messages while waiting reach the queue; the AI is silent.
      entry: ['scheduleHandoverTimer', 'notifyHandover'],
      on: {
        'customer.message': customerHeard,
        'handover.timeout': { guard: 'isCurrentHandoverTimer', target: 'capture' },
      },
    },
    capture: {
      initial: 'asking',
      entry: ['startCapture', 'askDetails', 'notifyCapture'],
      states: {
        asking: {
          on: {
            'customer.message': { target: 'reading', actions: ['rememberLang', 'extractDetails', 'touch'] },
          },
        },
        reading: {
          on: {
            'customer.message': customerHeard,
            'details.extracted': { target: 'deciding', actions: 'decideOnExtraction' },
          },
        },
        // transient: routes on the decision just stored, then carries it out
        deciding: {
          always: [
            { guard: 'decidedToSave', target: 'saving', actions: 'carryOutDecision' },
            { guard: 'decidedToAsk', target: 'asking', actions: 'carryOutDecision' },
            { target: '#conversation.followup', actions: 'carryOutDecision' },
          ],
        },
        saving: {
          on: {
            'customer.message': customerHeard,
            'details.saved': { target: '#conversation.followup', actions: 'readBack' },
            'details.refused': { target: 'deciding', actions: 'decideOnRefusal' },
            'details.failed': { target: '#conversation.followup', actions: 'tellSaveFailed' },
          },
        },
      },
    },
    followup: {
      // Details saved or declined: waiting in the queue for an agent. The AI still answers questions,
      // but a new request for a human does not start another handover: the customer is already queued.
      entry: 'notifyFollowup',
      on: {
        'customer.message': customerAnswered,
        'ai.replied': [{ guard: 'isHandover', actions: 'tellAlreadyQueued' }, { actions: 'sendAiReply' }],
      },
    },
    human: {
      // The AI never talks once a human claimed: customer messages go to the agent only.
      entry: ['cancelHandoverTimer', 'notifyClaimed'],
      on: {
        'customer.message': customerHeard,
        'agent.claimed': {},
        'agent.message': { actions: ['relayAgentMessage', 'touch'] },
      },
    },
    closed: {
      type: 'final',
      // nothing more happens in a closed conversation (a new message opens a new one)
      on: { 'agent.claimed': {}, 'agent.message': {}, 'agent.closed': {}, 'inactivity.timeout': {} },
      entry: ['cancelHandoverTimer', 'cancelInactivityTimer', 'notifyClosed'],
    },
  },
});

export type ConversationMachine = typeof conversationMachine;
