// Keeps one whatsapp-web.js client alive: start, pairing QR, ready, disconnects with backoff, a lost session
// leading to a new pairing (never a crash). The client is created by an injected factory (tests pass a fake).
import type { Logger } from 'pino';
import type { WhatsAppMessageLike } from './message.ts';
import { plainReason } from './reason.ts';

/** The part of whatsapp-web.js's Client the connection uses (event names as in the library's `Events`). */
export interface WhatsAppClientLike {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'authenticated' | 'ready', listener: () => void): unknown;
  on(event: 'auth_failure', listener: (message: string) => void): unknown;
  on(event: 'disconnected', listener: (reason: string) => void): unknown;
  on(event: 'message', listener: (message: WhatsAppMessageLike) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<unknown>;
  getNumberId?(number: string): Promise<{ _serialized: string } | null>;
  /** the chat, to show it as typing (Chat.sendStateTyping / clearState) */
  getChatById?(chatId: string): Promise<{ sendStateTyping(): Promise<unknown>; clearState(): Promise<unknown> }>;
  /** puppeteer's browser, once launched (the library does not notice a crashed browser: we watch it) */
  pupBrowser?: { on(event: 'disconnected', listener: () => void): unknown } | null;
}

/** `standby`: enabled here, but another instance holds WhatsApp's lease and runs it (lease.ts). */
export type WhatsAppState =
  'disabled' | 'standby' | 'starting' | 'qr' | 'authenticated' | 'ready' | 'disconnected' | 'stopped';

export interface WhatsAppStatus {
  enabled: boolean;
  state: WhatsAppState;
  /** the pairing QR payload while state is `qr` (render it as a QR code) */
  qr: string | null;
  /** the last problem (disconnect, start failure) in plain words an admin can act on; null when none */
  reason: string | null;
  since: string;
  /** when the next reconnect attempt is due, while disconnected */
  reconnectAt: string | null;
  /** outgoing messages waiting in the paced queue */
  queued: number;
  /** the instance running WhatsApp (host:pid), when several share one database and it is known */
  instance?: string | null;
}

export interface WhatsAppConnectionOptions {
  createClient: () => WhatsAppClientLike;
  /** called with each new client (to attach the message handler and the sender) */
  onClient: (client: WhatsAppClientLike) => void;
  /** called when the client is destroyed (stopped, or lost): sends fail at once until the next one */
  onClientGone?: () => void;
  /** prints the pairing QR code in the terminal */
  printQr?: (qr: string) => void;
  logger: Logger;
  backoff?: { initialMs: number; maxMs: number };
  /** deletes the stored session after it was lost (logout, unpaired, auth failure), so the next start pairs anew */
  clearSession?: () => Promise<void>;
  queued?: () => number;
}

/** Reasons after which the stored session is worthless: a new pairing is needed. */
const SESSION_LOST = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE', 'CONFLICT', 'auth_failure']);

export class WhatsAppConnection {
  private client: WhatsAppClientLike | undefined;
  private generation = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** destroying the previous client (Chromium closing) */
  private closing: Promise<unknown> = Promise.resolve();
  private current: Omit<WhatsAppStatus, 'enabled' | 'queued'> = {
    state: 'stopped',
    qr: null,
    reason: null,
    since: new Date().toISOString(),
    reconnectAt: null,
  };

  constructor(private readonly options: WhatsAppConnectionOptions) {}

  status(): WhatsAppStatus {
    // the raw reason (a browser or library error) is logged; admins read it in plain words
    return {
      enabled: true,
      ...this.current,
      reason: plainReason(this.current.reason),
      queued: this.options.queued?.() ?? 0,
    };
  }

  /** Starts the client in the background; failures become a `disconnected` state and a retry. */
  start(): void {
    if (this.current.state !== 'stopped' && this.current.state !== 'disconnected') return;
    void this.launch();
  }

  async stop(): Promise<void> {
    this.generation++;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.options.onClientGone?.();
    this.set('stopped', null);
    if (client)
      await client.destroy().catch((err: unknown) => this.options.logger.warn({ err }, 'whatsapp destroy failed'));
  }

  private set(state: WhatsAppState, reason: string | null, extra: Partial<WhatsAppStatus> = {}) {
    this.current = { state, qr: null, reason, since: new Date().toISOString(), reconnectAt: null, ...extra };
  }

  private async launch(): Promise<void> {
    const generation = ++this.generation;
    const live = () => generation === this.generation;
    this.set('starting', this.current.reason);
    let client: WhatsAppClientLike;
    try {
      client = this.options.createClient();
    } catch (err) {
      this.lost(generation, `cannot create the client: ${(err as Error).message}`, false);
      return;
    }
    this.client = client;
    this.options.onClient(client);
    client.on('qr', (qr) => {
      if (!live()) return;
      this.set('qr', null, { qr });
      this.options.logger.info('whatsapp: scan the QR code to pair (terminal, or GET /api/v1/channels/whatsapp)');
      this.options.printQr?.(qr);
    });
    client.on('authenticated', () => live() && this.set('authenticated', null));
    client.on('ready', () => {
      if (!live()) return;
      this.attempt = 0;
      this.set('ready', null);
      this.options.logger.info('whatsapp: ready');
      client.pupBrowser?.on('disconnected', () => this.lost(generation, 'browser closed', false));
    });
    client.on('auth_failure', (message) => this.lost(generation, `auth_failure: ${message}`, true));
    client.on('disconnected', (reason) => this.lost(generation, String(reason), SESSION_LOST.has(String(reason))));
    try {
      await client.initialize();
    } catch (err) {
      this.lost(generation, `start failed: ${(err as Error).message}`, false);
    }
  }

  /** The client is gone: destroy it and start again later (a lost session starts fresh, asking for a new QR). */
  private lost(generation: number, reason: string, sessionLost: boolean): void {
    if (generation !== this.generation) return;
    this.generation++;
    const client = this.client;
    this.client = undefined;
    this.options.onClientGone?.();
    const closed = client ? client.destroy().catch(() => undefined) : Promise.resolve();
    this.closing =
      sessionLost && this.options.clearSession
        ? closed
            .then(() => this.options.clearSession?.())
            .catch((err: unknown) => this.options.logger.warn({ err }, 'whatsapp: clearing the session failed'))
        : closed;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 2_000, maxMs: 300_000 };
    const delay = sessionLost ? initialMs : Math.min(maxMs, initialMs * 2 ** this.attempt++);
    const reconnectAt = new Date(Date.now() + delay).toISOString();
    this.set('disconnected', sessionLost ? `${reason} (a new pairing is needed)` : reason, { reconnectAt });
    this.options.logger.warn({ reason, retryInMs: delay, sessionLost }, 'whatsapp disconnected');
    this.timer = setTimeout(() => void this.closing.then(() => this.launch()), delay);
    this.timer.unref();
  }
}
