// Inside the reader's worker thread (bundled by read-batches-in-worker.ts): reads the file's batches and posts them, keeping at most `readAhead` batches
// ahead of what the main thread has taken.
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../shared/errors.ts';
import { readBatchesInline, type ReadOptions } from './read-batches.ts';
import type { WorkerMessage } from './read-batches-in-worker.ts';

const port = parentPort!;
const options = workerData as ReadOptions & { readAhead: number };
let credit = options.readAhead;
let wake: (() => void) | undefined;
port.on('message', () => {
  credit++;
  wake?.();
});

async function main(): Promise<void> {
  try {
    for await (const batch of readBatchesInline(options)) {
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      // The batch's bytes move to the main thread (transferred, not copied).
      port.postMessage({ type: 'batch', batch } satisfies WorkerMessage, [batch.bytes.buffer as ArrayBuffer]);
    }
    port.postMessage({ type: 'end' } satisfies WorkerMessage);
  } catch (e) {
    const err = e as Error;
    port.postMessage({
      type: 'error',
      message: err.message,
      code: e instanceof DomainError ? e.code : undefined,
      field: e instanceof DomainError ? e.field : undefined,
    } satisfies WorkerMessage);
  }
  port.close();
}

void main();
