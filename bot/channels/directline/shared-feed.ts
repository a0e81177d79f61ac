// The Direct Line feeds in PostgreSQL, shared by every instance on the database: a visitor's token, posts, polls and
// WebSocket may each reach a different instance and still see one feed.
//
// - An activity is appended in one statement that bumps the conversation's counter (its row lock orders the
//   activities, so a watermark is never committed before a smaller one), stores the activity under that watermark,
//   and NOTIFYs `baton_directline` with "<conversation> <watermark>" (sent at commit).
// - Each instance LISTENs on its own connection. An open WebSocket remembers the watermark it has sent; on a
//   notification for its conversation (or an append on this instance) it reads what follows from the database.
//   Reading by watermark, not trusting the payload, means nothing is skipped or sent twice, and a lost connection
//   costs nothing: on reconnect every stream reads again.
import type { Activity } from 'botbuilder';
import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../../prisma/index.ts';
import type { FeedBatch, FeedConversationInfo, FeedStore } from './feed-store.ts';

export const DIRECT_LINE_CHANNEL = 'baton_directline';

export interface SharedFeedOptions {
  /** activities a poll or a stream replays at most (older ones drop out; default 500) */
  maxActivities?: number;
  /** conversations idle for longer are deleted (default 24 h) */
  idleMs?: number;
  /** how long to wait before listening again after the connection was lost (default 1 s) */
  reconnectMs?: number;
}

interface Stream {
  /** the watermark of the last activity sent, -1 for none */
  sent: number;
  listener: (batch: FeedBatch) => void;
  reading: Promise<void> | null;
  again: boolean;
  closed: boolean;
}

const notification = z.string().regex(/^(\S+) (\d+)$/);
const activityRow = z.object({ activity: z.record(z.string(), z.unknown()).nullable(), appended: z.number() });

const watermarkOf = (w: string | undefined) => (w && /^\d+$/.test(w) ? Number(w) : -1);

