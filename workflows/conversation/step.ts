// One pure step of a conversation: persisted snapshot + event → next snapshot, status and effects.
// Uses xstate's pure transition (`pureTransition`, below), so no actor is kept in memory between events (the database
// holds the snapshot) and nothing runs but what the runtime does with the returned effects.
import { createActor, type ActorScope, type ExecutableActionObject, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import type { ConversationEffect, ConversationEvent } from './effects.ts';
import { conversationMachine, type ConversationContext, type ConversationInput } from './machine.ts';

export type ConversationStatus = 'ai' | 'waiting' | 'capture' | 'followup' | 'human' | 'closed';

export type ConversationSnapshot = SnapshotFrom<typeof conversationMachine>;

export interface ConversationStep {
  /** JSON to persist (Conversation.snapshot) */
  persisted: PersistedConversation;
  status: ConversationStatus;
  context: ConversationContext;
  effects: ConversationEffect[];
  /** the machine reacted to the event (false: the event does not apply in this state) */
  changed: boolean;
}

const persistedSchema = z.object({
  value: z.union([z.string(), z.record(z.string(), z.string())]),
  context: z.looseObject({ handovers: z.number(), capture: z.looseObject({}) }),
});
export type PersistedConversation = z.infer<typeof persistedSchema> & Record<string, unknown>;

// built once: a zod schema costs far more to build than to use, and this runs on every event
const statusSchema = z.enum(['ai', 'waiting', 'capture', 'followup', 'human', 'closed']);

const statuses: ReadonlySet<unknown> = new Set(statusSchema.options);

export function statusOf(snapshot: ConversationSnapshot): ConversationStatus {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  // one of them (every step): no parse; else zod's error, as before
  return statuses.has(top) ? (top as ConversationStatus) : statusSchema.parse(top);
}

/**
 * The scope every pure step runs in. xstate's `transition()` and `initialTransition()` build a new inert actor for
 * each call, and the actor computes the machine's initial state on construction and throws it away: ~40 % of a
 * step's CPU and ~10 % of what a message allocates. This machine invokes and spawns nothing and has no delays
 * (durable timers are effects), so nothing is ever registered in the actor's system or scheduled on it, and one inert
 * actor, never started, serves every step. Its action executor collects the step's actions, which the runtime
 * carries out; a step is synchronous, so steps never share `collected`. The same results as `transition()` (checked
 * side by side on random event sequences, test/workflows/conversation/pure-step.test.ts).
 */
// no input, as xstate's own inert actor (the machine's context factory takes an undefined input)
const inertActor = createActor(conversationMachine, { input: undefined as unknown as ConversationInput });
let collected: ExecutableActionObject[] = [];
const scope: ActorScope<ConversationSnapshot, ConversationEvent> = {
  self: inertActor,
  id: '',
  sessionId: '',
  logger: () => {},
  defer: () => {},
  emit: () => {},
  system: inertActor.system,
  stopChild: () => {},
  actionExecutor: (action) => {
    collected.push(action);
  },
};

/** xstate's pure `transition()` (`[next snapshot, actions]`), in the one inert scope. */
export function pureTransition(
  snapshot: ConversationSnapshot,
  event: ConversationEvent,
): [ConversationSnapshot, ExecutableActionObject[]] {
  collected = [];
  try {
    return [conversationMachine.transition(snapshot, event, scope), collected];
  } finally {
    collected = [];
  }
}

/** xstate's pure `initialTransition()`, in the one inert scope. */
export function pureInitialTransition(input: ConversationInput): [ConversationSnapshot, ExecutableActionObject[]] {
  collected = [];
  try {
    return [conversationMachine.getInitialSnapshot(scope, input), collected];
  } finally {
    collected = [];
  }
}

function toStep(snapshot: ConversationSnapshot, actions: { type: string; params: unknown }[], changed: boolean) {
  const effects = actions.filter((a) => a.type === 'effect').map((a) => a.params as ConversationEffect);
  return {
    persisted: conversationMachine.getPersistedSnapshot(snapshot) as unknown as PersistedConversation,
    status: statusOf(snapshot),
    context: snapshot.context,
    effects,
    changed,
  };
}

/** Conversation starts by input: a start is pure, the same few inputs come back (a business's settings, a channel). */
const starts = new Map<string, { step: ConversationStep; json: string }>();
const STARTS = 256;

function started(input: ConversationInput): { step: ConversationStep; json: string } {
  // every field of the input, so that a field added later is part of the key
  const key = JSON.stringify(input);
  let start = starts.get(key);
  if (!start) {
    const [snapshot, actions] = pureInitialTransition(input);
    const step = toStep(snapshot, actions, true);
    start = { step, json: JSON.stringify(step.persisted) };
    // a phone is one customer's: not worth keeping
    if (input.knownPhone === null) {
      if (starts.size >= STARTS) starts.delete(starts.keys().next().value as string);
      starts.set(key, start);
    }
  }
  return start;
}

export function startConversation(input: ConversationInput): ConversationStep {
  // every caller gets its own copy (~6 µs, against ~60 µs for a start)
  return structuredClone(started(input).step);
}

/** A start as the database keeps it: its status and its persisted snapshot's JSON (no copy needed: a string). */
export function startedSnapshot(input: ConversationInput): { status: ConversationStatus; json: string } {
  const { step, json } = started(input);
  return { status: step.status, json };
}

/** Persisted snapshots known to be the machine's own, as the database gives them back (persistedCopy). */
const ours = new WeakSet<object>();

/**
 * The copies made lately, by their JSON: most conversations' snapshots are alike (a conversation with the AI holds
 * its business's settings, its channel and its language, nothing of its own), and a copy is frozen, so one copy
 * serves every step that writes the same JSON. Beyond COPIES texts the oldest is forgotten.
 */
const copies = new Map<string, object>();
const COPIES = 1_000;

/** The machine's state restored from one of our copies (restoreConversation): xstate never changes a snapshot. */
const restored = new WeakMap<object, ConversationSnapshot>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * A snapshot the machine gave (`ConversationStep.persisted`, here as the JSON written to the database) as the
 * database gives it back: frozen, and restored without the check a row read from the database gets (it is the
 * machine's own: it cannot fail it). The same JSON gives the same frozen object.
 */
export function persistedCopy(json: string): unknown {
  const known = copies.get(json);
  if (known !== undefined) return known;
  const copy = JSON.parse(json) as unknown;
  if (copy !== null && typeof copy === 'object') {
    deepFreeze(copy);
    ours.add(copy);
    if (copies.size >= COPIES) copies.delete(copies.keys().next().value as string);
    copies.set(json, copy);
  }
  return copy;
}

/** Restores a persisted snapshot. Throws (with the zod issue) when it is not one of ours. */
export function restoreConversation(persisted: unknown): ConversationSnapshot {
  const own = persisted !== null && typeof persisted === 'object' && ours.has(persisted);
  if (own) {
    const known = restored.get(persisted);
    if (known) return known;
  }
  const parsed = own ? (persisted as z.infer<typeof persistedSchema>) : persistedSchema.parse(persisted);
  const snapshot = conversationMachine.resolveState({
    value: parsed.value,
    context: parsed.context as unknown as ConversationContext,
  });
  if (own) restored.set(persisted, snapshot);
  return snapshot;
}

export function stepConversation(persisted: unknown, event: ConversationEvent): ConversationStep {
  const before = restoreConversation(persisted);
  const [after, actions] = pureTransition(before, event);
  const changed = actions.length > 0 || after.value !== before.value || after.context !== before.context;
  return toStep(after, actions, changed);
}
