// Time-ordered ids (UUIDv7) for the rows an import writes: each index on an id grows at its right edge instead of
// at random pages, which keeps a million-row import's indexes in cache. Monotonic within the process (RFC 9562,
// method 1: a counter in rand_a/rand_b seeded from random bits each millisecond), laid out exactly as uuid's `v7`
// lays out the same time, counter and random bytes (a test compares them). Written here rather than through uuid's
// `v7()`, which made three typed arrays and an options object for every id (~870 bytes of garbage at three ids a
// row: a quarter of the main thread's allocation during an import); the random bytes come from a pool, because drawing
// 16 bytes from the OS for every id cost ~10 µs.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 16 * 4096;
let pool = new Uint8Array(0);
let at = POOL_BYTES;
let msecs = -Infinity;
let seq = 0;

/** Two ASCII hex digits for each byte value. */
const HEX = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  HEX[b * 2] = h.charCodeAt(0);
  HEX[b * 2 + 1] = h.charCodeAt(1);
}
/** Where each of the 16 bytes goes in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
const bytes = new Uint8Array(16);

/** The id of these 16 bytes, as text. */
export function formatId(b: Uint8Array): string {
  for (let i = 0; i < 16; i++) {
    text[AT[i]!] = HEX[b[i]! * 2]!;
    text[AT[i]! + 1] = HEX[b[i]! * 2 + 1]!;
  }
  return text.toString('latin1');
}

/** UUIDv7 bytes: 48 bits of milliseconds, version 7, a 31-bit counter across rand_a/rand_b, variant, 34 random bits. */
export function v7Layout(random: Uint8Array, r: number, ms: number, counter: number, out: Uint8Array): Uint8Array {
  out[0] = (ms / 0x10000000000) & 0xff;
  out[1] = (ms / 0x100000000) & 0xff;
  out[2] = (ms / 0x1000000) & 0xff;
  out[3] = (ms / 0x10000) & 0xff;
  out[4] = (ms / 0x100) & 0xff;
  out[5] = ms & 0xff;
  out[6] = 0x70 | ((counter >>> 28) & 0x0f);
  out[7] = (counter >>> 20) & 0xff;
  out[8] = 0x80 | ((counter >>> 14) & 0x3f);
  out[9] = (counter >>> 6) & 0xff;
  out[10] = ((counter << 2) & 0xff) | (random[r + 10]! & 0x03);
  for (let i = 11; i < 16; i++) out[i] = random[r + i]!;
  return out;
}

export function newId(): string {
  if (at + 16 > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_BYTES));
    at = 0;
  }
  const r = at;
  at += 16;
  const now = Date.now();
  if (now > msecs) {
    msecs = now;
    seq = ((pool[r + 6]! & 0x7f) << 24) | (pool[r + 7]! << 16) | (pool[r + 8]! << 8) | pool[r + 9]!;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) msecs++;
  }
  return formatId(v7Layout(pool, r, msecs, seq, bytes));
}