export class SharedFeedStore implements FeedStore {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly maxActivities: number;
  private readonly idleMs: number;
  private client: pg.PoolClient | null = null;
  private stopped = false;
  private reconnect: NodeJS.Timeout | undefined;
  private lastSweep = 0;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly options: SharedFeedOptions = {},
  ) {
    if (db.driver.kind !== 'postgres') throw new Error('the shared Direct Line feed needs PostgreSQL');
    this.maxActivities = options.maxActivities ?? 500;
    this.idleMs = options.idleMs ?? 24 * 3600_000;
  }

  async create(businessId: string, userId: string): Promise<FeedConversationInfo> {
    this.sweep();
    const id = crypto.randomUUID();
    await this.db.query('INSERT INTO "DirectLineConversation" (id, "businessId", "userId") VALUES ($1, $2, $3)', [
      id,
      businessId,
      userId,
    ]);
    return { id, businessId, userId };
  }

  async restore(id: string, businessId: string, userId: string): Promise<FeedConversationInfo> {
    // The token's claims are the truth; the row only has to exist (recreated empty after an idle sweep).
    await this.db.query(
      'INSERT INTO "DirectLineConversation" (id, "businessId", "userId") VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [id, businessId, userId],
    );
    return { id, businessId, userId };
  }

  async find(id: string): Promise<FeedConversationInfo | undefined> {
    const rows = await this.db.query<{ id: string; businessId: string; userId: string }>(
      'SELECT id, "businessId"::text AS "businessId", "userId" FROM "DirectLineConversation" WHERE id = $1',
      [id],
    );
    const row = rows[0];
    return row ? { id: row.id, businessId: row.businessId, userId: row.userId } : undefined;
  }

  async append(id: string, activity: Partial<Activity>): Promise<string | undefined> {
    const stored = { ...activity, timestamp: activity.timestamp ?? new Date() };
    const rows = await this.db.query<{ watermark: number; id: string }>(
      `WITH c AS (
         UPDATE "DirectLineConversation" SET appended = appended + 1, "lastUsedAt" = now()
         WHERE id = $1 RETURNING appended - 1 AS wm),
       a AS (
         INSERT INTO "DirectLineActivity" ("conversationId", watermark, activity)
         SELECT $1, wm, CASE WHEN $2::jsonb ? 'id' THEN $2::jsonb
                        ELSE jsonb_set($2::jsonb, '{id}', to_jsonb($1 || '|' || lpad(wm::text, 7, '0'))) END
         FROM c RETURNING watermark, activity->>'id' AS id)
       SELECT watermark, id, pg_notify('${DIRECT_LINE_CHANNEL}', $1 || ' ' || watermark) FROM a`,
      [id, JSON.stringify(stored)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.watermark > 0 && row.watermark % 100 === 0) void this.prune(id, row.watermark);
    this.wake(id, row.watermark); // this instance's streams need not wait for the notification
    return row.id;
  }

  async since(id: string, watermark: string | undefined): Promise<FeedBatch> {
    const after = watermarkOf(watermark);
    const rows = (
      await this.db.query(
        `SELECT a.activity, c.appended FROM "DirectLineConversation" c
         LEFT JOIN "DirectLineActivity" a
           ON a."conversationId" = c.id AND a.watermark > $2 AND a.watermark >= c.appended - $3
         WHERE c.id = $1 ORDER BY a.watermark`,
        [id, after, this.maxActivities],
      )
    ).map((r) => activityRow.parse(r));
    const first = rows[0];
    if (!first) return { activities: [], watermark: watermark ?? '' };
    return {
      activities: rows.flatMap((r) => (r.activity ? [r.activity as Partial<Activity>] : [])),
      watermark: first.appended > 0 ? String(first.appended - 1) : '',
    };
  }

  listen(id: string, watermark: string | undefined, listener: (batch: FeedBatch) => void): () => void {
    const stream: Stream = { sent: watermarkOf(watermark), listener, reading: null, again: false, closed: false };
    let set = this.streams.get(id);
    if (!set) this.streams.set(id, (set = new Set()));
    set.add(stream);
    this.read(id, stream);
    return () => {
      stream.closed = true;
      set.delete(stream);
      if (set.size === 0 && this.streams.get(id) === set) this.streams.delete(id);
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    this.streams.clear();
    const client = this.client;
    this.client = null;
    if (!client) return;
    try {
      await client.query(`UNLISTEN ${DIRECT_LINE_CHANNEL}`);
      client.release();
    } catch (e) {
      client.release(e as Error);
    }
  }

  private async connect(): Promise<void> {
    if (this.db.driver.kind !== 'postgres') return;
    const client = await this.db.driver.pool.connect();
    client.on('notification', (n) => {
      if (n.channel !== DIRECT_LINE_CHANNEL) return;
      const m = notification.safeParse(n.payload);
      if (!m.success) return;
      const at = m.data.lastIndexOf(' ');
      this.wake(m.data.slice(0, at), Number(m.data.slice(at + 1)));
    });
    client.on('error', (err) => {
      if (this.client !== client) return;
      this.client = null;
      client.release(err);
      this.logger.warn({ err }, 'the webchat feed lost its LISTEN connection: listening again shortly');
      this.scheduleReconnect();
    });
    try {
      await client.query(`LISTEN ${DIRECT_LINE_CHANNEL}`);
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
    this.client = client;
    // what was appended while nobody listened
    for (const id of this.streams.keys()) this.wake(id);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.reconnect = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.logger.warn({ err }, 'listening for webchat activities failed: trying again');
        this.scheduleReconnect();
      });
    }, this.options.reconnectMs ?? 1000);
    this.reconnect.unref();
  }

  /**
   * New activities in a conversation (up to `watermark`, when known): every stream of it here that has not sent
   * that far reads what follows its watermark. (An append here wakes its streams twice: at once, then by its own
   * notification, which then finds them up to date.)
   */
  private wake(id: string, watermark?: number): void {
    for (const stream of this.streams.get(id) ?? [])
      if (watermark === undefined || stream.sent < watermark) this.read(id, stream);
  }

  /** One read at a time per stream; a wake during a read reads again after it. */
  private read(id: string, stream: Stream): void {
    if (stream.reading) {
      stream.again = true;
      return;
    }
    stream.again = false;
    stream.reading = this.since(id, String(stream.sent))
      .then((batch) => {
        if (stream.closed || batch.activities.length === 0) return;
        stream.sent = watermarkOf(batch.watermark);
        stream.listener(batch);
      })
      .catch((err: unknown) => this.logger.warn({ err, conversation: id }, 'reading a webchat feed failed'))
      .finally(() => {
        stream.reading = null;
        if (stream.again && !stream.closed) this.read(id, stream);
      });
  }

  private async prune(id: string, watermark: number): Promise<void> {
    await this.db
      .query('DELETE FROM "DirectLineActivity" WHERE "conversationId" = $1 AND watermark < $2', [
        id,
        watermark - this.maxActivities,
      ])
      .catch((err: unknown) => this.logger.debug({ err }, 'pruning a webchat feed failed'));
  }

  /** Deletes conversations idle for longer than `idleMs` (their activities with them), at most once a minute. */
  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    void this.db
      .query(`DELETE FROM "DirectLineConversation" WHERE "lastUsedAt" < now() - make_interval(secs => $1)`, [
        this.idleMs / 1000,
      ])
      .catch((err: unknown) => this.logger.debug({ err }, 'sweeping idle webchat conversations failed'));
  }
}
