// The conversation statechart (XState v5), pure: it never does I/O, it only emits effects
// (see effects.ts) that the runtime executes. Timers are durable and belong to the runtime
// (XState does not restore pending `after` delays from a snapshot, statelyai/xstate#5331).
//
//   ai ──handover──▶ waiting ──timeout──▶ capture ──saved/declined──▶ followup
//    │                  │                    │                           │
//    └──────── claim ───┴────── claim ───────┴────────── claim ──────────┴──▶ human
//   any state ── transfer ──▶ human (to the agent named)
//   any state ── agent closes / inactivity ──▶ closed ── reopen ──▶ human
import { assign, setup } from 'xstate';
import { decideAfterRefusal, decideCapture, emptyCapture, type CaptureProgress, type CaptureStep } from './capture.ts';
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
  lang: Lang;
}

export const handoverKey = (n: number) => `${HANDOVER_TIMER_PREFIX}${n}`;

type Ctx = { context: ConversationContext; event: ConversationEvent };

const touch = ({ context }: Ctx): ConversationEffect => ({
  type: 'timer.schedule',
  key: INACTIVITY_TIMER_KEY,
  event: 'inactivity.timeout',
  delayMs: context.inactivityTimeoutMs,
});

function captureStep({ context, event }: Ctx): CaptureStep {
  if (event.type === 'details.extracted')
    return decideCapture(context.capture, event.extraction, context.knownPhone, context.lang);
  if (event.type === 'details.refused') return decideAfterRefusal(context.capture, event.field, context.lang);
  throw new Error(`no capture step for ${event.type}`);
}

const machineSetup = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as ConversationInput,
  },
  actions: {
    // The runtime collects these (xstate's `transition()` returns them); executing them here does nothing.
    effect: (_args, _effect: ConversationEffect) => {},
    rememberLang: assign({
      lang: ({ context, event }: Ctx) => (event.type === 'customer.message' && event.lang ? event.lang : context.lang),
    }),
  },
  guards: {
    captureSaves: (a: Ctx) => captureStep(a).decision.kind === 'save',
    captureAsks: (a: Ctx) => captureStep(a).decision.kind === 'ask',
    isCurrentHandoverTimer: ({ context, event }: Ctx) =>
      event.type === 'handover.timeout' && event.key === handoverKey(context.handovers),
    isInactivityTimer: ({ event }: Ctx) => event.type === 'inactivity.timeout' && event.key === INACTIVITY_TIMER_KEY,
    isHandover: ({ event }: Ctx) => event.type === 'ai.replied' && event.reply.kind === 'handover',
  },
});

