// Where the Direct Line conversations' feeds live, behind one port: in this process's memory (the embedded
// database: one instance, as fast as before), or in PostgreSQL (shared-feed.ts), so that a visitor whose requests
// reach any instance sees every activity, whichever instance appended it.
import type { Activity } from 'botbuilder';
import { DirectLineFeed } from './feed.ts';

export interface FeedConversationInfo {
  id: string;
  businessId: string;
  userId: string;
}

export interface FeedBatch {
  activities: Partial<Activity>[];
  watermark: string;
}

export interface FeedStore {
  create(businessId: string, userId: string): Promise<FeedConversationInfo>;
  /** A known conversation, or one recreated (empty) from a valid token (after a restart, or an idle sweep). */
  restore(id: string, businessId: string, userId: string): Promise<FeedConversationInfo>;
  /** A known conversation, else undefined (forgotten: idle, or this process restarted). */
  find(id: string): Promise<FeedConversationInfo | undefined>;
  /**
   * Appends an activity, gives it an id and tells the listeners. A conversation unknown here (this process
   * restarted): a message is kept for when the visitor is back (`restore`); undefined when nothing was kept.
   */
  append(id: string, activity: Partial<Activity>): Promise<string | undefined>;
  /** Activities after the given watermark, and the new watermark. */
  since(id: string, watermark: string | undefined): Promise<FeedBatch>;
  /**
   * Calls `listener` with every activity after `watermark`, in order, each once (a WebSocket's stream): first the
   * backlog, then what is appended on any instance. Returns the function that stops it.
   */
  listen(id: string, watermark: string | undefined, listener: (batch: FeedBatch) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The feed in this process's memory (the embedded database's single instance). */
export class MemoryFeedStore implements FeedStore {
  constructor(readonly feed: DirectLineFeed = new DirectLineFeed()) {}

  async create(businessId: string, userId: string) {
    return info(this.feed.create(businessId, userId));
  }

  async restore(id: string, businessId: string, userId: string) {
    return info(this.feed.restore(id, businessId, userId));
  }

  async find(id: string) {
    const c = this.feed.get(id);
    return c ? info(c) : undefined;
  }

  async append(id: string, activity: Partial<Activity>) {
    return this.feed.get(id) ? this.feed.append(id, activity) : this.feed.hold(id, activity);
  }

  async since(id: string, watermark: string | undefined) {
    return this.feed.since(id, watermark);
  }

  listen(id: string, watermark: string | undefined, listener: (batch: FeedBatch) => void): () => void {
    const conversation = this.feed.get(id);
    if (!conversation) return () => {};
    const backlog = this.feed.since(id, watermark);
    if (backlog.activities.length) listener(backlog);
    const push = (activities: Partial<Activity>[], wm: string) => listener({ activities, watermark: wm });
    conversation.listeners.add(push);
    return () => conversation.listeners.delete(push);
  }

  async start() {}
  async stop() {}
}

const info = (c: FeedConversationInfo): FeedConversationInfo => ({
  id: c.id,
  businessId: c.businessId,
  userId: c.userId,
});
