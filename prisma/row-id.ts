// The ids of the rows Baton writes in SQL (messages, timers, conversations, guests, their audit rows): UUIDv7,
// time-ordered, as Prisma's `uuid(7)` default made them.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/** Random bytes drawn at once for this many ids: one call into the CSPRNG instead of one an id (~3 µs each here). */
const IDS_PER_DRAW = 256;
const pool = new Uint8Array(IDS_PER_DRAW * 16);
let next = pool.length;

/** The last id's millisecond and sequence (the `uuid` package's own rule, kept here for the ids drawn from the pool). */
let lastMsecs = -Infinity;
let seq = 0;

/**
 * A new row's id: a UUIDv7, laid out by the `uuid` package from random bytes drawn in blocks. Monotonic within the
 * process as the package's own v7 is: within one millisecond the sequence goes up by one (and the millisecond when it
 * wraps), so the rows of one step keep their order when their createdAt is the same millisecond (the history orders
 * by createdAt, then id); a new millisecond starts the sequence from random bits.
 */
export function newRowId(): string {
  if (next + 16 > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const random = pool.subarray(next, next + 16);
  next += 16;
  const now = Date.now();
  if (now > lastMsecs) {
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMsecs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMsecs++;
  }
  return v7({ random, msecs: lastMsecs, seq });
}