const applyCapture = machineSetup.enqueueActions(({ context, event, enqueue }) => {
  const step = captureStep({ context, event });
  const wording = wordingFor(context.lang);
  enqueue.assign({ capture: step.progress });
  const d = step.decision;
  if (d.kind === 'save') enqueue({ type: 'effect', params: { type: 'details.save', email: d.email, phone: d.phone } });
  if (d.kind === 'ask') enqueue({ type: 'effect', params: { type: 'send', author: 'ai', text: d.text } });
  if (d.kind === 'declined')
    enqueue({ type: 'effect', params: { type: 'send', author: 'ai', text: wording.declined } });
  if (d.kind === 'nothing')
    enqueue({ type: 'effect', params: { type: 'send', author: 'ai', text: wording.noDetails } });
});

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
    'agent.claimed': {
      target: '.human',
      actions: [
        assign({ agentId: ({ event }) => event.agentId }),
        {
          type: 'effect',
          params: ({ context }) => ({ type: 'send', author: 'system', text: wordingFor(context.lang).agentJoined }),
        },
      ],
    },
    'agent.message': {
      target: '.human',
      actions: [
        assign({ agentId: ({ event }) => event.agentId }),
        {
          type: 'effect',
          params: ({ context }) => ({ type: 'send', author: 'system', text: wordingFor(context.lang).agentJoined }),
        },
        {
          type: 'effect',
          params: ({ event }) => ({ type: 'send', author: 'agent', agentId: event.agentId, text: event.text }),
        },
        { type: 'effect', params: touch },
      ],
    },
    'agent.transferred': {
      target: '.human',
      actions: [
        assign({ agentId: ({ event }) => event.agentId }),
        {
          type: 'effect',
          params: ({ context }) => ({ type: 'send', author: 'system', text: wordingFor(context.lang).agentJoined }),
        },
      ],
    },
    // An agent closing tells the customer (inactivity does not: the customer has left).
    'agent.closed': {
      target: '.closed',
      actions: {
        type: 'effect',
        params: ({ context }) => ({ type: 'send', author: 'system', text: wordingFor(context.lang).closedByAgent }),
      },
    },
    'inactivity.timeout': { guard: 'isInactivityTimer', target: '.closed' },
  },
  states: {
    ai: {
      on: {
        'customer.message': {
          actions: [
            'rememberLang',
            { type: 'effect', params: ({ event }) => ({ type: 'ai.reply', text: event.text }) },
            { type: 'effect', params: touch },
          ],
        },
        'ai.replied': [
          {
            guard: 'isHandover',
            target: 'waiting',
            actions: [
              { type: 'effect', params: ({ event }) => ({ type: 'send', author: 'ai', text: event.reply.text }) },
              assign({ handovers: ({ context }) => context.handovers + 1 }),
            ],
          },
          {
            actions: {
              type: 'effect',
              params: ({ event }) => ({ type: 'send', author: 'ai', text: event.reply.text }),
            },
          },
        ],
      },
    },
    waiting: {
      // A handover request: one durable timer, fired once. Messages while waiting reach the queue; the AI is silent.
      entry: [
        {
          type: 'effect',
          params: ({ context }) => ({
            type: 'timer.schedule',
            key: handoverKey(context.handovers),
            event: 'handover.timeout',
            delayMs: context.handoverTimeoutMs,
          }),
        },
        { type: 'effect', params: { type: 'agents.notify', reason: 'handover' } },
      ],
      on: {
        'customer.message': { actions: ['rememberLang', { type: 'effect', params: touch }] },
        'handover.timeout': { guard: 'isCurrentHandoverTimer', target: 'capture' },
      },
    },
    capture: {
      initial: 'asking',
      entry: [
        assign({ capture: emptyCapture }),
        {
          type: 'effect',
          params: ({ context }) => ({
            type: 'send',
            author: 'ai',
            text: wordingFor(context.lang).askDetails(context.knownPhone),
          }),
        },
        { type: 'effect', params: { type: 'agents.notify', reason: 'capture' } },
      ],
      states: {
        asking: {
          on: {
            'customer.message': {
              target: 'reading',
              actions: [
                'rememberLang',
                {
                  type: 'effect',
                  params: ({ context, event }) => ({
                    type: 'ai.extract',
                    text: event.text,
                    knownPhone: context.knownPhone,
                  }),
                },
                { type: 'effect', params: touch },
              ],
            },
          },
        },
        reading: {
          on: {
            'customer.message': { actions: ['rememberLang', { type: 'effect', params: touch }] },
            'details.extracted': [
              { guard: 'captureSaves', target: 'saving', actions: applyCapture },
              { guard: 'captureAsks', target: 'asking', actions: applyCapture },
              { target: '#conversation.followup', actions: applyCapture },
            ],
          },
        },
        saving: {
          on: {
            'customer.message': { actions: ['rememberLang', { type: 'effect', params: touch }] },
            'details.saved': {
              target: '#conversation.followup',
              actions: {
                type: 'effect',
                params: ({ context, event }) => ({
                  type: 'send',
                  author: 'ai',
                  text: wordingFor(context.lang).readBack(event.email, event.phone ?? context.knownPhone),
                }),
              },
            },
            'details.refused': [
              { guard: 'captureSaves', target: 'saving', reenter: true, actions: applyCapture },
              { guard: 'captureAsks', target: 'asking', actions: applyCapture },
              { target: '#conversation.followup', actions: applyCapture },
            ],
            'details.failed': {
              target: '#conversation.followup',
              actions: {
                type: 'effect',
                params: ({ context }) => ({
                  type: 'send',
                  author: 'system',
                  text: wordingFor(context.lang).saveFailed,
                }),
              },
            },
          },
        },
      },
    },
    followup: {
      // Details saved or declined: waiting in the queue for an agent. The AI still answers questions,
      // but a new request for a human does not start another handover: the customer is already queued.
      entry: { type: 'effect', params: { type: 'agents.notify', reason: 'followup' } },
      on: {
        'customer.message': {
          actions: [
            'rememberLang',
            { type: 'effect', params: ({ event }) => ({ type: 'ai.reply', text: event.text }) },
            { type: 'effect', params: touch },
          ],
        },
        'ai.replied': [
          {
            guard: 'isHandover',
            actions: {
              type: 'effect',
              params: ({ context }) => ({ type: 'send', author: 'ai', text: wordingFor(context.lang).alreadyQueued }),
            },
          },
          {
            actions: {
              type: 'effect',
              params: ({ event }) => ({ type: 'send', author: 'ai', text: event.reply.text }),
            },
          },
        ],
      },
    },
    human: {
      // The AI never talks once a human claimed: customer messages go to the agent only.
      entry: [
        { type: 'effect', params: ({ context }) => ({ type: 'timer.cancel', key: handoverKey(context.handovers) }) },
        { type: 'effect', params: { type: 'agents.notify', reason: 'claimed' } },
      ],
      on: {
        'customer.message': { actions: ['rememberLang', { type: 'effect', params: touch }] },
        'agent.claimed': {},
        'agent.transferred': {
          actions: [
            assign({ agentId: ({ event }) => event.agentId }),
            { type: 'effect', params: { type: 'agents.notify', reason: 'transferred' } },
          ],
        },
        'agent.message': {
          actions: [
            {
              type: 'effect',
              params: ({ event }) => ({ type: 'send', author: 'agent', agentId: event.agentId, text: event.text }),
            },
            { type: 'effect', params: touch },
          ],
        },
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
        'agent.reopened': {
          target: 'human',
          actions: [assign({ agentId: ({ event }) => event.agentId }), { type: 'effect', params: touch }],
        },
      },
      entry: [
        { type: 'effect', params: ({ context }) => ({ type: 'timer.cancel', key: handoverKey(context.handovers) }) },
        { type: 'effect', params: { type: 'timer.cancel', key: INACTIVITY_TIMER_KEY } },
        { type: 'effect', params: { type: 'agents.notify', reason: 'closed' } },
      ],
    },
  },
});

export type ConversationMachine = typeof conversationMachine;
