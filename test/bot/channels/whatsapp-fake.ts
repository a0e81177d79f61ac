// A fake whatsapp-web.js Client for tests: an EventEmitter with the library's event names (Events.*) and message
// shapes (from, body, fromMe, isStatus, type, hasMedia, getContact() → {pushname, number}, getChat() → {isGroup}).
// It cannot reach WhatsApp; it only lets a test play what the library emits, and records what the bot sends.
import { EventEmitter } from 'node:events';
import type { WhatsAppClientLike, WhatsAppMessageLike } from '../../../bot/channels/whatsapp/index.ts';

let seq = 0;

export class FakeWhatsAppClient extends EventEmitter {
  readonly sent: { chatId: string; content: string; at: number }[] = [];
  /** numbers (digits) that `getNumberId` says are not on WhatsApp */
  readonly notOnWhatsApp = new Set<string>();
  /** chat states set through Chat.sendStateTyping / clearState, in order */
  readonly states: { chatId: string; state: 'typing' | 'cleared' }[] = [];
  initialized = 0;
  destroyed = 0;
  /** sends under way but not finished (see hold) */
  private readonly held: { chatId: string; content: string; release: () => void; fail: (e: Error) => void }[] = [];
  private holding = false;
  constructor(
    private readonly onInitialize: (client: FakeWhatsAppClient) => void | Promise<void> = (c) => {
      c.emit('qr', '2@fake-qr-payload');
    },
  ) {
    super();
  }

  async initialize(): Promise<void> {
    this.initialized++;
    await this.onInitialize(this);
  }

  async destroy(): Promise<void> {
    this.destroyed++;
    this.removeAllListeners();
    // as the library's calls into a closed browser do (puppeteer: "Target closed")
    for (const h of this.held.splice(0)) h.fail(new Error('Protocol error (Runtime.callFunctionOn): Target closed'));
  }

  /** From now on a send does not finish (WhatsApp Web slow to take it) until `release()`, or fails on destroy(). */
  hold(): void {
    this.holding = true;
  }

  /** Lets the sends held so far finish (recorded in `sent`), and later ones go straight through. */
  release(): void {
    this.holding = false;
    for (const h of this.held.splice(0)) h.release();
  }

  /** The sends under way, not yet finished. */
  get sending(): { chatId: string; content: string }[] {
    return this.held.map(({ chatId, content }) => ({ chatId, content }));
  }

  async sendMessage(chatId: string, content: string): Promise<unknown> {
    if (this.destroyed) throw new Error('Protocol error (Runtime.callFunctionOn): Session closed');
    if (this.holding) await new Promise<void>((release, fail) => this.held.push({ chatId, content, release, fail }));
    this.sent.push({ chatId, content, at: Date.now() });
    return { id: { _serialized: `true_${chatId}_out${this.sent.length}` } };
  }

  /** The library's `Client.getNumberId(number)`: the number's WhatsApp id, or null when it is not on WhatsApp. */
  async getNumberId(number: string): Promise<{ server: string; user: string; _serialized: string } | null> {
    const digits = number.replace(/\D/g, '');
    if (this.notOnWhatsApp.has(digits)) return null;
    return { server: 'c.us', user: digits, _serialized: `${digits}@c.us` };
  }

  /** The library's Client.getChatById → a Chat with sendStateTyping() and clearState(). */
  async getChatById(chatId: string) {
    return {
      sendStateTyping: async () => void this.states.push({ chatId, state: 'typing' }),
      clearState: async () => void this.states.push({ chatId, state: 'cleared' }),
    };
  }

  /** The library's `message` event for an incoming message. */
  receive(
    fields: Partial<Omit<WhatsAppMessageLike, 'getContact' | 'getChat'>> & {
      pushname?: string;
      number?: string;
      isGroup?: boolean;
    },
  ): void {
    const from = fields.from ?? `${fields.number ?? '447911123456'}@c.us`;
    const message: WhatsAppMessageLike = {
      from,
      body: fields.body ?? '',
      fromMe: fields.fromMe ?? false,
      isStatus: fields.isStatus ?? false,
      broadcast: fields.broadcast ?? false,
      type: fields.type ?? 'chat',
      hasMedia: fields.hasMedia ?? false,
      timestamp: Math.floor(Date.now() / 1000),
      id: { _serialized: `false_${from}_${++seq}` },
      getContact: async () => ({ pushname: fields.pushname ?? '', number: fields.number ?? from.split('@')[0] ?? '' }),
      getChat: async () => ({ isGroup: fields.isGroup ?? from.endsWith('@g.us') }),
    };
    this.emit('message', message);
  }
}

export const asClient = (fake: FakeWhatsAppClient) => fake as unknown as WhatsAppClientLike;

/** A client already paired with a phone: on initialize it authenticates and is ready at once (no QR). */
export const pairedAtOnce = (client: FakeWhatsAppClient): void => {
  client.emit('authenticated');
  client.emit('ready');
};
