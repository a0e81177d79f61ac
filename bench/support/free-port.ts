// A TCP port free on 127.0.0.1 now, for a server a benchmark starts (shared by the benchmarks; bench/index.ts lists
// only folders with an index.ts, so this one is not a benchmark).
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
