// Named prepared statements on the embedded PGlite: parsed and planned once, then one call into PostgreSQL per run.
//
// PGlite's own `query(text, params)` sends six messages, each its own call into the WebAssembly PostgreSQL: Parse
// (unnamed, so parsed and planned every time), Describe S, Bind, Describe P, Execute, Sync. Here a statement is parsed
// once under its name (Parse + Describe S + Sync: its parameter types and the description of its rows, kept), and each
// run is Bind + Execute + Sync in one buffer, one call. Rows are parsed with the same parsers and serializers as
// `query`, the same locks are held, and errors are the same DatabaseError with the same fields.
//
// The JavaScript around each run is kept small (measured: `select $1::int` cost ~130 µs of CPU a call, about half of
// it PGlite's JavaScript): the Execute + Sync bytes are built once, each row is built straight from the statement's
// column names and types (what PGlite's parseResults does with a forEach, a map and Object.fromEntries per row), and
// no file-system sync is asked for (see run).
import { messages, parse, protocol, types, type PGlite } from '@electric-sql/pglite';

interface Statement {
  /** The parameters' type oids, as PostgreSQL inferred them (Describe S). */
  paramTypes: number[];
  /** The rows' column names and type oids (Describe S); empty for a statement without rows. */
  names: string[];
  typeIds: number[];
}

/** Execute (the unnamed portal, all rows) then Sync: the same bytes for every run. */
const EXECUTE_SYNC = concat([protocol.serialize.execute({}), protocol.serialize.sync()]);

/** Each PGlite's prepared statements, by name. PostgreSQL keeps a named statement until the session ends. */
const prepared = new WeakMap<PGlite, Map<string, Statement>>();

/** Where a prepared statement runs: on the database (waits for any transaction), or inside one of its transactions. */
export type PGliteScope =
  { pglite: PGlite; transaction?: undefined } | { pglite: PGlite; transaction: { closed: boolean } };

/**
 * Runs `text` as the named prepared statement `name` (one name per text, see preparedName) and returns its rows:
 * the same rows as `pglite.query(text, params).rows`.
 */
export async function pglitePreparedQuery<R extends Record<string, unknown>>(
  scope: PGliteScope,
  name: string,
  text: string,
  params: unknown[],
): Promise<R[]> {
  const { pglite, transaction } = scope;
  if (transaction !== undefined) {
    if (transaction.closed) throw new Error('Transaction is closed');
    // the transaction's lock is held by its caller: take the query lock only, as its own `tx.query` does
    return pglite._runExclusiveQuery(() => run<R>(pglite, name, text, params));
  }
  await pglite._checkReady();
  return pglite._runExclusiveTransaction(() => pglite._runExclusiveQuery(() => run<R>(pglite, name, text, params)));
}

/** How many named statements PGlite holds for this process (tests). */
export function pglitePreparedCount(pglite: PGlite): number {
  return prepared.get(pglite)?.size ?? 0;
}

async function run<R extends Record<string, unknown>>(
  pglite: PGlite,
  name: string,
  text: string,
  params: unknown[],
): Promise<R[]> {
  let statements = prepared.get(pglite);
  if (statements === undefined) {
    statements = new Map();
    prepared.set(pglite, statements);
  }
  try {
    let statement = statements.get(name);
    if (statement === undefined) {
      const described = await pglite.execProtocolStream(
        concat([
          protocol.serialize.parse({ name, text }),
          protocol.serialize.describe({ type: 'S', name }),
          protocol.serialize.sync(),
        ]),
        { syncToFs: false },
      );
      const rowDescription = described.find((m): m is messages.RowDescriptionMessage => m.name === 'rowDescription');
      statement = {
        paramTypes: parse.parseDescribeStatementResults(described),
        names: rowDescription?.fields.map((f) => f.name) ?? [],
        typeIds: rowDescription?.fields.map((f) => f.dataTypeID) ?? [],
      };
      statements.set(name, statement);
    }
    const { paramTypes } = statement;
    // as PGlite's query serialises its parameters
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[paramTypes[i]!];
      return serializer ? serializer(value) : String(value);
    });
    // one call: Bind, Execute, Sync (after an error PostgreSQL skips to the Sync and is ready again)
    const results = await pglite.execProtocolStream(
      concat([protocol.serialize.bind({ statement: name, values }), EXECUTE_SYNC]),
      {
        // PGlite's syncToFs copies an in-memory file system out to its store (the browser's IndexedDB or OPFS). Baton's
        // PGlites run on the real disk (NODEFS, prisma/pglite.ts) or in memory (tests), where it does nothing: each
        // write of PostgreSQL's is a write() to the file at once (docs/performance.md). Skipping it saves a lock.
        syncToFs: false,
      },
    );
    const { names, typeIds } = statement;
    const { parsers } = pglite;
    const rows: R[] = [];
    for (const m of results) {
      if (m.name !== 'dataRow') continue;
      const fields = (m as messages.DataRowMessage).fields;
      // as parseResults builds a row (Object.fromEntries: a later column of the same name wins)
      const row: Record<string, unknown> = {};
      for (let i = 0; i < fields.length; i++) {
        const value = types.parseType(fields[i] ?? null, typeIds[i]!, parsers);
        if (names[i] === '__proto__')
          Object.defineProperty(row, '__proto__', { value, enumerable: true, writable: true, configurable: true });
        else row[names[i]!] = value;
      }
      rows.push(row as R);
    }
    return rows;
  } catch (e) {
    if (e instanceof messages.DatabaseError) {
      // the statement is gone (a DEALLOCATE): parse it again next time
      if (e.code === '26000') statements.delete(name);
      // the fields PGlite's query adds to its errors
      Object.assign(e, { query: text, params, queryOptions: undefined });
    }
    throw e;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
