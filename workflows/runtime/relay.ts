// Carries the runtime's live events between Baton instances that share one PostgreSQL database
// (LISTEN/NOTIFY), so an agent's stream shows what happened on any instance. The embedded database has
// one instance only: there is nothing to relay.
//
// Sending keeps up with the events: they wait in a bounded queue (relay-queue.ts) where a conversation's newer state
// replaces its older one, and go out many to a NOTIFY payload, many payloads to one statement, one statement in flight
// at a time and statements `minIntervalMs` apart at least — so the busier it is, the bigger the batches, and an idle
// relay sends at once. Sent on the relay's own connection (the one that LISTENs), never waiting for the pool, as a
// prepared statement. A stopping instance sends what it can within `stopWithinMs`, then drops the rest.
import type { Logger } from 'pino';
import type pg from 'pg';
import { z } from 'zod';
import type { Database } from '../../prisma/index.ts';
import type { RuntimeEvent } from './events.ts';
import { RelayQueue, type RelayQueueStats } from './relay-queue.ts';

export const RELAY_CHANNEL = 'baton_conversation_events';
/** Payloads a statement sends at most (~7 kB each). */
const PAYLOADS_PER_STATEMENT = 32;
/**
 * Statements start this far apart at least (default): an event published after a quiet spell goes out at once, and
 * under load a statement carries what the last 50 ms published. Measured on the `messages` benchmark: NOTIFY
 * statements per message 1.1 → ~0.3 (docs/performance.md), the lag's p99 well within its 1 s target.
 */
export const RELAY_MIN_INTERVAL_MS = 50;

const eventSchema = z.looseObject({ type: z.enum(['conversation', 'message']) });
const envelopeSchema = z.union([
  z.object({ origin: z.string(), events: z.array(eventSchema) }),
  // one event a payload: what instances before batching send
  z.object({ origin: z.string(), event: eventSchema }).transform((e) => ({ origin: e.origin, events: [e.event] })),
]);

export interface RelayStats extends RelayQueueStats {
  /** statements sent (each a batch of NOTIFY payloads) */
  statements: number;
  /** NOTIFY payloads sent */
  payloads: number;
  /** events sent */
  sent: number;
}

export interface EventRelay {
  publish(event: RuntimeEvent): void;
  /** Sends what it can within its shutdown time, drops the rest, and stops listening. */
  stop(): Promise<void>;
  stats(): RelayStats;
}

export interface EventRelayOptions {
  instanceId: string;
  logger: Logger;
  deliver: (event: RuntimeEvent) => void;
  /** events waiting at most; the oldest are dropped beyond (default 10,000) */
  maxQueued?: number;
  /** how long stop() may still send (default 2 s) */
  stopWithinMs?: number;
  /** statements start this far apart at least (default RELAY_MIN_INTERVAL_MS); 0: as soon as the last returned */
  minIntervalMs?: number;
}

export async function startEventRelay(db: Database, opts: EventRelayOptions): Promise<EventRelay | null> {
  if (db.driver.kind !== 'postgres') return null;
  const client = await db.driver.pool.connect();
  // this connection's own NOTIFYs come back to it (it LISTENs): known by the sender's process id, skipped unread
  const [own] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  client.on('notification', (n) => {
    if (n.channel !== RELAY_CHANNEL || !n.payload || n.processId === own?.pid) return;
    try {
      const envelope = envelopeSchema.parse(JSON.parse(n.payload));
      if (envelope.origin === opts.instanceId) return;
      for (const event of envelope.events) opts.deliver(event as unknown as RuntimeEvent);
    } catch (e) {
      opts.logger.warn({ err: e }, 'an unreadable conversation event was relayed: ignored');
    }
  });
  let broken: Error | null = null;
  client.on('error', (e) => {
    broken = e;
    opts.logger.error({ err: e }, 'the conversation event relay lost its connection');
  });
  await client.query(`LISTEN ${RELAY_CHANNEL}`);

  const queue = new RelayQueue(opts.maxQueued ?? 10_000);
  const counts = { statements: 0, payloads: 0, sent: 0 };
  let sending: Promise<void> | null = null;
  let stopping = false;
  /** events of the statement in flight; `abandoned` once stop() gave up on it (then counted as dropped) */
  let inFlight = 0;
  let abandoned = false;

  const minIntervalMs = opts.minIntervalMs ?? RELAY_MIN_INTERVAL_MS;
  let lastStart = -Infinity;
  const send = (c: pg.PoolClient, payloads: string[]) =>
    c.query({
      name: 'baton_relay_notify',
      text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n',
      values: [RELAY_CHANNEL, payloads],
    });

  /** Sends batches until the queue is empty; one statement in flight, `minIntervalMs` apart unless stopping. */
  const drain = async (paced: boolean) => {
    while (queue.size > 0 && !broken) {
      // again after each sleep: a Node timer may fire up to a millisecond before its delay by performance.now()
      // (libuv's loop clock counts whole milliseconds), and the interval is a floor
      for (let wait = paced ? lastStart + minIntervalMs - performance.now() : 0; wait > 0;) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        // stop() sends the rest itself, without waiting
        if (stopping) return;
        wait = lastStart + minIntervalMs - performance.now();
      }
      lastStart = performance.now();
      const { payloads, events } = queue.take(opts.instanceId, PAYLOADS_PER_STATEMENT);
      inFlight = events;
      try {
        await send(client, payloads);
        if (abandoned) return;
        inFlight = 0;
        counts.statements++;
        counts.payloads += payloads.length;
        counts.sent += events;
      } catch (e) {
        if (abandoned) return;
        inFlight = 0;
        // Live updates only: a batch that fails is not tried again (the console reloads from the database).
        queue.stats.dropped += events;
        opts.logger.warn({ err: e, events }, 'relaying conversation events failed: dropped');
      }
    }
  };
  const kick = () => {
    if (sending || stopping) return;
    sending = drain(true).finally(() => {
      sending = null;
      if (queue.size > 0 && !stopping && !broken) kick();
    });
  };

  return {
    publish(event) {
      if (stopping) {
        queue.stats.dropped++;
        return;
      }
      queue.push(event);
      kick();
    },
    stats: () => ({ ...queue.stats, ...counts }),
    async stop() {
      stopping = true;
      const deadline = opts.stopWithinMs ?? 2000;
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), deadline);
      });
      const flushed = (async () => {
        if (sending) await sending;
        await drain(false);
        await client.query(`UNLISTEN ${RELAY_CHANNEL}`);
        return 'done' as const;
      })().catch((e: unknown) => e as Error);
      const outcome = await Promise.race([flushed, timeUp]);
      clearTimeout(timer);
      abandoned = true;
      queue.stats.dropped += inFlight;
      const dropped = queue.clear() + inFlight;
      if (dropped > 0) opts.logger.warn({ dropped }, 'stopping: live events not relayed in time were dropped');
      // A connection still busy (or broken) is closed rather than handed back to the pool.
      client.release(outcome === 'done' ? undefined : outcome === 'timeout' ? new Error('stopped') : outcome);
    },
  };
}
