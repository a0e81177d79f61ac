// What the conversation machine asks the runtime to do. The machine is pure: it only emits these.
import type { AgentReply, DetailExtraction, PersonName } from '../agent/types.ts';

export type ConversationEffect =
  /** deliver a message to the customer (stored as a Message, then sent through the channel's gateway) */
  | { type: 'send'; text: string; author: 'ai' | 'agent' | 'system'; agentId?: string | undefined }
  /**
   * ask the AI agent to answer the customer's message; the runtime feeds back `ai.replied`. `awaitingTeam`: the
   * customer is queued and a person will reply (after the capture): the agent does not offer a handover again
   */
  | { type: 'ai.reply'; text: string; awaitingTeam?: boolean | undefined }
  /** ask the AI agent to read details out of the customer's message; the runtime feeds back `details.extracted` with the text */
  | { type: 'ai.extract'; text: string; knownPhone: string | null }
  /**
   * save the details to contacts, each as soon as it is given (null: leave it as it is); the runtime feeds back
   * `details.saved`, `details.refused` or `details.failed`. `name`: the name the customer gave (a guest is asked for
   * it). `replaces`: the value this chat saved before, which the customer corrects — a customer may replace only that
   * on an established contact; the audit keeps the old value
   */
  | {
      type: 'details.save';
      email: string | null;
      phone: string | null;
      name: PersonName | null;
      replaces: { email: string | null; phone: string | null };
    }
  /** (re)schedule a durable timer; scheduling the same key again moves its due time */
  | { type: 'timer.schedule'; key: string; event: TimerEventType; delayMs: number }
  | { type: 'timer.cancel'; key: string }
  /** tell the agents' console that the queue changed */
  | {
      type: 'agents.notify';
      reason: 'handover' | 'capture' | 'followup' | 'claimed' | 'transferred' | 'closed';
    };

export type TimerEventType = 'handover.timeout' | 'inactivity.timeout';

/** Events the machine accepts. Timer events carry the key of the timer that fired. */
export type ConversationEvent =
  /** `lang`: the language the customer writes in, when the message shows it (Baton's own texts follow it) */
  | { type: 'customer.message'; text: string; lang?: 'en' | 'es' | undefined }
  | { type: 'ai.replied'; reply: AgentReply }
  /** `text`: the message read (after the capture, a message with no correction in it is answered by the AI agent) */
  | { type: 'details.extracted'; extraction: DetailExtraction; text?: string | undefined }
  | {
      type: 'details.saved';
      email: string | null;
      phone: string | null;
      name?: PersonName | null | undefined;
      outcome: 'updated' | 'promoted' | 'merged';
    }
  /** a detail belongs to an agent or admin of the business: not saved, ask for another */
  | { type: 'details.refused'; field: 'email' | 'phone' }
  | { type: 'details.failed'; reason: string }
  | { type: 'handover.timeout'; key: string }
  | { type: 'inactivity.timeout'; key: string }
  | { type: 'agent.claimed'; agentId: string }
  | { type: 'agent.message'; agentId: string; text: string }
  | { type: 'agent.closed'; agentId: string | null }
  /** an agent (or an admin taking over) hands the conversation to `agentId`; the runtime checks who may */
  | { type: 'agent.transferred'; agentId: string }
  /** a closed conversation is opened again, held by `agentId`; the customer is not messaged */
  | { type: 'agent.reopened'; agentId: string };

export const HANDOVER_TIMER_PREFIX = 'handover:';
export const INACTIVITY_TIMER_KEY = 'inactivity';
