// The conversation statechart (XState v5), pure: it never does I/O, it only emits effects
// (see effects.ts) that the runtime executes. Timers are durable and belong to the runtime
// (XState does not restore pending `after` delays from a snapshot, statelyai/xstate#5331).
//
//   ai ──handover──▶ waiting ──timeout──▶ capture ──saved/declined──▶ followup
//    │                  │                    │                           │
//    └──────── claim ───┴────── claim ───────┴────────── claim ──────────┴──▶ human
//   any state ── transfer ──▶ human (to the agent named)
//   any state ── agent closes / inactivity ──▶ closed ── reopen ──▶ human
//
// The chart only declares: every action and guard is named in `setup` below, and the capture step is computed once
// per event (`decide…` stores it in the context; the transient `deciding` state routes on it).
import { assign, setup } from 'xstate';
import {
  decideAfterRefusal,
  decideCapture,
  decideCorrection,
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
  /** the customer is a guest (no name known): the request for details also asks for a name */
  askName?: boolean | undefined;
}

export interface ConversationContext extends ConversationInput {
  /** handover requests so far; the pending handover timer is `handover:<handovers>` */
  handovers: number;
  /** the agent who claimed the conversation */
  agentId: string | null;
  capture: CaptureProgress;
  /** the capture step's decision: what is being saved, and what the AI says once it is (read by `deciding`) */
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

const nameText = (c: ConversationContext) =>
  c.capture.name ? [c.capture.name.firstName, c.capture.name.lastName].filter(Boolean).join(' ') : null;

const readBackText = (c: ConversationContext) =>
  wordingFor(c.lang).readBack(c.capture.email, c.capture.phone ?? c.knownPhone, nameText(c));

/** what the AI says once the decision's save (if any) is done */
function nextEffects({ context, event }: Ctx): ConversationEffect[] {
  const wording = wordingFor(context.lang);
  const next = context.captureDecision?.next;
  switch (next?.kind) {
    case 'ask':
      return [say('ai', next.text)];
    case 'readBack':
      return [say('ai', readBackText(context))];
    case 'declined':
      return [say('ai', wording.declined)];
    case 'nothing':
      return [say('ai', wording.noDetails)];
    case 'reply':
      return event.type === 'details.extracted' && event.text !== undefined
        ? [{ type: 'ai.reply', text: event.text, awaitingTeam: true }]
        : [];
    default:
      return [];
  }
}

function saveEffects({ context }: Ctx): ConversationEffect[] {
  const save = context.captureDecision?.save;
  return save ? [{ type: 'details.save', ...save }] : [];
}

const refusal = (context: ConversationContext, event: ConversationEvent, capturing: boolean) =>
  decideAfterRefusal(context.capture, context.captureDecision?.save ?? null, eventOf(event, 'details.refused').field, {
    ...context,
    capturing,
  });

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
    notifyTransferred: notify('transferred'),
    /** the agent who now holds it: who claimed it, wrote, was transferred it, or reopened it */
    rememberAgent: assign({
      agentId: ({ context, event }) =>
        event.type === 'agent.claimed' ||
        event.type === 'agent.message' ||
        event.type === 'agent.transferred' ||
        event.type === 'agent.reopened'
          ? event.agentId
          : context.agentId,
    }),
    announceAgent: emit(({ context }) => say('system', wordingFor(context.lang).agentJoined)),
    announceClosedByAgent: emit(({ context }) => say('system', wordingFor(context.lang).closedByAgent)),
    relayAgentMessage: emit(({ event }) => {
      const e = eventOf(event, 'agent.message');
      return { type: 'send', author: 'agent', agentId: e.agentId, text: e.text };
    }),
    tellAlreadyQueued: emit(({ context }) => say('ai', wordingFor(context.lang).alreadyQueued)),
    startCapture: assign({ capture: emptyCapture }),
    askDetails: emit(({ context }) =>
      say('ai', wordingFor(context.lang).askDetails(context.knownPhone, context.askName ?? false)),
    ),
    extractDetails: emit(({ context, event }) => ({
      type: 'ai.extract',
      text: eventOf(event, 'customer.message').text,
      knownPhone: context.knownPhone,
    })),
    decideOnExtraction: assign(({ context, event }) =>
      storeStep(decideCapture(context.capture, eventOf(event, 'details.extracted').extraction, context)),
    ),
    decideOnCorrection: assign(({ context, event }) =>
      storeStep(decideCorrection(context.capture, eventOf(event, 'details.extracted').extraction, context)),
    ),
    decideOnRefusal: assign(({ context, event }) => storeStep(refusal(context, event, true))),
    decideOnLateRefusal: assign(({ context, event }) => storeStep(refusal(context, event, false))),
    /** writes what the decision saves */
    saveDetails: emit(saveEffects),
    /** says what comes after the save: a question, the read-back, or thanks */
    sayNext: emit(nextEffects),
    /** reads back what is saved, inviting a correction */
    readBack: emit(({ context }) => say('ai', readBackText(context))),
    /** after the capture: saves a correction (read back once saved), or has the AI agent answer the message */
    carryOutCorrection: emit((a) => {
      const save = saveEffects(a);
      return save.length && a.context.captureDecision?.next.kind === 'readBack' ? save : [...save, ...nextEffects(a)];
    }),
    tellSaveFailed: emit(({ context }) => say('system', wordingFor(context.lang).saveFailed)),
  },
  guards: {
    isCurrentHandoverTimer: ({ context, event }) =>
      event.type === 'handover.timeout' && event.key === handoverKey(context.handovers),
    isInactivityTimer: ({ event }) => event.type === 'inactivity.timeout' && event.key === INACTIVITY_TIMER_KEY,
    isHandover: ({ event }) => event.type === 'ai.replied' && event.reply.kind === 'handover',
    decidedToSave: ({ context }) => (context.captureDecision?.save ?? null) !== null,
    decidedToAsk: ({ context }) => context.captureDecision?.next.kind === 'ask',
  },
});

