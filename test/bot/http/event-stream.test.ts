import { describe, expect, it, vi } from 'vitest';
import { eventStreamWriter, eventText } from '../../../bot/http/event-stream.ts';
import type { RuntimeEvent } from '../../../workflows/index.ts';

const event = (conversationId: string): RuntimeEvent => ({
  type: 'conversation',
  businessId: 'b1',
  conversationId,
  status: 'waiting',
  assignedAgentId: null,
  reason: 'handover',
});

describe("the console's live stream writer", () => {
  it('writes the events that come within its window in one write, in order, and then waits for the next', async () => {
    vi.useFakeTimers();
    try {
      const writes: string[] = [];
      const writer = eventStreamWriter({ write: (text: string) => writes.push(text) }, 10);
      writer.send(eventText(event('c1')));
      writer.send(eventText(event('c2')));
      vi.advanceTimersByTime(5);
      writer.send(eventText(event('c3')));
      expect(writes).toEqual([]);
      vi.advanceTimersByTime(5);
      expect(writes).toHaveLength(1);
      expect([...writes[0]!.matchAll(/"conversationId":"(c\d)"/g)].map((m) => m[1])).toEqual(['c1', 'c2', 'c3']);
      writer.send(eventText(event('c4')));
      vi.advanceTimersByTime(10);
      expect(writes).toHaveLength(2);
      writer.send(eventText(event('c5')));
      writer.flush(); // the stream ends: nothing queued is lost
      expect(writes.at(-1)).toContain('"conversationId":"c5"');
      vi.advanceTimersByTime(10);
      expect(writes).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('serialises an event once for all the streams it goes to, without its business', () => {
    const e = event('c1');
    const text = eventText(e);
    expect(text).toBe(
      'event: conversation\ndata: {"conversationId":"c1","status":"waiting","assignedAgentId":null,"reason":"handover"}\n\n',
    );
    expect(eventText(e)).toBe(text);
  });
});
