// The broadcast sender: a worker in every instance. It queues broadcasts that fall due, claims recipients from the
// durable queue and sends them through the channels' BroadcastChannels port, in two lanes: WhatsApp (one at a time,
// at the WhatsApp pace shared with ordinary replies) and every other channel (a few at once). One recipient's
// failure marks that recipient failed with the reason; the rest go on.
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import { isGoneLocally } from '../runtime/instance.ts';
import {
  claimRecipients,
  hasWork,
  completeFinished,
  markInterrupted,
  queueNextDue,
  recordOutcomes,
  releaseClaims,
  sendingInstances,
  type ClaimedRecipient,
  type Outcome,
} from './queue.ts';
import { parseTemplate, renderTemplate } from './template.ts';

/** How the sender reaches customers; implemented by bot/channels. */
export interface BroadcastChannels {
  /** WhatsApp is connected on this instance and can send now */
  whatsappReady(): boolean;
  /**
   * WhatsApp runs on some instance (here, or on the holder of its lease): a broadcast queued now sends to phones on
   * WhatsApp, and the instance running it sends them. Default: `whatsappReady()`.
   */
  whatsappRunning?(): boolean;
  /** Sends to a WhatsApp number (E.164) at the WhatsApp pace; resolves when it has left. Throws with a reason. */
  sendWhatsApp(phone: string, text: string): Promise<void>;
  /** Sends proactively on the Bot Framework channel of a stored conversation reference. Throws with a reason. */
  sendToReference(reference: Record<string, unknown>, text: string): Promise<void>;
}

export interface BroadcastSenderOptions {
  db: Database;
  channels: BroadcastChannels;
  logger: Logger;
  /** names this instance in BroadcastRecipient.claimedBy: `host:pid` */
  instanceId: string;
  now?: () => Date;
  /** how often it looks for due broadcasts and queued recipients when idle (default 1000 ms) */
  pollIntervalMs?: number;
  /** a send claimed longer ago than this by any instance counts as interrupted (default 10 min) */
  sendLeaseMs?: number;
  /** recipients of other channels sent at once (default 8) */
  concurrency?: number;
}

export interface BroadcastSender {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One pass: queue due broadcasts, send what is queued, complete what is done. Returns the recipients handled. */
  drain(): Promise<number>;
}

