// WhatsApp's pace is shared: a broadcast's sends and ordinary replies leave through one paced queue, so the total
// never exceeds BATON_WHATSAPP_SENDS_PER_MINUTE. Checked under a simulated clock (vitest's fake timers drive
// p-queue's interval).
import { TurnContext, type Activity } from 'botbuilder';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendQueue, WhatsAppAdapter } from '../../../bot/channels/whatsapp/index.ts';

describe('WhatsApp pacing shared by broadcasts and replies', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('three sends a minute: a reply queued between broadcast sends waits its turn, and nothing leaves early', async () => {
    const sent: { chatId: string; text: string; at: number }[] = [];
    const adapter = new WhatsAppAdapter({
      queue: createSendQueue(3),
      defaultBusinessId: async () => 'b',
      logger: pino({ level: 'silent' }),
    });
    adapter.useSender({
      sendMessage: async (chatId, text) => {
        sent.push({ chatId, text, at: Date.now() });
      },
      getNumberId: async (n) => (n === '447900000000' ? null : { _serialized: `${n}@c.us` }),
    });
    const results: string[] = [];
    const b1 = adapter.sendToNumber('+447911000001', 'sale 1').then(() => results.push('b1'));
    const reply = new TurnContext(adapter, {
      type: 'message',
      conversation: { id: '447911000009@c.us' },
    } as Partial<Activity>);
    // A reply's delivery resolves once WhatsApp sent it (its turn in the queue), not when it was queued.
    const replied = adapter.sendActivities(reply, [{ type: 'message', text: 'a reply' }]);
    const b2 = adapter.sendToNumber('+447911000002', 'sale 2').then(() => results.push('b2'));
    const b3 = adapter.sendToNumber('+447900000000', 'sale 3').catch((e: Error) => results.push(`b3: ${e.message}`));
    const b4 = adapter.sendToNumber('+447911000004', 'sale 4').then(() => results.push('b4'));

    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => s.text)).toEqual(['sale 1']);
    await vi.advanceTimersByTimeAsync(19_000);
    expect(sent).toHaveLength(1); // 20 s between sends at 3 a minute
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.map((s) => s.text)).toEqual(['sale 1', 'a reply']);
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all([b1, replied, b2, b3, b4]);
    expect(sent.map((s) => s.text)).toEqual(['sale 1', 'a reply', 'sale 2', 'sale 4']);
    expect(results).toEqual(['b1', 'b2', 'b3: this number is not on WhatsApp', 'b4']);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(20_000);
  });
});
