// The relay's outgoing queue (pure: no I/O): bounded, coalesced, and cut into NOTIFY payloads of many events each.
import { eventDataJson, type RuntimeEvent } from './events.ts';

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; a payload carries as many events as fit in this. */
export const MAX_PAYLOAD = 7000;
/** A message text longer than this is cut, so that any one event fits a payload. */
const MAX_TEXT = 2000;

export interface RelayQueueStats {
  /** events published */
  published: number;
  /** conversation events replaced by a later one of the same conversation before they were sent */
  coalesced: number;
  /** events dropped: the queue was full, or the instance stopped before it could send them */
  dropped: number;
  /** events waiting */
  queued: number;
}

/**
 * One event as JSON (its type and business, then the rest as the console's stream has it: eventDataJson), its message
 * text cut so that it fits a payload.
 */
export function eventJson(event: RuntimeEvent): string {
  const data = eventDataJson(event);
  const head = `{"type":${JSON.stringify(event.type)},"businessId":${JSON.stringify(event.businessId)}`;
  const json = data === '{}' ? `${head}}` : `${head},${data.slice(1)}`;
  if (json.length <= MAX_PAYLOAD - 100 || event.type !== 'message') return json;
  const text = `${event.message.text.slice(0, MAX_TEXT)}…`;
  return JSON.stringify({ ...event, message: { ...event.message, text } });
}

/** A payload: `{"origin":…,"events":[…]}` from events already in JSON. */
export const payloadOf = (origin: string, events: string[]) =>
  `{"origin":${JSON.stringify(origin)},"events":[${events.join(',')}]}`;

/**
 * Events in the order they happened, at most `max`: the oldest go first when it is full (live updates; the console
 * reads the truth from the database when it reconnects). A conversation event replaces the same conversation's
 * conversation event still waiting, and takes its place at the end: the queue's state then and the final state agree.
 */
export class RelayQueue {
  private items: ({ json: string; conversation: string | null } | null)[] = [];
  private head = 0;
  private live = 0;
  private readonly waitingStatus = new Map<string, number>();
  readonly stats: RelayQueueStats = { published: 0, coalesced: 0, dropped: 0, queued: 0 };

  constructor(private readonly max: number) {}

  get size(): number {
    return this.live;
  }

  push(event: RuntimeEvent): void {
    this.stats.published++;
    const conversation = event.type === 'conversation' ? event.conversationId : null;
    if (conversation !== null) {
      const at = this.waitingStatus.get(conversation);
      if (at !== undefined) {
        this.items[at] = null;
        this.live--;
        this.stats.coalesced++;
      }
      this.waitingStatus.set(conversation, this.items.length);
    }
    this.items.push({ json: eventJson(event), conversation });
    this.live++;
    while (this.live > this.max) {
      this.shift();
      this.stats.dropped++;
    }
    this.stats.queued = this.live;
  }

  /** Takes up to `maxPayloads` payloads' worth of events, oldest first. */
  take(origin: string, maxPayloads: number): { payloads: string[]; events: number } {
    const payloads: string[] = [];
    let taken = 0;
    let events: string[] = [];
    let bytes = payloadOf(origin, []).length;
    while (this.live > 0 && payloads.length < maxPayloads) {
      const item = this.peek();
      if (!item) break;
      const extra = Buffer.byteLength(item.json) + 1;
      if (events.length > 0 && bytes + extra > MAX_PAYLOAD) {
        payloads.push(payloadOf(origin, events));
        events = [];
        bytes = payloadOf(origin, []).length;
        continue;
      }
      this.shift();
      taken++;
      events.push(item.json);
      bytes += extra;
    }
    if (events.length > 0) payloads.push(payloadOf(origin, events));
    this.stats.queued = this.live;
    return { payloads, events: taken };
  }

  /** Drops everything waiting; returns how many. */
  clear(): number {
    const n = this.live;
    this.items = [];
    this.head = 0;
    this.live = 0;
    this.waitingStatus.clear();
    this.stats.dropped += n;
    this.stats.queued = 0;
    return n;
  }

  private peek() {
    while (this.head < this.items.length && this.items[this.head] === null) this.head++;
    return this.items[this.head] ?? null;
  }

  private shift(): void {
    const item = this.peek();
    if (!item) return;
    if (item.conversation !== null && this.waitingStatus.get(item.conversation) === this.head) {
      this.waitingStatus.delete(item.conversation);
    }
    this.items[this.head] = null;
    this.head++;
    this.live--;
    // compact now and then, so the array does not grow without end
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      for (const [k, v] of this.waitingStatus) this.waitingStatus.set(k, v - this.head);
      this.head = 0;
    }
  }
}
