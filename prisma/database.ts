// One way in to the database, whichever it is: embedded PGlite or a PostgreSQL server.
import v8 from 'node:v8';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/client.ts';
import { allMigrationsApplied, applyMigrations, type MigrationDriver } from './migrations.ts';
import { lockDataDir } from './lock/index.ts';
import { openPGlite } from './pglite.ts';
import { pglitePreparedQuery, type PGliteScope } from './pglite-prepared.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/** The raw driver, for bulk paths where Prisma's client is the wrong tool (COPY, unnest). */
export type Driver = { kind: 'pglite'; pglite: PGlite } | { kind: 'postgres'; pool: pg.Pool };

export interface QueryOptions {
  /**
   * Parse and plan the statement once per connection (PostgreSQL: a named prepared statement, see preparedName): for
   * the hot statements of fixed shape whose best plan does not depend on their parameters (lookups and writes by key),
   * never for searches. Measured on the message path: parse and planning were ~60 % of PostgreSQL's CPU for a step's
   * statement (docs/performance.md). PGlite: a named statement too (prisma/pglite-prepared.ts), parsed once, then
   * one call into its WebAssembly PostgreSQL per run instead of six.
   */
  prepare?: boolean;
}

/** SQL on the raw driver, one statement at a time: the database itself, or one transaction's connection. */
export interface Sql {
  /** Runs one SQL statement and returns its rows. */
  query<R extends Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<R[]>;
}

/** Distinct statement texts that get a prepared statement at most: every connection prepares at most this many. */
export const MAX_PREPARED = 200;
const preparedNames = new Map<string, string>();

/**
 * The name of `text`'s prepared statement: one per distinct text in this process, so a name always means the same
 * text on every connection (`pg` parses it on a connection the first time it runs there, and again on a connection
 * that replaced a lost one). Undefined once MAX_PREPARED texts have names: the statement then runs unnamed.
 */
export function preparedName(text: string): string | undefined {
  const known = preparedNames.get(text);
  if (known !== undefined || preparedNames.size >= MAX_PREPARED) return known;
  const name = `baton_${preparedNames.size + 1}`;
  preparedNames.set(text, name);
  return name;
}

/** `pg`'s query config for a statement: named when asked to be prepared and a name is left. */
function pgQuery(text: string, values: unknown[], options: QueryOptions | undefined): pg.QueryConfig {
  const name = options?.prepare ? preparedName(text) : undefined;
  return name === undefined ? { text, values } : { name, text, values };
}