export function createBroadcastSender(options: BroadcastSenderOptions): BroadcastSender {
  const { db, channels, instanceId } = options;
  const logger = options.logger.child({ component: 'broadcast-sender', instanceId });
  const now = options.now ?? (() => new Date());
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const sendLeaseMs = options.sendLeaseMs ?? 10 * 60_000;
  const concurrency = options.concurrency ?? 8;
  const templates = new Map<string, ReturnType<typeof parseTemplate>>();
  const cursors = { whatsapp: new Map<string, string>(), other: new Map<string, string>() };
  let running = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<number> | undefined;

  const textFor = (r: ClaimedRecipient) => {
    let parts = templates.get(r.broadcastId);
    if (!parts) {
      parts = parseTemplate(r.message);
      if (templates.size > 100) templates.clear();
      templates.set(r.broadcastId, parts);
    }
    return renderTemplate(parts, r);
  };

  async function sendOne(r: ClaimedRecipient): Promise<Outcome> {
    if (r.contactStatus !== 'active') return { id: r.id, status: 'skipped', reason: 'archived before it was sent' };
    if (r.optOut) return { id: r.id, status: 'skipped', reason: 'opted out of broadcasts' };
    try {
      const text = textFor(r);
      if (r.channel === 'whatsapp') {
        if (!r.phone) return { id: r.id, status: 'skipped', reason: 'no phone any more' };
        await channels.sendWhatsApp(r.phone, text);
      } else {
        if (!r.reference) return { id: r.id, status: 'failed', reason: 'the conversation to send on is gone' };
        await channels.sendToReference(r.reference, text);
      }
      return { id: r.id, status: 'sent' };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      logger.warn(
        { recipientId: r.id, broadcastId: r.broadcastId, channel: r.channel, reason },
        'broadcast send failed',
      );
      return { id: r.id, status: 'failed', reason };
    }
  }

  /** WhatsApp: one at a time; the channel's own pace (shared with replies) spaces them. */
  async function whatsappLane(): Promise<number> {
    let handled = 0;
    while (channels.whatsappReady() && !stopping) {
      const [r] = await claimRecipients(db, {
        instanceId,
        whatsapp: true,
        limit: 1,
        now: now(),
        cursors: cursors.whatsapp,
      });
      if (!r) break;
      await recordOutcomes(db, [await sendOne(r)], now());
      handled++;
    }
    return handled;
  }

  /**
   * Every other channel: `concurrency` sends in flight at all times. Claims are refilled ahead (at most
   * 2 × concurrency claimed and not yet sent, so a crash leaves few `unknown`), outcomes are written in batches.
   */
  async function otherLane(): Promise<number> {
    const ready: ClaimedRecipient[] = [];
    const outcomes: Outcome[] = [];
    let exhausted = false;
    let handled = 0;
    let refilling: Promise<void> | undefined;
    let flushing: Promise<void> = Promise.resolve();
    let failure: unknown;
    const refill = () =>
      (refilling ??= (async () => {
        const batch = await claimRecipients(db, {
          instanceId,
          whatsapp: false,
          limit: concurrency * 2,
          now: now(),
          cursors: cursors.other,
        });
        if (batch.length === 0) exhausted = true;
        ready.push(...batch);
      })()
        .catch((e: unknown) => {
          failure ??= e; // the database is unreachable: stop this pass, the next one retries
          exhausted = true;
        })
        .finally(() => {
          refilling = undefined;
        }));
    const flush = () => {
      const done = outcomes.splice(0);
      if (done.length)
        flushing = flushing
          .then(() => recordOutcomes(db, done, now()))
          .catch((e: unknown) => {
            // left `sending`: marked unknown after the lease, never sent twice
            failure ??= e;
          });
      return flushing;
    };
    const worker = async () => {
      for (;;) {
        if (ready.length <= concurrency && !exhausted && !stopping) void refill();
        if (ready.length === 0) {
          if (refilling) await refilling;
          if (ready.length === 0 && (exhausted || stopping)) return;
          continue;
        }
        const r = ready.shift()!;
        outcomes.push(await sendOne(r));
        handled++;
        if (outcomes.length >= concurrency) void flush();
      }
    };
    await refill();
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Claimed but not sent (stopping): back to the queue, never lost.
    if (ready.length)
      await releaseClaims(
        db,
        ready.splice(0).map((r) => r.id),
        now(),
      );
    await flush();
    if (failure) throw failure;
    return handled;
  }

  async function drainOnce(): Promise<number> {
    if (!(await hasWork(db, now()))) return 0;
    const whatsapp = () => channels.whatsappRunning?.() ?? channels.whatsappReady();
    while (await queueNextDue(db, { now: now(), whatsapp: whatsapp() })) {
      /* queue every broadcast that is due */
    }
    const [a, b] = await Promise.all([whatsappLane(), otherLane()]);
    const done = await completeFinished(db, now());
    for (const id of done) logger.info({ broadcastId: id }, 'broadcast completed');
    return a + b;
  }

  function drain(): Promise<number> {
    pass ??= drainOnce()
      .catch((e: unknown) => {
        logger.error({ err: e }, 'broadcast sender pass failed');
        return 0;
      })
      .finally(() => {
        pass = undefined;
      });
    return pass;
  }

  function schedule() {
    if (!running) return;
    timer = setTimeout(() => {
      void drain().finally(schedule);
    }, pollIntervalMs);
    timer.unref();
  }

  return {
    async start() {
      if (running) return;
      const holders = await sendingInstances(db);
      const interrupted = await markInterrupted(db, {
        staleBefore: new Date(now().getTime() - sendLeaseMs),
        // one process per embedded database: every earlier claim there is a gone process's
        deadInstances: db.kind === 'pglite' ? holders : holders.filter(isGoneLocally),
        now: now(),
      });
      if (interrupted) logger.warn({ interrupted }, 'broadcast sends interrupted by a restart marked unknown');
      running = true;
      stopping = false;
      void drain().finally(schedule);
    },
    async stop() {
      running = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await pass;
    },
    drain,
  };
}
