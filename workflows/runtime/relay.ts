// Carries the runtime's live events between Baton instances that share one PostgreSQL database
// (LISTEN/NOTIFY), so an agent's stream shows what happened on any instance. The embedded database has
// one instance only: there is nothing to relay.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../prisma/index.ts';
import type { RuntimeEvent } from './events.ts';

export const RELAY_CHANNEL = 'baton_conversation_events';
/** PostgreSQL's NOTIFY payload limit is 8000 bytes; longer message texts are cut. */
const MAX_PAYLOAD = 7000;

const envelopeSchema = z.object({
  origin: z.string(),
  event: z.looseObject({ type: z.enum(['conversation', 'message']) }),
});

export interface EventRelay {
  publish(event: RuntimeEvent): void;
  stop(): Promise<void>;
}

export async function startEventRelay(
  db: Database,
  opts: { instanceId: string; logger: Logger; deliver: (event: RuntimeEvent) => void },
): Promise<EventRelay | null> {
  if (db.driver.kind !== 'postgres') return null;
  const pool = db.driver.pool;
  const client = await pool.connect();
  client.on('notification', (n) => {
    if (n.channel !== RELAY_CHANNEL || !n.payload) return;
    try {
      const envelope = envelopeSchema.parse(JSON.parse(n.payload));
      if (envelope.origin !== opts.instanceId) opts.deliver(envelope.event as unknown as RuntimeEvent);
    } catch (e) {
      opts.logger.warn({ err: e }, 'an unreadable conversation event was relayed: ignored');
    }
  });
  client.on('error', (e) => opts.logger.error({ err: e }, 'the conversation event relay lost its connection'));
  await client.query(`LISTEN ${RELAY_CHANNEL}`);
  // one NOTIFY after the other, so other instances see the events in the order they happened
  let queue: Promise<unknown> = Promise.resolve();
  return {
    publish(event) {
      let payload = JSON.stringify({ origin: opts.instanceId, event });
      if (payload.length > MAX_PAYLOAD && event.type === 'message') {
        const text = `${event.message.text.slice(0, 2000)}…`;
        payload = JSON.stringify({ origin: opts.instanceId, event: { ...event, message: { ...event.message, text } } });
      }
      queue = queue
        .then(() => pool.query('SELECT pg_notify($1, $2)', [RELAY_CHANNEL, payload]))
        .catch((e: unknown) => opts.logger.warn({ err: e }, 'relaying a conversation event failed'));
    },
    async stop() {
      await queue;
      try {
        await client.query(`UNLISTEN ${RELAY_CHANNEL}`);
      } finally {
        client.release();
      }
    },
  };
}
