// Vacuum and analyze for the embedded database. PGlite runs PostgreSQL in single-user mode, which has no autovacuum:
// without this, the rows that updates and deletes leave dead (a conversation's every step, an effect's done mark, a
// timer moved) would stay in the tables and their indexes for the life of the data directory, the planner's
// statistics would stay those of the last import, and the transaction ids would never be frozen. Baton does what
// autovacuum does on a server, with its default thresholds, on its own schedule. A PostgreSQL server vacuums itself
// (and Baton's searches do not rely on it: an import ends with ANALYZE, docs/performance.md).
import type { Database } from './database.ts';

/** What PostgreSQL's statistics say of one table (pg_stat_user_tables, pg_class). */
export interface TableStats {
  table: string;
  live: number;
  dead: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
  /** age(relfrozenxid): transactions since the table's rows were last frozen */
  xidAge: number;
}

export type Maintenance = { table: string; vacuum: boolean; freeze: boolean; analyze: boolean };

/** autovacuum's defaults (PostgreSQL 18): autovacuum_vacuum_threshold, _scale_factor, and the rest */
export const THRESHOLDS = {
  vacuum: { base: 50, scale: 0.2 },
  vacuumInsert: { base: 1000, scale: 0.2 },
  analyze: { base: 50, scale: 0.1 },
  /** below autovacuum_freeze_max_age (200 M), as a server's anti-wraparound vacuum comes before it */
  freezeAge: 150_000_000,
};

/** What a table needs, by autovacuum's rules; null when nothing. Pure. */
export function maintenanceFor(s: TableStats): Maintenance | null {
  const t = THRESHOLDS;
  const freeze = s.xidAge > t.freezeAge;
  const vacuum =
    freeze ||
    s.dead > t.vacuum.base + t.vacuum.scale * s.live ||
    s.insertedSinceVacuum > t.vacuumInsert.base + t.vacuumInsert.scale * s.live;
  const analyze = s.modifiedSinceAnalyze > t.analyze.base + t.analyze.scale * s.live;
  return vacuum || analyze ? { table: s.table, vacuum, freeze, analyze } : null;
}

/** The statement for it, the table's name quoted. */
export function maintenanceStatement(m: Maintenance): string {
  const table = `"${m.table.replaceAll('"', '""')}"`;
  if (!m.vacuum) return `ANALYZE ${table}`;
  const options = [...(m.freeze ? ['FREEZE'] : []), ...(m.analyze ? ['ANALYZE'] : [])];
  return `VACUUM ${options.length ? `(${options.join(', ')}) ` : ''}${table}`;
}

export interface VacuumPass {
  done: { table: string; statement: string; ms: number }[];
}

/** One pass over Baton's tables: each that needs it vacuumed and/or analyzed, one statement at a time. */
export async function vacuumPass(db: Database): Promise<VacuumPass> {
  const rows = await db.query<{
    table: string;
    live: string | number;
    dead: string | number;
    inserted: string | number;
    modified: string | number;
    xid_age: string | number;
  }>(
    `SELECT s.relname AS table, s.n_live_tup AS live, s.n_dead_tup AS dead, s.n_ins_since_vacuum AS inserted,
       s.n_mod_since_analyze AS modified, age(c.relfrozenxid) AS xid_age
     FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE s.schemaname = current_schema()
     ORDER BY s.relname`,
  );
  const done: VacuumPass['done'] = [];
  for (const r of rows) {
    const m = maintenanceFor({
      table: r.table,
      live: Number(r.live),
      dead: Number(r.dead),
      insertedSinceVacuum: Number(r.inserted),
      modifiedSinceAnalyze: Number(r.modified),
      xidAge: Number(r.xid_age),
    });
    if (!m) continue;
    const statement = maintenanceStatement(m);
    const t0 = performance.now();
    await db.query(statement);
    done.push({ table: m.table, statement, ms: Math.round(performance.now() - t0) });
  }
  return { done };
}

export interface Vacuumer {
  /** Runs a pass now (or joins the one going). */
  run(): Promise<VacuumPass>;
  stop(): Promise<void>;
}

/**
 * Passes every `intervalMs` (default 10 minutes), the first one `intervalMs` after the start: a pass holds the
 * embedded database's one connection while a table is vacuumed (the messages wait; milliseconds for tables of a
 * few thousand rows, measured in docs/performance.md). Errors go to `onError`; the next pass tries again.
 */
export function startVacuumer(
  db: Database,
  opts: { intervalMs?: number; onPass?: (p: VacuumPass) => void; onError?: (e: unknown) => void } = {},
): Vacuumer {
  let running: Promise<VacuumPass> | undefined;
  const run = () =>
    (running ??= vacuumPass(db)
      .then((p) => {
        opts.onPass?.(p);
        return p;
      })
      .finally(() => {
        running = undefined;
      }));
  const interval = setInterval(
    () =>
      void run().catch((e: unknown) => {
        opts.onError?.(e);
      }),
    opts.intervalMs ?? 10 * 60_000,
  );
  interval.unref();
  return {
    run,
    async stop() {
      clearInterval(interval);
      await running?.catch(() => {});
    },
  };
}
