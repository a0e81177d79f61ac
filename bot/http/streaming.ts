// Streamed responses that fail as failures: the first chunks are produced before anything is sent, so a bad filter or
// a failing first query answers with the documented error body and status; a failure after that ends the chunked
// response without its last chunk (Fastify destroys the socket), which every HTTP client reports as an error instead
// of a complete file.
import { Readable } from 'node:stream';

/**
 * Pulls the first `ahead` chunks of `source` (running whatever queries produce them, and throwing their errors), then
 * returns a stream of all of it.
 */
export async function streamAfterFirst<T>(source: AsyncIterable<T>, ahead: number): Promise<Readable> {
  const iterator = source[Symbol.asyncIterator]();
  const first: T[] = [];
  let done = false;
  try {
    while (first.length < ahead) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      first.push(next.value);
    }
  } catch (e) {
    await iterator.return?.();
    throw e;
  }
  async function* all(): AsyncGenerator<T> {
    yield* first;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return Readable.from(all());
}
