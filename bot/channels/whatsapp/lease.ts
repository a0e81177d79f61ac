// WhatsApp runs on exactly one instance (one linked device, one browser session): the one holding the channel's lease
// row in the database (ChannelLease). The holder renews it every `renewMs`; an instance that sees it expired (the
// holder died), or held by a process of this host that no longer runs, takes it over and starts its own client.
// Clocks: the expiry is computed and compared by the database (`now()`), never by the instances. A holder that
// cannot renew gives the channel up locally once its own, conservative, deadline passes, so two clients never run.
// On the embedded database there is one instance: it holds the lease without a row.
import type { Logger } from 'pino';
import type { Database } from '../../../prisma/index.ts';

export interface ChannelLeaseOptions {
  /** null: no database shared with other instances (tests of the channels alone): held at once */
  db: Database | null;
  /** the leased channel, e.g. "whatsapp" */
  channel: string;
  /** this instance (host:pid) */
  holder: string;
  /** how long a lease lasts unrenewed (default 20 s): with renewals every ttl/3, a dead holder is replaced within ~27 s */
  ttlMs?: number;
  /** a holder known to be gone (a process of this host that no longer runs): taken over without waiting for expiry */
  isGone?: (holder: string) => boolean;
  logger: Logger;
  /** this instance now holds the lease: start the channel */
  onAcquired: () => void;
  /** this instance no longer holds it (taken over, or not renewed in time): stop the channel at once */
  onLost: () => void;
  /** the channel's state, stored with each renewal for the other instances to show (JSON) */
  report?: () => unknown;
}

export interface ChannelLeaseState {
  /** this instance holds the lease */
  held: boolean;
  /** the instance holding it, when known */
  holder: string | null;
  /** what the holder last reported (`report`), read by the others; null when held here or unknown */
  reported: unknown;
}

export const DEFAULT_LEASE_TTL_MS = 20_000;

export class ChannelLease {
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private ticking: Promise<void> | null = null;
  private state: ChannelLeaseState = { held: false, holder: null, reported: null };
  /** when this instance must consider the lease lost if not renewed (local monotonic clock, ms) */
  private heldUntil = 0;

  constructor(private readonly options: ChannelLeaseOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  status(): ChannelLeaseState {
    return { ...this.state };
  }

  /** Tries to take the lease now, then renews (or tries again) every ttl/3. */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (!this.options.db || this.options.db.kind === 'pglite') {
      this.acquired(); // one instance per embedded database: nothing to share
      return;
    }
    const loop = () => {
      if (!this.running) return;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        if (!this.running) return;
        this.timer = setTimeout(loop, Math.max(200, Math.floor(this.ttlMs / 3)));
        this.timer.unref();
      });
    };
    loop();
  }

  /**
   * Stops renewing, runs `beforeRelease` (stop the channel: it must not run once the lease is given back), and gives
   * the lease back, so another instance takes over at its next try.
   */
  async stop(beforeRelease?: () => Promise<void>): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.ticking;
    await beforeRelease?.();
    this.state = { held: false, holder: null, reported: null };
    const { db } = this.options;
    if (!db || db.kind === 'pglite') return;
    // also when a last try took the row as this instance stopped: a row of ours is never left to expire
    await db
      .query('DELETE FROM "ChannelLease" WHERE channel = $1 AND holder = $2', [
        this.options.channel,
        this.options.holder,
      ])
      .catch((err: unknown) => this.options.logger.warn({ err }, 'giving the lease back failed: it will expire'));
  }

  /** One attempt to take or renew the lease. */
  async tick(): Promise<void> {
    const { db, channel, holder, isGone } = this.options;
    if (!db) return;
    const startedAt = performance.now();
    const known = this.state.holder;
    const gone = known && known !== holder && isGone?.(known) ? [known] : [];
    try {
      const rows = await db.query<{ holder: string }>(
        `INSERT INTO "ChannelLease" (channel, holder, "expiresAt", status)
         VALUES ($1, $2, now() + make_interval(secs => $3), $5::jsonb)
         ON CONFLICT (channel) DO UPDATE SET holder = EXCLUDED.holder, "expiresAt" = EXCLUDED."expiresAt",
           status = EXCLUDED.status,
           "acquiredAt" = CASE WHEN "ChannelLease".holder = EXCLUDED.holder THEN "ChannelLease"."acquiredAt" ELSE now() END
         WHERE "ChannelLease".holder = EXCLUDED.holder OR "ChannelLease"."expiresAt" < now()
           OR "ChannelLease".holder = ANY($4::text[])
         RETURNING holder`,
        [channel, holder, this.ttlMs / 1000, gone, JSON.stringify(this.options.report?.() ?? null)],
      );
      if (!this.running) return;
      if (rows.length === 1) {
        this.heldUntil = startedAt + this.ttlMs;
        if (!this.state.held) this.acquired(known);
        return;
      }
      const current = await db.query<{ holder: string; status: unknown }>(
        'SELECT holder, status FROM "ChannelLease" WHERE channel = $1',
        [channel],
      );
      const other = current[0]?.holder ?? null;
      if (this.state.held) this.lost(`taken over by ${other ?? 'another instance'}`);
      this.state = { held: false, holder: other, reported: current[0]?.status ?? null };
    } catch (err) {
      this.options.logger.warn({ err, channel }, 'the channel lease could not be renewed or taken');
      // not renewed: past our own deadline another instance may already hold it
      if (this.state.held && performance.now() > this.heldUntil - Math.floor(this.ttlMs / 6)) {
        this.lost('not renewed in time');
        this.state = { held: false, holder: null, reported: null };
      }
    }
  }

  private acquired(previous?: string | null): void {
    this.state = { held: true, holder: this.options.holder, reported: null };
    this.options.logger.info(
      { channel: this.options.channel, ...(previous ? { previous } : {}) },
      'channel lease taken: this instance runs it',
    );
    this.options.onAcquired();
  }

  private lost(reason: string): void {
    this.options.logger.warn({ channel: this.options.channel, reason }, 'channel lease lost: stopping the channel');
    this.options.onLost();
  }
}
