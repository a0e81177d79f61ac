// The console's live stream (server-sent events) on a raw response. Each runtime event used to be its own write, so
// its own system call on the socket (2–3 a customer message: its message, the AI's, a queue change); here the events
// that come within SSE_FLUSH_MS of each other go out in one write, in order, and each event is serialised once
// whatever the number of agents' streams it goes to.
import { eventDataJson, type RuntimeEvent } from '../../workflows/index.ts';

/** How long an event may wait for others to share its write: far below what an agent notices. */
export const SSE_FLUSH_MS = 10;

const serialised = new WeakMap<RuntimeEvent, string>();

/**
 * The event's SSE text (its type as the event name, the rest but the business as data), made once per event; its
 * data serialised once for this and the relay to other instances (eventDataJson).
 */
export function eventText(event: RuntimeEvent): string {
  let text = serialised.get(event);
  if (text === undefined) {
    text = `event: ${event.type}\ndata: ${eventDataJson(event)}\n\n`;
    serialised.set(event, text);
  }
  return text;
}

export interface EventStreamWriter {
  /** Queues a text; written with the others queued within `flushMs`. */
  send(text: string): void;
  /** Writes what is queued now (before the response ends). */
  flush(): void;
}

export function eventStreamWriter(res: { write(text: string): unknown }, flushMs = SSE_FLUSH_MS): EventStreamWriter {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    res.write(text);
  };
  return {
    send(text) {
      pending += text;
      if (!timer) {
        timer = setTimeout(flush, flushMs);
        timer.unref();
      }
    },
    flush,
  };
}
