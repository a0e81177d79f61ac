// The conversation statechart and its pure step function.
export { conversationMachine, handoverKey } from './machine.ts';
export type { ConversationContext, ConversationInput } from './machine.ts';
export {
  startConversation,
  startedSnapshot,
  stepConversation,
  restoreConversation,
  statusOf,
  persistedCopy,
} from './step.ts';
export type { ConversationStatus, ConversationStep, PersistedConversation } from './step.ts';
export { HANDOVER_TIMER_PREFIX, INACTIVITY_TIMER_KEY } from './effects.ts';
export type { ConversationEffect, ConversationEvent, TimerEventType } from './effects.ts';
export { decideCapture, decideAfterRefusal, MAX_REASKS } from './capture.ts';
export type { CaptureProgress, CaptureDecision } from './capture.ts';
export { wording, wordingFor } from './wording.ts';
export type { Lang, Wording } from './wording.ts';
