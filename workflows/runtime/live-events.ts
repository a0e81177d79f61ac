// The runtime's live stream (queue changes and messages) for the agents' console: delivered to this instance's
// listeners and, on PostgreSQL, relayed to the other instances (relay.ts).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database } from '../../prisma/index.ts';
import type { RuntimeEvent } from './events.ts';
import { startEventRelay, type EventRelay } from './relay.ts';

export interface LiveEvents {
  emit(event: RuntimeEvent): void;
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /** Starts relaying between instances (PostgreSQL). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createLiveEvents(deps: { db: Database; instanceId: string; logger: Logger }): LiveEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let relay: EventRelay | null = null;
  const deliverLocally = (event: RuntimeEvent) => {
    try {
      emitter.emit('event', event);
    } catch (e) {
      deps.logger.warn({ err: e }, 'a conversation event listener failed');
    }
  };
  return {
    emit(event) {
      deliverLocally(event);
      relay?.publish(event);
    },
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async start() {
      relay = await startEventRelay(deps.db, { ...deps, deliver: deliverLocally });
    },
    async stop() {
      await relay?.stop().catch((e: unknown) => deps.logger.warn({ err: e }, 'stopping the event relay failed'));
      relay = null;
      emitter.removeAllListeners();
    },
  };
}
