// Natural batching: calls that arrive while a batch is in flight wait for it, then go out together as the next one.
// No timer: at low load every call is sent at once, alone; the busier it is, the bigger the batches.

export interface NaturalBatch<I, O> {
  /** Queues `item`; resolves with its own result once the batch that carried it returned, rejects if it failed. */
  add(item: I): Promise<O>;
  /** Batches sent so far. */
  readonly batches: number;
}

/**
 * `send` carries a batch of items out (one statement) and returns one result per item, in their order. One batch is in
 * flight at a time, of at most `maxItems`. A batch that throws rejects every caller in it, and the next batch still goes.
 */
export function naturalBatch<I, O>(send: (items: I[]) => Promise<O[]>, maxItems = 1000): NaturalBatch<I, O> {
  type Waiting = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Waiting[] = [];
  let inFlight = false;
  let batches = 0;

  const flush = () => {
    if (inFlight || queue.length === 0) return;
    const batch = queue.length <= maxItems ? queue : queue.slice(0, maxItems);
    queue = queue.length <= maxItems ? [] : queue.slice(maxItems);
    inFlight = true;
    batches++;
    let sent: Promise<O[]>;
    try {
      sent = send(batch.map((w) => w.item));
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent
      .then((results) => {
        if (results.length !== batch.length)
          throw new Error(`a batch of ${batch.length} returned ${results.length} results`);
        batch.forEach((w, i) => w.resolve(results[i]!));
      })
      .catch((e: unknown) => {
        for (const w of batch) w.reject(e);
      })
      .finally(() => {
        inFlight = false;
        flush();
      });
  };

  return {
    add: (item) =>
      new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        flush();
      }),
    get batches() {
      return batches;
    },
  };
}
