// Runs the pure conversation machine with a simulated clock and no I/O: durable timers become
// entries in a map, effects are recorded, and the test feeds back what the runtime would.
import {
  startConversation,
  stepConversation,
  type ConversationEffect,
  type ConversationEvent,
  type ConversationInput,
  type ConversationStatus,
  type PersistedConversation,
} from '../../../workflows/conversation/index.ts';

export class SimulatedConversation {
  now = 0;
  persisted: PersistedConversation;
  status: ConversationStatus;
  readonly timers = new Map<string, { event: string; dueAt: number }>();
  readonly effects: ConversationEffect[] = [];

  constructor(input: Partial<ConversationInput> = {}) {
    const step = startConversation({
      channel: 'webchat',
      knownPhone: null,
      handoverTimeoutMs: 120_000,
      inactivityTimeoutMs: 86_400_000,
      ...input,
    });
    this.persisted = step.persisted;
    this.status = step.status;
    this.apply(step.effects);
  }

  send(event: ConversationEvent): ConversationEffect[] {
    // Round-trip through JSON, as the database does.
    const step = stepConversation(JSON.parse(JSON.stringify(this.persisted)), event);
    this.persisted = step.persisted;
    this.status = step.status;
    this.apply(step.effects);
    return step.effects;
  }

  /** Moves the clock; timers that fall due are delivered in due order, each once. */
  advance(ms: number): ConversationEffect[] {
    const until = this.now + ms;
    const out: ConversationEffect[] = [];
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.dueAt <= until)
        .sort((a, b) => a[1].dueAt - b[1].dueAt)[0];
      if (!due) break;
      const [key, timer] = due;
      this.timers.delete(key);
      this.now = timer.dueAt;
      out.push(...this.send({ type: timer.event, key } as ConversationEvent));
    }
    this.now = until;
    return out;
  }

  get context() {
    return this.persisted.context as unknown as import('../../../workflows/conversation/index.ts').ConversationContext;
  }

  sentTexts(): string[] {
    return this.effects.flatMap((e) => (e.type === 'send' ? [e.text] : []));
  }

  private apply(effects: ConversationEffect[]) {
    for (const e of effects) {
      this.effects.push(e);
      if (e.type === 'timer.schedule') this.timers.set(e.key, { event: e.event, dueAt: this.now + e.delayMs });
      if (e.type === 'timer.cancel') this.timers.delete(e.key);
    }
  }
}

export const none = { status: 'none' } as const;
export const found = (value: string) => ({ status: 'found', value }) as const;
export const extraction = (
  email: import('../../../workflows/agent/types.ts').DetailFinding,
  phone: import('../../../workflows/agent/types.ts').DetailFinding,
  declined = false,
) => ({ type: 'details.extracted', extraction: { email, phone, declined } }) as const;
