// The live Direct Line conversations of this process: each one's activity feed (user and bot activities, in
// order, with watermarks) and its listeners (open WebSockets). In memory, bounded.
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

export interface FeedConversation {
  id: string;
  businessId: string;
  userId: string;
  activities: Partial<Activity>[];
  /** number of activities ever appended; the watermark of the last one is `appended - 1` */
  appended: number;
  listeners: Set<(activities: Partial<Activity>[], watermark: string) => void>;
  lastUsed: number;
}

export interface FeedOptions {
  /** activities kept per conversation (older ones drop out of the replay) */
  maxActivities?: number;
  /** conversations idle for longer are forgotten */
  idleMs?: number;
  maxConversations?: number;
}

export class DirectLineFeed {
  private readonly conversations = new Map<string, FeedConversation>();
  /** bot messages for conversations this process does not know (it restarted): kept until the visitor is back */
  private readonly held = new Map<string, Partial<Activity>[]>();
  private readonly maxActivities: number;
  private readonly idleMs: number;
  private readonly maxConversations: number;

  constructor(options: FeedOptions = {}) {
    this.maxActivities = options.maxActivities ?? 500;
    this.idleMs = options.idleMs ?? 24 * 3600_000;
    this.maxConversations = options.maxConversations ?? 50_000;
  }

  get size(): number {
    return this.conversations.size;
  }

  create(businessId: string, userId: string): FeedConversation {
    this.sweep();
    const conversation: FeedConversation = {
      id: randomUUID(),
      businessId,
      userId,
      activities: [],
      appended: 0,
      listeners: new Set(),
      lastUsed: Date.now(),
    };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  /** A known conversation, or one recreated (empty) from a valid token after this process restarted. */
  get(id: string): FeedConversation | undefined {
    const c = this.conversations.get(id);
    if (c) c.lastUsed = Date.now();
    return c;
  }

  restore(id: string, businessId: string, userId: string): FeedConversation {
    const existing = this.get(id);
    if (existing) return existing;
    const c = this.create(businessId, userId);
    this.conversations.delete(c.id);
    c.id = id;
    this.conversations.set(id, c);
    // what was sent while the conversation was unknown here (a reply a restart's backlog delivered) comes first
    for (const activity of this.held.get(id) ?? []) this.append(id, activity);
    this.held.delete(id);
    return c;
  }

  /**
   * Keeps a bot message for a conversation this process does not know — it restarted, so the visitor has not
   * reconnected yet — for `restore` to put in the feed when they do: a reply delivered meanwhile is not lost to the
   * visitor. Typing is not kept. Bounded like the feed. Returns the activity's id, or undefined when not kept.
   */
  hold(id: string, activity: Partial<Activity>): string | undefined {
    if (activity.type !== 'message') return undefined;
    let held = this.held.get(id);
    if (!held) {
      held = [];
      this.held.set(id, held);
      if (this.held.size > this.maxConversations) this.held.delete(this.held.keys().next().value as string);
    }
    held.push({ ...activity, timestamp: activity.timestamp ?? new Date() });
    if (held.length > this.maxActivities) held.shift();
    return `${id}|held-${randomUUID()}`;
  }

  /** Appends an activity, gives it an id and pushes it to the listeners. Returns the id. */
  append(id: string, activity: Partial<Activity>): string {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`unknown Direct Line conversation ${id}`);
    const watermark = c.appended++;
    const stored: Partial<Activity> = {
      ...activity,
      id: activity.id ?? `${id}|${String(watermark).padStart(7, '0')}`,
      timestamp: activity.timestamp ?? new Date(),
    };
    c.activities.push(stored);
    if (c.activities.length > this.maxActivities) c.activities.shift();
    c.lastUsed = Date.now();
    const json = JSON.parse(JSON.stringify(stored)) as Partial<Activity>;
    for (const listener of c.listeners) listener([json], String(watermark));
    return stored.id as string;
  }

  /** Activities after the given watermark, and the new watermark. */
  since(id: string, watermark: string | undefined): { activities: Partial<Activity>[]; watermark: string } {
    const c = this.conversations.get(id);
    if (!c) return { activities: [], watermark: watermark ?? '' };
    const after = watermark && /^\d+$/.test(watermark) ? Number(watermark) : -1;
    const firstKept = c.appended - c.activities.length;
    const from = Math.max(0, after + 1 - firstKept);
    return {
      activities: JSON.parse(JSON.stringify(c.activities.slice(from))) as Partial<Activity>[],
      watermark: c.appended > 0 ? String(c.appended - 1) : '',
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, c] of this.conversations)
      if (c.listeners.size === 0 && now - c.lastUsed > this.idleMs) this.conversations.delete(id);
    while (this.conversations.size >= this.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
  }
}