/** a customer's message where the AI stays silent: only its language and the activity count */
const customerHeard = { actions: ['rememberLang', 'touch'] } as const;
/** a customer's message the AI agent answers (in `ai` and `followup`) */
const customerAnswered = { actions: ['rememberLang', 'askAi', 'touch'] } as const;

export const conversationMachine = machineSetup.createMachine({
  id: 'conversation',
  // xstate's pure transition() builds an inert actor with no input each time: not worth an exception
  context: ({ input }: { input: ConversationInput | undefined }) => ({
    ...(input as ConversationInput),
    lang: input?.lang ?? 'en',
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
    'agent.transferred': { target: '.human', actions: ['rememberAgent', 'announceAgent'] },
    // An agent closing tells the customer (inactivity does not: the customer has left).
    'agent.closed': { target: '.closed', actions: 'announceClosedByAgent' },
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
        // transient: routes on the decision just stored; each valid detail is saved before anything else is said
        deciding: {
          always: [
            { guard: 'decidedToSave', target: 'saving', actions: 'saveDetails' },
            { guard: 'decidedToAsk', target: 'asking', actions: 'sayNext' },
            { target: '#conversation.followup', actions: 'sayNext' },
          ],
        },
        saving: {
          on: {
            'customer.message': customerHeard,
            'details.saved': [
              { guard: 'decidedToAsk', target: 'asking', actions: 'sayNext' },
              { target: '#conversation.followup', actions: 'sayNext' },
            ],
            'details.refused': { target: 'deciding', actions: 'decideOnRefusal' },
            'details.failed': { target: '#conversation.followup', actions: 'tellSaveFailed' },
          },
        },
      },
    },
    followup: {
      // Details saved or declined: waiting in the queue for an agent. Each message is read first: a new value for a
      // saved detail (or a name) is a correction, saved and read back; any other message the AI agent answers,
      // knowing a person will follow up. A new request for a human does not start another handover.
      entry: 'notifyFollowup',
      on: {
        'customer.message': { actions: ['rememberLang', 'extractDetails', 'touch'] },
        'details.extracted': { actions: ['decideOnCorrection', 'carryOutCorrection'] },
        'details.saved': { actions: 'readBack' },
        'details.refused': { actions: ['decideOnLateRefusal', 'carryOutCorrection'] },
        'details.failed': { actions: 'tellSaveFailed' },
        'ai.replied': [{ guard: 'isHandover', actions: 'tellAlreadyQueued' }, { actions: 'sendAiReply' }],
      },
    },
    human: {
      // The AI never talks once a human claimed: customer messages go to the agent only.
      entry: ['cancelHandoverTimer', 'notifyClaimed'],
      on: {
        'customer.message': customerHeard,
        'agent.claimed': {},
        'agent.transferred': { actions: ['rememberAgent', 'notifyTransferred'] },
        'agent.message': { actions: ['relayAgentMessage', 'touch'] },
      },
    },
    closed: {
      // Nothing more happens in a closed conversation (a new message opens a new one) until an agent reopens it.
      on: {
        'agent.claimed': {},
        'agent.message': {},
        'agent.closed': {},
        'agent.transferred': {},
        'inactivity.timeout': {},
        'agent.reopened': { target: 'human', actions: ['rememberAgent', 'touch'] },
      },
      entry: ['cancelHandoverTimer', 'cancelInactivityTimer', 'notifyClosed'],
    },
  },
});

export type ConversationMachine = typeof conversationMachine;
