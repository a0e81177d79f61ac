// Outgoing WhatsApp messages leave one by one at a configured pace (a sliding window), so a burst of replies or a
// broadcast does not get the number banned. p-queue does the pacing.
import PQueue from 'p-queue';

export interface SendQueue {
  enqueue(task: () => Promise<unknown>): Promise<void>;
  /** resolves when everything queued has been sent (or failed) */
  idle(): Promise<void>;
  readonly pending: number;
}

export function createSendQueue(perMinute: number): SendQueue {
  const queue = new PQueue({ concurrency: 1, intervalCap: 1, interval: Math.ceil(60_000 / perMinute), strict: true });
  return {
    async enqueue(task) {
      await queue.add(task);
    },
    idle: () => queue.onIdle(),
    get pending() {
      return queue.size + queue.pending;
    },
  };
}
