// The import's transactions on the raw driver: statements and COPY (the fastest way in on both databases), one
// transaction per batch, with the time spent per kind of statement when a caller asks.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as turn } from 'node:timers/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { pgTransaction, type Database } from '../../prisma/index.ts';

export type Query = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>;

/** A transaction on the raw driver: statements, and COPY for bulk inserts (the fastest way in on both databases). */
export interface Tx {
  query: Query;
  /** Copies rows already encoded as COPY text (copyText, or CopyBuffer's bytes); nothing when there are none. */
  copy(table: string, columns: readonly string[], text: CopyData): Promise<void>;
}

/** Time spent per kind of statement ("INSERT Contact" → ms), when a caller wants to see where a batch's time goes. */
export type StatementTimings = Map<string, number>;

/** Adds the time since `start` (performance.now()) to `label`. */
export const addTiming = (timings: StatementTimings | undefined, label: string, start: number) =>
  timings?.set(label, (timings.get(label) ?? 0) + performance.now() - start);

const statementLabel = (text: string) => {
  const m = /^\s*(\w+)\s+(?:INTO\s+|FROM\s+)?"?(\w+)"?/i.exec(text);
  return m ? `${m[1]!.toUpperCase()} ${m[2]}` : text.slice(0, 30);
};

function timed(tx: Tx, timings: StatementTimings | undefined): Tx {
  if (!timings) return tx;
  return {
    query: async <R extends Record<string, unknown>>(text: string, params?: unknown[]) => {
      const t = performance.now();
      try {
        return await tx.query<R>(text, params);
      } finally {
        addTiming(timings, statementLabel(text), t);
      }
    },
    copy: async (table, columns, text) => {
      const t = performance.now();
      try {
        await tx.copy(table, columns, text);
      } finally {
        addTiming(timings, `COPY ${table}`, t);
      }
    },
  };
}

/** A quoted SQL identifier. */
export const quoted = (c: string) => `"${c}"`;
const q = quoted;

/**
 * A text[] parameter written as PostgreSQL's array literal, in one string. The drivers' own conversion of a JS array
 * built it element by element (~0.8 KB of garbage a row for a batch's lookup); phones and emails rarely hold a
 * character that needs escaping.
 */
export function textArray(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  for (const v of values) {
    if (NEEDS_ESCAPE.test(v)) return `{${values.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  }
  return `{"${values.join('","')}"}`;
}
const NEEDS_ESCAPE = /["\\]/;

/** What Tx.copy takes: COPY text, as a string or as UTF-8 bytes. */
export type CopyData = string | Uint8Array<ArrayBuffer>;

const copySql = (table: string, columns: readonly string[]) =>
  `COPY ${q(table)} (${columns.map(q).join(', ')}) FROM STDIN`;

/**
 * The data of a PGlite `COPY … FROM '/dev/blob'`. PGlite reads a blob only through `arrayBuffer()` (and reads the whole
 * buffer): handed as such, the bytes are copied once, to a buffer of their exact length (or not at all when they fill
 * theirs), where a `Blob` copied them twice (into the Blob, then out of it) — ~40 MB less at the peak of a 100k import.
 * Relies on PGlite 0.5's handling of `blob`; every import test on PGlite goes through it.
 */
function copyBlob(text: CopyData): Blob {
  const exact =
    typeof text === 'string'
      ? new TextEncoder().encode(text).buffer
      : text.byteOffset === 0 && text.byteLength === text.buffer.byteLength
        ? text.buffer
        : new Uint8Array(text).buffer;
  return { arrayBuffer: () => Promise.resolve(exact) } as Pick<Blob, 'arrayBuffer'> as Blob;
}

/** Runs `fn` in one transaction on the raw driver (PGlite: its exclusive transaction; pg: one pooled client). */
export async function inTransaction<T>(
  db: Database,
  fn: (tx: Tx) => Promise<T>,
  timings?: StatementTimings,
): Promise<T> {
  const driver = db.driver;
  if (driver.kind === 'pglite') {
    // PGlite runs each statement on this thread and answers through promises alone, with no I/O: a chain of its
    // statements never lets the event loop turn. So the loop turns before each one: the server's timers, requests and
    // chats go on between them (their statements wait for this transaction). Without it a 100k-row import held the
    // loop for 11 s: the reader's batches arrive as worker messages, and the whole import ran inside one message event.
    return driver.pglite.transaction(async (t) =>
      fn(
        timed(
          {
            query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => {
              await turn();
              return (await t.query<R>(text, params)).rows;
            },
            copy: async (table, columns, text) => {
              if (text.length === 0) return;
              await turn();
              await t.query(copySql(table, columns).replace('STDIN', "'/dev/blob'"), [], { blob: copyBlob(text) });
            },
          },
          timings,
        ),
      ),
    );
  }
  return pgTransaction(driver.pool, (client) =>
    fn(
      timed(
        {
          query: async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
            (await client.query<R>(text, params)).rows,
          copy: async (table, columns, text) => {
            if (text.length === 0) return;
            const chunk = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
            await pipeline(Readable.from([chunk]), client.query(copyFrom(copySql(table, columns))));
          },
        },
        timings,
      ),
    ),
  );
}