export interface Database extends Sql {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  readonly driver: Driver;
  /**
   * Runs `fn` in a transaction on the raw driver (BEGIN … COMMIT; ROLLBACK when it throws): for the hot paths, where
   * a Prisma interactive transaction costs more CPU than the statements in it. PostgreSQL: one pooled connection;
   * PGlite: its own transaction, which waits for any other (Prisma's included).
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… selects a PostgreSQL server; otherwise the embedded PGlite under dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * Told when PostgreSQL closes an idle pooled connection (a server restart, an administrator). The pool drops
   * that connection and the next query opens a new one; the process goes on.
   */
  onConnectionLost?: (err: Error) => void;
  /**
   * For a long-running process on the embedded database (the server): V8 compiles WebAssembly — PGlite's PostgreSQL
   * and Prisma's query compiler — with its optimising compiler only, skipping its baseline one (`--no-liftoff`, set
   * for the whole process). Measured here: the server's RSS 257–259 → 229–231 MB and a 1M-row import's peak
   * 311 → 285 MB, at a start ~2 s slower (1.8–2.1 → 4.1–4.2 s to /healthz). Not worth it for one-shot commands, nor on
   * PostgreSQL (no saving measured there, ~0.5 s slower).
   */
  optimizedWasmOnly?: boolean;
  /**
   * On the embedded database, who takes the data directory's lock (prisma/lock): "server", or the CLI command. A
   * directory another live process holds is refused with DataDirLockedError; the lock is released by close().
   */
  lockOwner?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // Without a listener, an idle connection's error event would end the process.
    pool.on('error', (err) => options.onConnectionLost?.(err));
    await pool.query('select 1');
    return build('postgres', { kind: 'postgres', pool }, new PrismaPg(pool), async () => {
      await pool.end();
    });
  }
  if (options.optimizedWasmOnly) v8.setFlagsFromString('--no-liftoff');
  const lock = lockDataDir(options.dataDir, options.lockOwner ?? 'a Baton command');
  try {
    const pglite = await openPGlite(options.dataDir);
    return fromPGlite(pglite, () => lock.release());
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Wraps an already open PGlite (tests use in-memory ones). */
export function fromPGlite(pglite: PGlite, onClosed?: () => void): Database {
  return build('pglite', { kind: 'pglite', pglite }, new PrismaPGlite(pglite), async () => {
    if (!pglite.closed) await pglite.close();
    onClosed?.();
  });
}

/** Runs migrations' SQL on a database's raw driver (applyMigrations). */
export function migrationDriver({ driver, query }: Pick<Database, 'driver' | 'query'>): MigrationDriver {
  if (driver.kind === 'pglite') {
    return {
      query,
      transaction: (fn) =>
        driver.pglite.transaction((t) =>
          fn({
            query: async <R extends Record<string, unknown>>(text: string, params?: unknown[]) =>
              (await t.query<R>(text, params)).rows,
            exec: async (sql) => void (await t.exec(sql)),
          }),
        ),
    };
  }
  return {
    query,
    transaction: (fn) =>
      pgTransaction(driver.pool, (client) =>
        fn({
          query: async <R extends Record<string, unknown>>(text: string, params?: unknown[]) =>
            (await client.query<R>(text, params)).rows,
          // A query without parameters may hold several statements (the simple query protocol).
          exec: async (sql) => void (await client.query(sql)),
        }),
      ),
  };
}

/** Runs `fn` on one pooled client between BEGIN and COMMIT (ROLLBACK when it throws). */
export async function pgTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // a connection whose ROLLBACK failed is broken: closed, not given back to the pool
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch((err: unknown) => {
      broken = err instanceof Error ? err : new Error(String(err));
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/** A statement on PGlite, on the database or in one of its transactions: prepared when asked (preparedName). */
async function pgliteQuery<R extends Record<string, unknown>>(
  scope: PGliteScope & { transaction?: Transaction | undefined },
  text: string,
  params: unknown[],
  options: QueryOptions | undefined,
): Promise<R[]> {
  const name = options?.prepare ? preparedName(text) : undefined;
  if (name !== undefined) return pglitePreparedQuery<R>(scope, name, text, params);
  return (await (scope.transaction ?? scope.pglite).query<R>(text, params)).rows;
}

function build(
  kind: DatabaseKind,
  driver: Driver,
  adapter: SqlMigrationAwareDriverAdapterFactory,
  closeDriver: () => Promise<void>,
): Database {
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  const query = async <R extends Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
    options?: QueryOptions,
  ) => {
    if (driver.kind === 'pglite') return pgliteQuery<R>({ pglite: driver.pglite }, text, params, options);
    return (await driver.pool.query<R>(pgQuery(text, params, options))).rows;
  };
  const transaction = <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
    if (driver.kind === 'pglite')
      return driver.pglite.transaction((t) =>
        fn({
          query: <R extends Record<string, unknown>>(text: string, params: unknown[] = [], options?: QueryOptions) =>
            pgliteQuery<R>({ pglite: driver.pglite, transaction: t }, text, params, options),
        }),
      );
    return pgTransaction(driver.pool, (client) =>
      fn({
        query: async <R extends Record<string, unknown>>(
          text: string,
          params: unknown[] = [],
          options?: QueryOptions,
        ) => (await client.query<R>(pgQuery(text, params, options))).rows,
      }),
    );
  };
  return {
    kind,
    prisma,
    driver,
    query,
    transaction,
    migrate: async () =>
      (await allMigrationsApplied(query)) ? [] : applyMigrations(migrationDriver({ driver, query })),
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}
