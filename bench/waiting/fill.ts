// The database side of the waiting benchmark: copies of the conversations the real runtime handed over, the due
// times of the timers a phase measures, and their lateness read back from the timer rows.
import type { Database } from '../../prisma/index.ts';

/** The tables a handed-over conversation has rows in, in the order they are copied (parents first). */
const TABLES = ['Contact', 'Conversation', 'Message', 'DurableTimer', 'OutboxEffect'] as const;
type Table = (typeof TABLES)[number];

/** Keeps the rows of the handed-over conversations (and their contacts) as the template of the copies. */
export async function keepTemplate(db: Database): Promise<void> {
  await db.query(`CREATE TABLE bench_conversation AS SELECT * FROM "Conversation" WHERE status = 'waiting'`);
  await db.query(
    `CREATE TABLE bench_contact AS SELECT * FROM "Contact" WHERE id IN (SELECT "contactId" FROM bench_conversation)`,
  );
  for (const [t, name] of [
    ['Message', 'bench_message'],
    ['DurableTimer', 'bench_durabletimer'],
    ['OutboxEffect', 'bench_outboxeffect'],
  ] as const)
    await db.query(
      `CREATE TABLE ${name} AS SELECT * FROM "${t}" WHERE "conversationId" IN (SELECT id FROM bench_conversation)`,
    );
}

const template = (t: Table) => `bench_${t.toLowerCase()}`;
/** the k-th copy of a row's id: a uuid made from the id and k (so references between copied rows still meet) */
const copyOf = (column: string) => `md5(${column}::text || '/' || k)::uuid`;

async function columnsOf(db: Database, table: Table): Promise<string[]> {
  const rows = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
     ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

/** What each copied column becomes in the k-th copy (others are copied as they are; `seq` is left to its default). */
function expression(table: Table, column: string): string | null {
  const q = `"${column}"`;
  if (column === 'seq') return null;
  if (column === 'id' || column === 'conversationId' || (column === 'contactId' && table !== 'Message'))
    return copyOf(q);
  if (table === 'Conversation' && column === 'channelConversationId') return `${q} || '/' || k`;
  if (table === 'Conversation' && column === 'reference')
    return `jsonb_set(${q}::jsonb, '{conversation,id}', to_jsonb("channelConversationId" || '/' || k))`;
  if (table === 'Contact' && column === 'firstName') return `${q} || ' ' || k`;
  return q;
}

/**
 * Copies the template's conversations `copies` times, `perStatement` copies a statement: each copy a new contact and
 * conversation with the same messages, timers (armed, the same due times) and finished outbox effects.
 */
export async function copyConversations(
  db: Database,
  copies: number,
  onProgress: (done: number) => void,
  perStatement = 10,
): Promise<void> {
  const columns = new Map<Table, string[]>();
  for (const t of TABLES) columns.set(t, await columnsOf(db, t));
  for (let from = 1; from <= copies; from += perStatement) {
    const to = Math.min(copies, from + perStatement - 1);
    for (const t of TABLES) {
      const kept = columns.get(t)!.filter((c) => expression(t, c) !== null);
      await db.query(
        `INSERT INTO "${t}" (${kept.map((c) => `"${c}"`).join(', ')})
         SELECT ${kept.map((c) => expression(t, c)).join(', ')}
         FROM ${template(t)} CROSS JOIN generate_series(${from}, ${to}) AS k`,
      );
    }
    onProgress(to);
  }
  await db.query(`ANALYZE`);
}

/**
 * Sets the due times of `count` armed handover timers chosen at random: spread evenly over `windowMs` from `start`.
 * Returns the window's bounds.
 */
export async function armWindow(db: Database, count: number, start: Date, windowMs: number): Promise<[Date, Date]> {
  const step = windowMs / count;
  await db.query(
    `WITH chosen AS (
       SELECT id, row_number() OVER (ORDER BY random()) - 1 AS n FROM "DurableTimer"
       WHERE key LIKE 'handover:%' AND "firedAt" IS NULL AND "cancelledAt" IS NULL AND "dueAt" > $1
       ORDER BY random() LIMIT $2)
     UPDATE "DurableTimer" t SET "dueAt" = $1::timestamptz + make_interval(secs => chosen.n * $3::float8 / 1000)
     FROM chosen WHERE t.id = chosen.id`,
    [start.toISOString(), count, step],
  );
  return [start, new Date(start.getTime() + windowMs)];
}

export interface Fired {
  dueAt: Date;
  lateMs: number | null;
}

/** The handover timers due in [from, to]: when each was due and how late it fired (null: not fired). */
export async function timersDue(db: Database, from: Date, to: Date): Promise<Fired[]> {
  const rows = await db.query<{ due: Date; late: number | null }>(
    `SELECT "dueAt" AS due, (extract(epoch FROM "firedAt" - "dueAt") * 1000)::float8 AS late
     FROM "DurableTimer" WHERE key LIKE 'handover:%' AND "dueAt" BETWEEN $1 AND $2 AND "cancelledAt" IS NULL`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({ dueAt: new Date(r.due), lateMs: r.late === null ? null : Number(r.late) }));
}

export async function waitingCount(db: Database): Promise<number> {
  const [r] = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "Conversation" WHERE status IN ('waiting', 'capture', 'followup')`,
  );
  return Number(r?.n ?? 0);
}

export async function pendingTimers(db: Database): Promise<number> {
  const [r] = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "DurableTimer" WHERE "firedAt" IS NULL AND "cancelledAt" IS NULL`,
  );
  return Number(r?.n ?? 0);
}
