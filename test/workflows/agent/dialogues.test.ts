// Whole capture dialogues from the extraction table, played through the pure conversation machine with the offline
// extractor: the runtime's part (reading, saving) is done in memory, so each turn shows what the contact would hold.
import { describe, expect, it } from 'vitest';
import { extractDetails } from '../../../workflows/agent/index.ts';
import type { ConversationEffect } from '../../../workflows/conversation/index.ts';
import { SimulatedConversation } from '../support/simulator.ts';
import { DIALOGUES, type Dialogue } from './extraction-table.ts';

interface Held {
  email: string | null;
  phone: string | null;
  name: string | null;
}

/** a request for a detail, in either language (the read-back's "Is that right?" is not one) */
const isRequest = (text: string) =>
  /could you (tell me|check|give me)|which one should we use|me dices|puedes revisarlo|cuál usamos|me das otro/i.test(
    text,
  );

export function play(d: Dialogue) {
  const ctx = { country: 'GB', ...d.ctx };
  const c = new SimulatedConversation({ knownPhone: ctx.knownPhone ?? null, askName: d.guest ?? false });
  c.send({ type: 'customer.message', text: 'human please' });
  c.send({ type: 'ai.replied', reply: { kind: 'handover', reason: 'customer_asked', text: 'finding a person' } });
  c.advance(120_000);
  const held: Held = { email: null, phone: null, name: null };
  const afterTurn: Held[] = [];
  for (const text of d.turns) {
    let queue: ConversationEffect[] = c.send({ type: 'customer.message', text });
    while (queue.length) {
      const next: ConversationEffect[] = [];
      for (const e of queue) {
        if (e.type === 'ai.extract') {
          const extraction = extractDetails(e.text, { ...ctx, knownPhone: e.knownPhone ?? undefined });
          next.push(...c.send({ type: 'details.extracted', extraction, text: e.text }));
        } else if (e.type === 'details.save') {
          if (e.email) held.email = e.email;
          if (e.phone) held.phone = e.phone;
          if (e.name) held.name = [e.name.firstName, e.name.lastName].filter(Boolean).join(' ');
          next.push(
            ...c.send({ type: 'details.saved', email: e.email, phone: e.phone, name: e.name, outcome: 'updated' }),
          );
        } else if (e.type === 'ai.reply') {
          next.push(...c.send({ type: 'ai.replied', reply: { kind: 'reply', text: 'ok' } }));
        }
      }
      queue = next;
    }
    afterTurn.push({ ...held });
  }
  const asks = c.effects.filter((e) => e.type === 'send' && e.author === 'ai' && isRequest(e.text)).length;
  return { held, afterTurn, asks, conversation: c };
}

describe('capture dialogues (offline extractor through the conversation machine)', () => {
  it.each(DIALOGUES.map((d) => [d.kind, d] as const))('%s', (_kind, d) => {
    const { held, afterTurn, asks } = play(d);
    expect({ email: held.email, phone: held.phone }).toEqual({ email: d.saved.email, phone: d.saved.phone });
    if (d.saved.name !== undefined) expect(held.name).toBe(d.saved.name);
    for (const [turn, expected] of Object.entries(d.after ?? {}))
      expect(afterTurn[Number(turn)], `after turn ${turn}`).toMatchObject(expected);
    if (d.asks !== undefined) expect(asks).toBe(d.asks);
  });
});
