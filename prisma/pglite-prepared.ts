// Named prepared statements on the embedded PGlite: parsed and planned once, then one call into PostgreSQL per run.
//
// PGlite's own `query(text, params)` sends six messages, each its own call into the WebAssembly PostgreSQL: Parse
// (unnamed, so parsed and planned every time), Describe S, Bind, Describe P, Execute, Sync. Here a statement is parsed
// once under its name (Parse + Describe S + Sync: its parameter types and the description of its rows, kept), and each
// run is Bind + Execute + Sync in one buffer, one call. Rows are parsed with the same parsers and serializers as
// `query`, the same locks are held, and errors are the same DatabaseError with the same fields.
import { messages, parse, protocol, type PGlite } from '@electric-sql/pglite';

interface Statement {
  /** The parameters' type oids, as PostgreSQL inferred them (Describe S). */
  paramTypes: number[];
  /** The rows' description (Describe S); undefined for a statement without rows. */
  rowDescription: messages.BackendMessage | undefined;
}

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
    return pglite._runExclusiveQuery(() => run<R>(pglite, name, text, params, true));
  }
  await pglite._checkReady();
  return pglite._runExclusiveTransaction(() =>
    pglite._runExclusiveQuery(() => run<R>(pglite, name, text, params, false)),
  );
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
  inTransaction: boolean,
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
      statement = {
        paramTypes: parse.parseDescribeStatementResults(described),
        rowDescription: described.find((m) => m.name === 'rowDescription'),
      };
      statements.set(name, statement);
    }
    const types = statement.paramTypes;
    // as PGlite's query serialises its parameters
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = pglite.serializers[types[i]!];
      return serializer ? serializer(value) : String(value);
    });
    // one call: Bind, Execute, Sync (after an error PostgreSQL skips to the Sync and is ready again)
    const results = await pglite.execProtocolStream(
      concat([
        protocol.serialize.bind({ statement: name, values }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]),
      // outside a transaction PGlite's query writes its files out after each statement
      { syncToFs: !inTransaction },
    );
    const all = statement.rowDescription === undefined ? results : [statement.rowDescription, ...results];
    return parse.parseResults(all, pglite.parsers)[0]!.rows as R[];
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
