// The reader's worker thread: for large files the file is parsed and normalised (libphonenumber for every phone) on
// another core while this thread matches and writes, which matters most on PGlite, whose database work runs on
// this thread. The worker runs a bundle of worker-thread.ts made once per process by esbuild (as bin/run.mjs bundles the
// process's own entry): a worker started on the TypeScript sources would need a module loader thread of its own.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { DomainError, type ErrorCode } from '../shared/errors.ts';
import type { ReadBatch, ReadOptions } from './read-batches.ts';

/** Batches the worker reads ahead of the batch being written. */
const READ_AHEAD = 2;

export type WorkerMessage =
  | { type: 'batch'; batch: ReadBatch }
  | { type: 'end' }
  | { type: 'error'; message: string; code?: ErrorCode | undefined; field?: string | undefined };

/**
 * A worker thread's code: `entry` (a file path) and everything it imports as one CommonJS script, for
 * `new Worker(code, { eval: true })`. `alias` resolves a package to another (the import benchmark's ceiling with
 * libphonenumber-js as published). Built with esbuild's asynchronous API: its synchronous one held the event loop for
 * ~0.3 s when an import started.
 */
export async function workerBundle(entry: string, alias: Record<string, string> = {}): Promise<string> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    alias,
  });
  return r.outputFiles[0]!.text;
}

let bundle: Promise<string> | undefined;
function workerSource(): Promise<string> {
  bundle ??= workerBundle(fileURLToPath(new URL('./worker-thread.ts', import.meta.url)));
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/** The file's batches, read by a worker thread at most READ_AHEAD batches ahead of the consumer. */
export async function* readBatchesInWorker(o: ReadOptions): AsyncGenerator<ReadBatch> {
  const worker = new Worker(await workerSource(), {
    eval: true,
    workerData: { ...o, readAhead: READ_AHEAD },
    // Its heap holds a few batches: a bound keeps a runaway from taking the server's memory. Its young generation
    // (V8's default lets it grow to 48 MB) is kept to 12 MB: what it allocates is records and strings that die young
    // (PGlite 100k import peak 434–464 → 414 MB, no slower).
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 12 },
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e: Error) => {
    failure = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0) failure ??= new Error(`the import's reader stopped (exit code ${code})`);
    wake?.();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (m.type === 'end') return;
      if (m.type === 'error') throw m.code ? new DomainError(m.code, m.message, m.field) : new Error(m.message);
      worker.postMessage('next');
      yield m.batch;
    }
  } finally {
    await worker.terminate();
  }
}
